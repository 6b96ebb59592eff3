/**
 * The buyer's delivery authorization (SPEC §4.5): an EIP-712 `Release` signed under the escrow's own domain, which
 * the seller or its delivery agent submits with `releaseWithSignature`; and EIP-2612 permits of the payment token,
 * whose domain core/permit.ts resolves (ERC-5267, else name()/version(), else a per-network parameter).
 */
import { Contract, Signature, getAddress } from "ethers";
import type { ContractRunner, InterfaceAbi, Signer, TypedDataDomain } from "ethers";
import type { Address } from "viem";
import { PERMIT_READ_ABI, permitTypedData, resolvePermitDomain } from "../../core/permit.js";
import type { PermitDomainParameter, PermitTokenReader } from "../../core/permit.js";
import type { DeliveryEscrow } from "../../typechain-types/index.js";

export const RELEASE_TYPES = {
  Release: [
    { name: "orderId", type: "uint256" },
    { name: "seller", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "deadline", type: "uint256" },
    { name: "nonce", type: "uint256" },
  ],
};

/** The escrow's EIP-712 domain, read from its ERC-5267 `eip712Domain()`. */
export async function escrowDomain(escrow: DeliveryEscrow): Promise<TypedDataDomain> {
  const d = await escrow.eip712Domain();
  return { name: d.name, version: d.version, chainId: d.chainId, verifyingContract: d.verifyingContract };
}

/** The `Release` value for an order's current terms and nonce. */
export async function releaseValue(escrow: DeliveryEscrow, orderId: bigint, deadline: bigint) {
  const o = await escrow.order(orderId);
  return { orderId, seller: o.seller, amount: o.amount, deadline, nonce: o.nonce };
}

/** The buyer signs the authorization of `orderId` valid until `deadline`. */
export async function signRelease(escrow: DeliveryEscrow, buyer: Signer, orderId: bigint, deadline: bigint): Promise<string> {
  return buyer.signTypedData(await escrowDomain(escrow), RELEASE_TYPES, await releaseValue(escrow, orderId, deadline));
}

/** A `PermitTokenReader` (core/permit.ts) over ethers: the token at `address`, read through `runner`'s provider. */
export function ethersPermitReader(address: string, runner: ContractRunner, chainId: bigint): PermitTokenReader {
  const token = new Contract(address, PERMIT_READ_ABI as unknown as InterfaceAbi, runner);
  return {
    address: getAddress(address) as Address,
    chainId,
    eip712Domain: async () => {
      const d = await token.eip712Domain();
      return { name: d.name, version: d.version, chainId: d.chainId, verifyingContract: d.verifyingContract };
    },
    name: () => token.name(),
    version: () => token.version(),
    domainSeparator: () => token.DOMAIN_SEPARATOR(),
  };
}

/**
 * An EIP-2612 permit of `token` for `spender` to take exactly `value` from `owner`, under the token's own domain: from
 * ERC-5267 where the token has it, else its `name()` and `version()` (USDC), else the network's `permitDomain`
 * parameter, and checked against `DOMAIN_SEPARATOR()` before signing (a mismatch throws one sentence, nothing signed).
 */
export async function signPermit(
  token: { getAddress(): Promise<string> },
  owner: Signer,
  spender: string,
  value: bigint,
  deadline: bigint,
  parameter: PermitDomainParameter = {},
) {
  const provider = owner.provider;
  if (!provider) throw new Error("the permit signer has no provider to read the token with");
  const address = await token.getAddress();
  const { chainId } = await provider.getNetwork();
  const ownerAddress = await owner.getAddress();
  const { domain } = await resolvePermitDomain(ethersPermitReader(address, provider, chainId), parameter);
  const nonces = new Contract(address, PERMIT_READ_ABI as unknown as InterfaceAbi, provider);
  const nonce: bigint = await nonces.nonces(ownerAddress);
  const typed = permitTypedData(domain, {
    owner: ownerAddress as Address,
    spender: spender as Address,
    value,
    nonce,
    deadline,
  });
  const signature = await owner.signTypedData(
    typed.domain,
    { Permit: [...typed.types.Permit] },
    typed.message,
  );
  return Signature.from(signature);
}
