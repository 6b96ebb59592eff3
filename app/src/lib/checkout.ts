/**
 * Checking out a cart. Where the wallet speaks EIP-5792 (`wallet_sendCalls`) the whole cart goes as one batch
 * (approve + buy per listing); otherwise one purchase per listing in sequence (permit + buy each). Either way an
 * item that fails leaves the others as they are, and its reason is kept per item.
 */
import { encodeFunctionData } from "viem";
import type { Address } from "viem";
import { getCapabilities, readContract, sendCalls, waitForCallsStatus } from "wagmi/actions";
import type { Config } from "wagmi";
import { describeError } from "../../../core/errors";
import { ABI } from "./abis";
import { boughtIn, buyStakes, costOf } from "./purchase";
import type { Bought, Step } from "./purchase";

export interface CheckoutItem {
  listingId: number;
  address: Address;
  name: string;
  count: number;
}

export type ItemState = { state: "waiting" } | { state: "working"; step: Step | "batch" } | { state: "bought"; bought: Bought } | { state: "failed"; error: unknown };

export interface CheckoutRequest {
  account: Address;
  tokenId: bigint;
  paymentToken: Address;
  permit: boolean;
}

/** Whether the wallet takes `wallet_sendCalls` on this chain (EIP-5792). */
export async function supportsBatch(config: Config, account: Address): Promise<boolean> {
  try {
    const capabilities = await getCapabilities(config, { account });
    return capabilities !== undefined && capabilities !== null;
  } catch {
    return false;
  }
}

/** A failure known before anything is signed: more stakes asked than remain. */
async function precheck(config: Config, item: CheckoutItem): Promise<Error | undefined> {
  const [[, terms], [held]] = (await Promise.all([
    readContract(config, { address: item.address, abi: ABI.listing, functionName: "charter" }),
    readContract(config, { address: item.address, abi: ABI.listing, functionName: "sales" }),
  ])) as [[bigint, { stakeCount: bigint }], [bigint, bigint]];
  const remaining = terms.stakeCount - held;
  if (BigInt(item.count) > remaining) return new Error(describeError("ExceedsRemaining", [BigInt(item.count), remaining]));
  return undefined;
}

export async function checkout(
  config: Config,
  items: CheckoutItem[],
  r: CheckoutRequest,
  batch: boolean,
  onItem: (listingId: number, state: ItemState) => void,
): Promise<void> {
  if (batch) return checkoutBatch(config, items, r, onItem);
  let tokenId = r.tokenId;
  for (const item of items) {
    onItem(item.listingId, { state: "working", step: "checking" });
    try {
      const known = await precheck(config, item);
      if (known) throw known;
      const bought = await buyStakes(
        config,
        { listing: item.address, account: r.account, tokenId, count: BigInt(item.count), paymentToken: r.paymentToken, permit: r.permit },
        (step) => onItem(item.listingId, { state: "working", step }),
      );
      // The next purchases go on the same bid token (issued by the first one if the buyer had none).
      tokenId = bought.tokenId;
      onItem(item.listingId, { state: "bought", bought });
    } catch (error) {
      onItem(item.listingId, { state: "failed", error });
    }
  }
}

async function checkoutBatch(config: Config, items: CheckoutItem[], r: CheckoutRequest, onItem: (listingId: number, state: ItemState) => void) {
  const ready: CheckoutItem[] = [];
  for (const item of items) {
    const known = await precheck(config, item).catch((e: unknown) => e as Error);
    if (known) onItem(item.listingId, { state: "failed", error: known });
    else ready.push(item);
  }
  if (ready.length === 0) return;
  const calls = [];
  for (const item of ready) {
    onItem(item.listingId, { state: "working", step: "batch" });
    const [, terms] = (await readContract(config, { address: item.address, abi: ABI.listing, functionName: "charter" })) as [bigint, { stakePrice: bigint }];
    // Credit is spent by the first purchase on the token; approving the full cost keeps every call sufficient.
    const { cost } = costOf(BigInt(item.count), terms.stakePrice, 0n);
    calls.push(
      { to: r.paymentToken, data: encodeFunctionData({ abi: ABI.erc20, functionName: "approve", args: [item.address, cost] }) },
      { to: item.address, data: encodeFunctionData({ abi: ABI.listing, functionName: "buy", args: [r.tokenId, BigInt(item.count)] }) },
    );
  }
  try {
    const { id } = await sendCalls(config, { account: r.account, calls, forceAtomic: false });
    const status = await waitForCallsStatus(config, { id, timeout: 120_000 });
    const logs = (status.receipts ?? []).flatMap((receipt) => receipt.logs.map((l) => ({ ...l, tx: receipt.transactionHash })));
    for (const item of ready) {
      const mine = logs.filter((l) => l.address.toLowerCase() === item.address.toLowerCase());
      const bought = mine.length > 0 ? boughtIn(mine as never, item.address, mine[0].tx) : undefined;
      onItem(item.listingId, bought ? { state: "bought", bought } : { state: "failed", error: new Error("its call in the batch reverted, so nothing was bought or paid for it") });
    }
  } catch (error) {
    for (const item of ready) onItem(item.listingId, { state: "failed", error });
  }
}
