/**
 * Buying stakes from the wallet, as one flow with progress: check the purchase would go through, then pay from the
 * token's credit first and the wallet for the rest — by an EIP-2612 permit signed in the wallet and one transaction
 * where the token supports it, else approve + buy — and read the stake numbers from the receipt.
 */
import { parseEventLogs } from "viem";
import type { Address, Hex } from "viem";
import { getPublicClient, readContract, signTypedData, simulateContract, waitForTransactionReceipt, writeContract } from "wagmi/actions";
import type { Config } from "wagmi";
import { ABI } from "./abis";
import { permitTypedData, resolvePermitDomain, viemPermitReader, type ContractReader } from "../../../core/permit";

export type Step = "checking" | "signing permit" | "approving" | "buying" | "confirming";

export interface Bought {
  tokenId: bigint;
  firstStake: bigint;
  count: bigint;
  tx: Hex;
}

export interface BuyRequest {
  listing: Address;
  account: Address;
  /** The buyer's bid token, or 0 to be issued one in the same transaction. */
  tokenId: bigint;
  count: bigint;
  paymentToken: Address;
  /** Whether the payment token takes EIP-2612 permits. */
  permit: boolean;
}

/** What a purchase costs and how it is paid: the token's credit first, the wallet for the rest. */
export function costOf(count: bigint, stakePrice: bigint, credit: bigint) {
  const cost = count * stakePrice;
  const creditUsed = credit < cost ? credit : cost;
  return { cost, creditUsed, walletPays: cost - creditUsed };
}

/**
 * Signs an EIP-2612 permit for the listing. The domain comes from core/permit.ts, as in the tasks: ERC-5267 where the
 * token has it, else name() and version() (Circle's USDC), checked against DOMAIN_SEPARATOR() before anything is signed.
 */
async function signPermit(config: Config, r: BuyRequest, value: bigint, deadline: bigint) {
  const client = getPublicClient(config);
  if (!client) throw new Error("no connection to the chain to read the token's permit domain");
  const chainId = BigInt(await client.getChainId());
  const [{ domain }, nonce] = await Promise.all([
    resolvePermitDomain(viemPermitReader(client as unknown as ContractReader, r.paymentToken, chainId)),
    readContract(config, { address: r.paymentToken, abi: ABI.erc20, functionName: "nonces", args: [r.account] }) as Promise<bigint>,
  ]);
  const signature = await signTypedData(config, {
    account: r.account,
    ...permitTypedData(domain, { owner: r.account, spender: r.listing, value, nonce, deadline }),
  });
  const v = Number(`0x${signature.slice(130, 132)}`);
  return { v: v < 27 ? v + 27 : v, r: `0x${signature.slice(2, 66)}` as Hex, s: `0x${signature.slice(66, 130)}` as Hex };
}

/** Stakes bought in a receipt's logs (StakesPurchased from `listing`). */
export function boughtIn(logs: { address: Address; data: Hex; topics: [Hex, ...Hex[]] | [] }[], listing: Address, tx: Hex): Bought | undefined {
  const events = parseEventLogs({ abi: ABI.listing, logs: logs as never, eventName: "StakesPurchased" }).filter(
    (l) => l.address.toLowerCase() === listing.toLowerCase(),
  );
  const e = events[0] as unknown as { args: { tokenId: bigint; firstStake: bigint; count: bigint } } | undefined;
  return e && { tokenId: e.args.tokenId, firstStake: e.args.firstStake, count: e.args.count, tx };
}

/** Buys `r.count` stakes; `onStep` reports progress. Throws what the chain or wallet said (see lib/errors.ts). */
export async function buyStakes(config: Config, r: BuyRequest, onStep: (step: Step) => void): Promise<Bought> {
  onStep("checking");
  const [terms, credit, allowance] = await Promise.all([
    readContract(config, { address: r.listing, abi: ABI.listing, functionName: "charter" }) as Promise<readonly [bigint, { stakePrice: bigint }]>,
    r.tokenId > 0n
      ? (readContract(config, { address: await bidTokenOf(config, r.listing), abi: ABI.bidToken, functionName: "creditOf", args: [r.tokenId] }) as Promise<bigint>)
      : Promise.resolve(0n),
    readContract(config, { address: r.paymentToken, abi: ABI.erc20, functionName: "allowance", args: [r.account, r.listing] }) as Promise<bigint>,
  ]);
  const { walletPays } = costOf(r.count, terms[1].stakePrice, credit);
  const covered = allowance >= walletPays;
  // A purchase that cannot go through (sold out, closed, more than remain…) fails here, before any signature.
  if (covered || r.permit) {
    try {
      await simulateContract(config, { account: r.account, address: r.listing, abi: ABI.listing, functionName: "buy", args: [r.tokenId, r.count] });
    } catch (error) {
      if (!/InsufficientAllowance/.test(String((error as Error).message)) || covered) throw error;
    }
  }

  let hash: Hex;
  if (covered) {
    onStep("buying");
    hash = await writeContract(config, { account: r.account, address: r.listing, abi: ABI.listing, functionName: "buy", args: [r.tokenId, r.count] });
  } else if (r.permit) {
    onStep("signing permit");
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 3_600);
    const sig = await signPermit(config, r, walletPays, deadline);
    onStep("buying");
    const request = { account: r.account, address: r.listing, abi: ABI.listing, functionName: "buyWithPermit", args: [r.tokenId, r.count, walletPays, deadline, sig.v, sig.r, sig.s] } as const;
    await simulateContract(config, request);
    hash = await writeContract(config, request);
  } else {
    onStep("approving");
    const approval = await writeContract(config, { account: r.account, address: r.paymentToken, abi: ABI.erc20, functionName: "approve", args: [r.listing, walletPays] });
    await waitForTransactionReceipt(config, { hash: approval });
    onStep("buying");
    await simulateContract(config, { account: r.account, address: r.listing, abi: ABI.listing, functionName: "buy", args: [r.tokenId, r.count] });
    hash = await writeContract(config, { account: r.account, address: r.listing, abi: ABI.listing, functionName: "buy", args: [r.tokenId, r.count] });
  }
  onStep("confirming");
  const receipt = await waitForTransactionReceipt(config, { hash });
  if (receipt.status !== "success") throw new Error("the purchase transaction reverted");
  const bought = boughtIn(receipt.logs as never, r.listing, hash);
  if (!bought) throw new Error("the purchase went through but no StakesPurchased event was found");
  return bought;
}

const bidTokens = new Map<string, Promise<Address>>();
async function bidTokenOf(config: Config, listing: Address): Promise<Address> {
  const key = listing.toLowerCase();
  if (!bidTokens.has(key)) {
    bidTokens.set(
      key,
      (async () => {
        const marketplace = (await readContract(config, { address: listing, abi: ABI.listing, functionName: "marketplace" })) as Address;
        const modules = (await readContract(config, { address: marketplace, abi: ABI.marketplace, functionName: "modules" })) as { bidToken: Address };
        return modules.bidToken;
      })(),
    );
  }
  return bidTokens.get(key)!;
}
