/** Sending transactions and reading their events, shared by every domain of operations. */
import type { BaseContract, ContractTransactionReceipt, ContractTransactionResponse, LogDescription } from "ethers";
import type { Listing } from "../../typechain-types/index.js";
import type { Context } from "./context.js";

export const say = (line = "") => console.log(line);
export const DAY = 86_400n;
/** Blocks per eth_getLogs page: what public RPC providers commonly accept. */
export const LOG_PAGE = 10_000;

export async function send(tx: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
  const receipt = await (await tx).wait();
  if (!receipt || receipt.status !== 1) throw new Error("the transaction did not succeed");
  return receipt;
}

/** The events named `name` that `source` emitted in `receipt`. */
export function eventsIn(receipt: ContractTransactionReceipt, source: BaseContract, name: string): LogDescription[] {
  const address = String(source.target).toLowerCase();
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === address)
    .map((log) => source.interface.parseLog(log))
    .filter((e): e is LogDescription => e !== null && e.name === name);
}

export function eventIn(receipt: ContractTransactionReceipt, source: BaseContract, name: string): LogDescription {
  const [event] = eventsIn(receipt, source, name);
  if (!event) throw new Error(`expected a ${name} event`);
  return event;
}

/** Every StakesPurchased event of a listing, fetched in pages so that live RPCs accept the ranges. */
export async function purchasesOf(ctx: Context, listing: Listing, fromBlock = 0) {
  const latest = await ctx.provider.getBlockNumber();
  const all = [];
  for (let from = fromBlock; from <= latest; from += LOG_PAGE) {
    const to = Math.min(latest, from + LOG_PAGE - 1);
    all.push(...(await listing.queryFilter(listing.filters.StakesPurchased(), from, to)));
  }
  return all;
}

export const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
