/**
 * Independent draw verifier (viem only). Recomputes a listing's winner from chain data alone and compares it with
 * what the listing announced:
 *   1. the purchases, rebuilt from the listing's StakesPurchased events (paged eth_getLogs);
 *   2. the random word, derived from the VRF coordinator's RandomWordsFulfilled event (the Marketplace's
 *      RandomnessFulfilled event and the WinnerDrawn event must carry the same word);
 *   3. the winning stake among stakes numbered over sold + cancelled (attempt 0 is word mod (sold + cancelled) + 1;
 *      an attempt landing on a cancelled purchase is redrawn), and the purchase holding it, by binary search;
 *   4. the listing's WinnerDrawn event, and the bid token's owner at that block.
 * It reads only ABIs (from the compiled artifacts) and the pure draw rule in core/draw.ts, which the indexer and the
 * page share.
 *
 *   npm run verify-draw -- --rpc http://127.0.0.1:8545 --listing 0x… [--from-block N] [--page-size 10000]
 *   npm run verify-draw -- --rpc http://127.0.0.1:8545 --listing 4 --marketplace 0x…   (a listing by its number)
 *
 * Exit code 0 on MATCH, 1 on MISMATCH, 2 when the draw has not happened yet or the input is wrong, 3 when there
 * is no draw to verify and never will be (the listing failed or was dissolved: its buyers are refunded).
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { createPublicClient, getAddress, http, isAddress } from "viem";
import type { Abi, AbiEvent, Address, PublicClient } from "viem";

import { hex, verifyDraw } from "../core/draw.js";
import { FAILURE_REASON } from "../core/enums.js";
import type { Evidence, Verdict } from "../core/draw.js";
import { collectEvidence as collectWith } from "../core/evidence.js";
import type { CollectOptions } from "../core/evidence.js";

export { verifyDraw, wordFromSeed, findPurchase } from "../core/draw.js";
export type { Evidence, Purchase, Verdict, Check } from "../core/draw.js";


// ---------------------------------------------------------------- gathering the evidence

const ARTIFACTS = new URL("../artifacts/", import.meta.url);
function abiOf(relative: string): Abi {
  return JSON.parse(readFileSync(new URL(relative, ARTIFACTS), "utf8")).abi as Abi;
}

const LISTING_ABI = abiOf("contracts/interfaces/IListing.sol/IListing.json");
const MARKETPLACE_ABI = abiOf("contracts/interfaces/IMarketplace.sol/IMarketplace.json");
const BID_TOKEN_ABI = [
  ...abiOf("contracts/interfaces/IBidToken.sol/IBidToken.json"),
  // ownerOf comes from ERC-721, which the BidToken interface does not repeat.
  ...abiOf("contracts/BidToken.sol/BidToken.json").filter((x) => x.type === "function" && x.name === "ownerOf"),
] as Abi;
const COORDINATOR_ABI = abiOf("@chainlink/contracts/src/v0.8/vrf/mocks/VRFCoordinatorV2_5Mock.sol/VRFCoordinatorV2_5Mock.json");

export type { CollectOptions } from "../core/evidence.js";

/** Gathers the evidence for `listing` from a node (core/evidence.ts, with the ABIs of the compiled artifacts). */
export function collectEvidence(client: PublicClient, listing: Address, options: CollectOptions = {}): Promise<Evidence> {
  return collectWith(client, listing, { listing: LISTING_ABI, marketplace: MARKETPLACE_ABI, bidToken: BID_TOKEN_ABI, coordinator: COORDINATOR_ABI }, options);
}

/** The report a person reads: the evidence, each check, and the verdict on the last line. */
export function formatReport(e: Evidence, v: Verdict): string[] {
  const lines = [`Draw of listing ${e.listing}`];
  lines.push(`  purchases   ${e.purchases.length} (StakesPurchased events), ${(e.cancelled ?? []).length} cancelled (PurchaseCancelled)`);
  if (e.drawRequested) lines.push(`  request     VRF request ${e.drawRequested.requestId} at block ${e.drawRequested.blockNumber}, ${e.drawRequested.held} stakes held`);
  if (e.coordinatorFulfilled) lines.push(`  coordinator ${e.coordinatorFulfilled.coordinator} answered at block ${e.coordinatorFulfilled.blockNumber} (output ${hex(e.coordinatorFulfilled.outputSeed)})`);
  if (e.marketplaceFulfilled) lines.push(`  stored word ${hex(e.marketplaceFulfilled.word)} (Marketplace RandomnessFulfilled, block ${e.marketplaceFulfilled.blockNumber})`);
  if (e.winnerDrawn) lines.push(`  announced   stake #${e.winnerDrawn.stake}, purchase #${e.winnerDrawn.purchaseIndex}, bid token #${e.winnerDrawn.tokenId}, winner ${e.winnerDrawn.winner} (tx ${e.winnerDrawn.txHash})`);
  if (v.recomputed) lines.push(`  recomputed  word ${hex(v.recomputed.word)} → stake #${v.recomputed.stake} after ${v.recomputed.attempts} attempt(s) over ${v.recomputed.held} held stakes → purchase #${v.recomputed.purchaseIndex}, bid token #${v.recomputed.tokenId}`);
  for (const c of v.checks) lines.push(`  ${c.ok ? "✓" : "✗"} ${c.what}`);
  lines.push(v.result === "INCOMPLETE" ? "INCOMPLETE: the draw has not happened yet" : v.result);
  return lines;
}

