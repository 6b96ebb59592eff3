/**
 * The EIP-712 domain an EIP-2612 permit must be signed under, for any token (browser-safe, viem's hashing only), shared
 * by the tasks (ethers) and the page (viem). Tokens disagree on how they publish it: OpenZeppelin's answer ERC-5267
 * `eip712Domain()`; Circle's USDC has no `eip712Domain()` but `name()` and `version()` ("USD Coin", "2"); some publish
 * only `DOMAIN_SEPARATOR()`. The domain is taken from the first of these that exists and checked against the token's
 * `DOMAIN_SEPARATOR()` before anything is signed, so a wrong guess never becomes a permit the token rejects.
 */
import { domainSeparator } from "viem";
import type { Address, Hex } from "viem";
import { shortAddress } from "./format.js";

export interface PermitDomain {
  name: string;
  version: string;
  chainId: bigint;
  verifyingContract: Address;
}

/** Where a domain came from, as a person reads it. */
export type PermitDomainSource = "eip712Domain()" | "name() and version()" | "the network's permitDomain parameter";

/**
 * What the resolver reads from a token. Each function resolves to the call's result and rejects when the token lacks
 * the function (the call reverts or returns nothing decodable): any client (viem, ethers, a wallet) can implement it.
 */
export interface PermitTokenReader {
  address: Address;
  chainId: bigint;
  eip712Domain(): Promise<{ name: string; version: string; chainId: bigint; verifyingContract: string }>;
  name(): Promise<string>;
  version(): Promise<string>;
  domainSeparator(): Promise<Hex>;
}

/** A per-network fallback (deploy/parameters/<network>.json: `permitDomain`), for tokens that publish neither. */
export interface PermitDomainParameter {
  name?: string;
  version?: string;
}

export const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** The ABI fragments the readers below call (plain JSON ABI, usable by viem and ethers alike). */
export const PERMIT_READ_ABI = [
  {
    type: "function",
    name: "eip712Domain",
    stateMutability: "view",
    inputs: [],
    outputs: [
      { name: "fields", type: "bytes1" },
      { name: "name", type: "string" },
      { name: "version", type: "string" },
      { name: "chainId", type: "uint256" },
      { name: "verifyingContract", type: "address" },
      { name: "salt", type: "bytes32" },
      { name: "extensions", type: "uint256[]" },
    ],
  },
  { type: "function", name: "name", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "string" }] },
  { type: "function", name: "version", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "string" }] },
  {
    type: "function",
    name: "DOMAIN_SEPARATOR",
    stateMutability: "view",
    inputs: [],
    outputs: [{ name: "", type: "bytes32" }],
  },
  {
    type: "function",
    name: "nonces",
    stateMutability: "view",
    inputs: [{ name: "owner", type: "address" }],
    outputs: [{ name: "", type: "uint256" }],
  },
] as const;

/** The separator a domain hashes to (what the token's `DOMAIN_SEPARATOR()` must equal). */
export function separatorOf(domain: PermitDomain): Hex {
  return domainSeparator({ domain });
}

function describe(domain: PermitDomain): string {
  return `"${domain.name}", version "${domain.version}", chain ${domain.chainId}, ${shortAddress(domain.verifyingContract)}`;
}

async function attempt<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

/**
 * The token's permit domain: from ERC-5267 where present, else from `name()` and `version()`, else from the network's
 * `permitDomain` parameter; when the token has `DOMAIN_SEPARATOR()`, the first candidate that hashes to it wins and a
 * mismatch of every candidate throws one sentence saying so (nothing is signed). Throws too when no source exists.
 */
export async function resolvePermitDomain(
  token: PermitTokenReader,
  parameter: PermitDomainParameter = {},
): Promise<{ domain: PermitDomain; source: PermitDomainSource; checked: boolean }> {
  const candidates: { domain: PermitDomain; source: PermitDomainSource }[] = [];
  const base = { chainId: token.chainId, verifyingContract: token.address };
  const erc5267 = await attempt(() => token.eip712Domain());
  if (erc5267) {
    candidates.push({
      source: "eip712Domain()",
      domain: {
        name: erc5267.name,
        version: erc5267.version,
        chainId: BigInt(erc5267.chainId),
        verifyingContract: erc5267.verifyingContract as Address,
      },
    });
  }
  const [name, version] = await Promise.all([attempt(() => token.name()), attempt(() => token.version())]);
  if (name !== undefined && version !== undefined) {
    candidates.push({ source: "name() and version()", domain: { ...base, name, version } });
  }
  const paramName = parameter.name ?? name;
  if (paramName !== undefined && parameter.version !== undefined) {
    candidates.push({
      source: "the network's permitDomain parameter",
      domain: { ...base, name: paramName, version: parameter.version },
    });
  }
  if (candidates.length === 0) {
    throw new Error(
      `the token at ${shortAddress(token.address)} publishes no permit domain (neither eip712Domain() nor name() and version()): set permitDomain {"name", "version"} for this network in deploy/parameters/<network>.json`,
    );
  }
  const onChain = await attempt(() => token.domainSeparator());
  if (onChain === undefined) return { ...candidates[0], checked: false };
  const match = candidates.find((c) => separatorOf(c.domain).toLowerCase() === onChain.toLowerCase());
  if (match) return { ...match, checked: true };
  const first = candidates[0];
  throw new Error(
    `the token's DOMAIN_SEPARATOR() is ${onChain} but the domain from its ${first.source} (${describe(first.domain)}) hashes to ${separatorOf(first.domain)}, so a permit signed with it would be rejected and none was signed: set the right permitDomain {"name", "version"} for this network in deploy/parameters/<network>.json, or use an approval`,
  );
}

/** The typed data of a permit for `value` from `owner` to `spender`, ready for any EIP-712 signer. */
export function permitTypedData(
  domain: PermitDomain,
  message: { owner: Address; spender: Address; value: bigint; nonce: bigint; deadline: bigint },
) {
  return { domain, types: PERMIT_TYPES, primaryType: "Permit" as const, message };
}

/** Structural shape of a viem public client's `readContract`, so that core needs no client type. */
export interface ContractReader {
  readContract(args: { address: Address; abi: typeof PERMIT_READ_ABI; functionName: string }): Promise<unknown>;
}

/** A `PermitTokenReader` over a viem public client (what the page uses). */
export function viemPermitReader(client: ContractReader, address: Address, chainId: bigint): PermitTokenReader {
  const read = (functionName: string) => client.readContract({ address, abi: PERMIT_READ_ABI, functionName });
  return {
    address,
    chainId,
    eip712Domain: async () => {
      const [, name, version, domainChainId, verifyingContract] = (await read("eip712Domain")) as readonly [
        Hex,
        string,
        string,
        bigint,
        Address,
      ];
      return { name, version, chainId: domainChainId, verifyingContract };
    },
    name: async () => (await read("name")) as string,
    version: async () => (await read("version")) as string,
    domainSeparator: async () => (await read("DOMAIN_SEPARATOR")) as Hex,
  };
}
