/**
 * Gathering a draw's evidence from a node's logs (viem only, browser-safe): the listing's purchases, cancellations,
 * request and winner, the Marketplace's stored word and the VRF coordinator's answer. Used by `verify-draw` (ABIs
 * from the compiled artifacts) and the page's "verify in your browser" (ABIs bundled at build time): both pass the
 * ABIs in, so this file reads no files.
 */
import type { Abi, AbiEvent, Address, Hex, PublicClient } from "viem";
import type { Evidence, Purchase } from "./draw.js";

/** The ABIs the evidence is decoded with (interfaces suffice, plus ERC-721 `ownerOf` on the bid token). */
export interface EvidenceAbis {
  listing: Abi;
  marketplace: Abi;
  bidToken: Abi;
  coordinator: Abi;
}

export interface CollectOptions {
  fromBlock?: bigint;
  pageSize?: bigint;
  /** Progress lines (to stderr in the CLI, to the screen in the page). */
  progress?: (line: string) => void;
}

function eventOf(abi: Abi, name: string): AbiEvent {
  const item = abi.find((x) => x.type === "event" && x.name === name);
  if (!item) throw new Error(`the ABI has no ${name} event: rebuild the artifacts (npm run build)`);
  return item as AbiEvent;
}

/** Reads logs of `events` at `address` from `fromBlock` to `toBlock` in pages (RPCs cap the range per call). */
async function pagedLogs(
  client: PublicClient,
  address: Address,
  events: AbiEvent[],
  fromBlock: bigint,
  toBlock: bigint,
  pageSize: bigint,
  progress: (line: string) => void,
  label: string,
  args?: Record<string, unknown>,
) {
  const logs = [];
  const pages = toBlock < fromBlock ? 0n : (toBlock - fromBlock) / pageSize + 1n;
  let page = 0n;
  for (let from = fromBlock; from <= toBlock; from += pageSize) {
    const to = from + pageSize - 1n < toBlock ? from + pageSize - 1n : toBlock;
    page += 1n;
    progress(`  ${label}: blocks ${from}–${to} (page ${page} of ${pages})`);
    logs.push(...(await logsSplitting(client, { address, events, args }, from, to, progress)));
  }
  return logs as unknown as { eventName: string; args: Record<string, unknown>; blockNumber: bigint; transactionHash: Hex }[];
}

/**
 * One page of logs; when the node refuses it as too large (response size or result-count limits, which depend on
 * the node), the block range is halved until each part fits. A single block that still does not fit is an error.
 */
async function logsSplitting(
  client: PublicClient,
  query: { address: Address; events: AbiEvent[]; args?: Record<string, unknown> },
  from: bigint,
  to: bigint,
  progress: (line: string) => void,
): Promise<unknown[]> {
  try {
    return await client.getLogs({ ...query, fromBlock: from, toBlock: to, strict: true } as Parameters<PublicClient["getLogs"]>[0]);
  } catch (error) {
    if (from === to || !/size limit|too (many|large)|exceed|limit/i.test(String((error as Error).message))) throw error;
    const mid = (from + to) / 2n;
    progress(`    the node refused blocks ${from}–${to} as too large: splitting at ${mid}`);
    return [
      ...(await logsSplitting(client, query, from, mid, progress)),
      ...(await logsSplitting(client, query, mid + 1n, to, progress)),
    ];
  }
}

/** Gathers the evidence for `listing` from a node. */
export async function collectEvidence(
  client: PublicClient,
  listing: Address,
  abis: EvidenceAbis,
  options: CollectOptions = {},
): Promise<Evidence> {
  const { listing: LISTING_ABI, marketplace: MARKETPLACE_ABI, bidToken: BID_TOKEN_ABI, coordinator: COORDINATOR_ABI } = abis;
  const progress = options.progress ?? (() => {});
  const pageSize = options.pageSize ?? 10_000n;
  const latest = await client.getBlockNumber();
  const fromBlock = options.fromBlock ?? 0n;

  const marketplace = (await client.readContract({ address: listing, abi: LISTING_ABI, functionName: "marketplace" })) as Address;
  const modules = (await client.readContract({ address: marketplace, abi: MARKETPLACE_ABI, functionName: "modules" })) as { bidToken: Address };
  const vrf = (await client.readContract({ address: marketplace, abi: MARKETPLACE_ABI, functionName: "vrfConfig" })) as { coordinator: Address };

  const listingLogs = await pagedLogs(
    client,
    listing,
    ["StakesPurchased", "PurchaseCancelled", "DrawRequested", "WinnerDrawn"].map((n) => eventOf(LISTING_ABI, n)),
    fromBlock,
    latest,
    pageSize,
    progress,
    "listing events",
  );
  const purchases: Purchase[] = listingLogs
    .filter((l) => l.eventName === "StakesPurchased")
    .map((l) => ({
      purchaseIndex: l.args.purchaseIndex as bigint,
      tokenId: l.args.tokenId as bigint,
      buyer: l.args.buyer as Address,
      firstStake: l.args.firstStake as bigint,
      count: l.args.count as bigint,
      blockNumber: l.blockNumber,
    }));
  const cancelled = listingLogs.filter((l) => l.eventName === "PurchaseCancelled").map((l) => l.args.purchaseIndex as bigint);
  progress(`  rebuilt ${purchases.length} purchases, ${cancelled.length} cancelled`);
  const evidence: Evidence = { listing, purchases, cancelled };

  const requested = listingLogs.find((l) => l.eventName === "DrawRequested");
  if (!requested) return evidence;
  const requestId = requested.args.requestId as bigint;
  evidence.drawRequested = { requestId, held: requested.args.held as bigint, blockNumber: requested.blockNumber };

  // The word can only arrive after the request, so both scans start at the request's block.
  const marketLogs = await pagedLogs(client, marketplace, [eventOf(MARKETPLACE_ABI, "RandomnessFulfilled")], requested.blockNumber, latest, pageSize, progress, "Marketplace RandomnessFulfilled", { listing });
  const stored = marketLogs.find((l) => l.args.requestId === requestId);
  if (stored) evidence.marketplaceFulfilled = { requestId, word: stored.args.word as bigint, blockNumber: stored.blockNumber };

  const vrfLogs = await pagedLogs(client, vrf.coordinator, [eventOf(COORDINATOR_ABI, "RandomWordsFulfilled")], requested.blockNumber, latest, pageSize, progress, "coordinator RandomWordsFulfilled", { requestId });
  const answered = vrfLogs.find((l) => l.args.requestId === requestId);
  if (answered) {
    evidence.coordinatorFulfilled = {
      coordinator: vrf.coordinator,
      requestId,
      outputSeed: answered.args.outputSeed as bigint,
      success: answered.args.success as boolean,
      blockNumber: answered.blockNumber,
    };
  }

  const won = listingLogs.find((l) => l.eventName === "WinnerDrawn");
  if (won) {
    evidence.winnerDrawn = {
      stake: won.args.stake as bigint,
      tokenId: won.args.tokenId as bigint,
      winner: won.args.winner as Address,
      purchaseIndex: won.args.purchaseIndex as bigint,
      word: won.args.word as bigint,
      blockNumber: won.blockNumber,
      txHash: won.transactionHash,
    };
    try {
      evidence.ownerAtDraw = (await client.readContract({
        address: modules.bidToken,
        abi: BID_TOKEN_ABI,
        functionName: "ownerOf",
        args: [evidence.winnerDrawn.tokenId],
        blockNumber: won.blockNumber,
      })) as Address;
    } catch {
      progress("  (the node cannot serve state at the draw's block; the winner's ownership is not re-checked)");
    }
  }
  return evidence;
}