// ---------------------------------------------------------------- CLI

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument "${argv[i]}"`);
    out[m[1]] = m[2] ?? argv[++i] ?? "";
  }
  return out;
}

export async function main(argv: string[]): Promise<number> {
  let args: Record<string, string>;
  try {
    args = parseArgs(argv);
  } catch (error) {
    console.error(`✗ ${(error as Error).message}`);
    return 2;
  }
  const usage = "usage: npm run verify-draw -- --rpc <url> --listing <address> [--from-block N] [--page-size 10000] (or --listing <number> --marketplace <address>)";
  if (!args.rpc || !args.listing) {
    console.error(`✗ ${usage}`);
    return 2;
  }
  const client = createPublicClient({ transport: http(args.rpc) }) as PublicClient;
  try {
    const listing = await listingAddress(client, args.listing, args.marketplace);
    if (typeof listing === "string" && !isAddress(listing)) {
      console.error(`✗ ${listing}`);
      return 2;
    }
    const ended = await noDraw(client, listing as Address);
    if (ended) {
      console.log(`Draw of listing ${listing}`);
      console.log(`NO DRAW: ${ended}`);
      return 3;
    }
    const evidence = await collectEvidence(client, getAddress(listing), {
      fromBlock: args["from-block"] ? BigInt(args["from-block"]) : undefined,
      pageSize: args["page-size"] ? BigInt(args["page-size"]) : undefined,
      progress: (line) => console.error(line),
    });
    const verdict = verifyDraw(evidence);
    for (const line of formatReport(evidence, verdict)) console.log(line);
    return verdict.result === "MATCH" ? 0 : verdict.result === "MISMATCH" ? 1 : 2;
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    const reason = /fetch failed|ECONNREFUSED|HTTP request failed/i.test(message)
      ? `cannot reach ${args.rpc}: is the node running?`
      : /returned no data|reverted/i.test(message)
        ? `${args.listing} does not answer as a listing on this chain`
        : message.split("\n")[0];
    console.error(`✗ ${reason}`);
    return 2;
  }
}

/**
 * The listing's address from what the auditor typed: an address, or a number ("4", "#4") resolved through the
 * Marketplace's listingAt. Returns a sentence (not an address) when the input cannot be resolved.
 */
async function listingAddress(client: PublicClient, given: string, marketplace: string | undefined): Promise<string> {
  if (isAddress(given)) return given;
  const id = given.trim().replace(/^#/, "");
  if (!/^\d+$/.test(id)) return `"${given}" is neither a listing address nor a listing number`;
  if (!marketplace || !isAddress(marketplace)) {
    return `listing #${id} is a number: add --marketplace <the Marketplace's address> to find it, or give the listing's address`;
  }
  const count = (await client.readContract({ address: marketplace, abi: MARKETPLACE_ABI, functionName: "listingCount" })) as bigint;
  if (BigInt(id) < 1n || BigInt(id) > count) return `unknown listing #${id}: the Marketplace at ${marketplace} has listings #1…#${count}`;
  return (await client.readContract({ address: marketplace, abi: MARKETPLACE_ABI, functionName: "listingAt", args: [BigInt(id)] })) as string;
}

/** Why a listing will never have a draw to verify (failed or dissolved), or undefined while one may still come. */
async function noDraw(client: PublicClient, listing: Address): Promise<string | undefined> {
  const status = Number(await client.readContract({ address: listing, abi: LISTING_ABI, functionName: "status" }));
  if (status === 4) return "the listing was dissolved by its stakeholders' unanimous vote; there is no winner, and buyers claim refunds";
  if (status !== 3) return undefined;
  const failed = LISTING_ABI.find((x) => x.type === "event" && x.name === "ListingFailed") as AbiEvent;
  const [log] = (await client.getLogs({ address: listing, event: failed, fromBlock: 0n, strict: true })) as unknown as {
    args: { reason: number; held: bigint };
  }[];
  const why = log ? `${FAILURE_REASON[Number(log.args.reason)] ?? `reason ${log.args.reason}`}, ${log.args.held} stakes sold` : "no ListingFailed event found";
  return `the listing FAILED (${why}), so no winner is ever drawn; buyers claim refunds (stake:refund)`;
}

// Run only as a program, not when a test imports verifyDraw.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
