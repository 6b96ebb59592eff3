/**
 * The draw rule as an auditor recomputes it, from evidence alone (purchases, cancellations, the VRF word and the
 * announced winner): one implementation for the `verify-draw` command, the indexer's `/listings/:id/draw/verify`
 * and the page's "verify in your browser". Pure: no I/O, viem's hashing only, so it runs in a browser too.
 */
import { encodeAbiParameters, keccak256 } from "viem";
import type { Address, Hex } from "viem";

/** A 32-byte word shortened for a report line: "0x1a2b3c4d…9f8e7d6c". */
export const hex = (word: bigint) => {
  const text = `0x${word.toString(16).padStart(64, "0")}`;
  return `${text.slice(0, 10)}…${text.slice(-8)}`;
};


export interface Purchase {
  purchaseIndex: bigint;
  tokenId: bigint;
  buyer: Address;
  firstStake: bigint;
  count: bigint;
  blockNumber: bigint;
}

/** Everything the verdict rests on; a test may tamper with any of it. */
export interface Evidence {
  listing: Address;
  purchases: Purchase[];
  /** Purchase indices from the listing's PurchaseCancelled events (their stakes are rejected by the draw). */
  cancelled?: bigint[];
  /** The listing's DrawRequested: the VRF request and the stakes held (sold and not cancelled), frozen at settlement. */
  drawRequested?: { requestId: bigint; held: bigint; blockNumber: bigint };
  /** The coordinator's RandomWordsFulfilled for that request. */
  coordinatorFulfilled?: { coordinator: Address; requestId: bigint; outputSeed: bigint; success: boolean; blockNumber: bigint };
  /** The Marketplace's RandomnessFulfilled for the listing (the word the contracts stored). */
  marketplaceFulfilled?: { requestId: bigint; word: bigint; blockNumber: bigint };
  /** The listing's WinnerDrawn. */
  winnerDrawn?: { stake: bigint; tokenId: bigint; winner: Address; purchaseIndex: bigint; word: bigint; blockNumber: bigint; txHash: Hex };
  /** The bid token's owner at the WinnerDrawn block, when the node can serve that state. */
  ownerAtDraw?: Address;
}

export interface Check {
  ok: boolean;
  what: string;
}

export interface Verdict {
  result: "MATCH" | "MISMATCH" | "INCOMPLETE";
  checks: Check[];
  recomputed?: { word: bigint; held: bigint; stake: bigint; purchaseIndex: bigint; tokenId: bigint; attempts: number };
}

/** Draw attempts before the listing falls back to the next held purchase (PurchaseLog.MAX_DRAW_ATTEMPTS). */
const MAX_DRAW_ATTEMPTS = 64;

/**
 * VRF v2.5 derives word i of a request from the proof's output as keccak256(abi.encode(output, i)); the
 * coordinator's RandomWordsFulfilled event carries that output as `outputSeed` (the official mock emits the
 * request id there and derives its default words the same way).
 */
export function wordFromSeed(outputSeed: bigint, index = 0n): bigint {
  return BigInt(keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "uint256" }], [outputSeed, index])));
}

/** The purchase whose range holds `stake`: the last one starting at or below it (ranges are sorted). */
export function findPurchase(purchases: Purchase[], stake: bigint): Purchase | undefined {
  let lo = 0;
  let hi = purchases.length - 1;
  let found: Purchase | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (purchases[mid].firstStake <= stake) {
      found = purchases[mid];
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found && stake < found.firstStake + found.count ? found : undefined;
}

/** The verdict from the evidence alone: no I/O, so a test can feed it tampered evidence. */
export function verifyDraw(e: Evidence): Verdict {
  const checks: Check[] = [];
  const check = (ok: boolean, what: string) => checks.push({ ok, what });
  const verdict = (): Verdict["result"] => (checks.every((c) => c.ok) ? "MATCH" : "MISMATCH");

  // 1. The purchase log: indices 0…n−1 and stake ranges that follow each other without gaps or overlaps.
  const purchases = [...e.purchases].sort((a, b) => (a.purchaseIndex < b.purchaseIndex ? -1 : 1));
  let next = 1n;
  let contiguous = true;
  purchases.forEach((p, i) => {
    if (p.purchaseIndex !== BigInt(i) || p.firstStake !== next || p.count <= 0n) contiguous = false;
    next = p.firstStake + p.count;
  });
  const numbered = purchases.reduce((s, p) => s + p.count, 0n);
  check(contiguous, purchases.length === 1 ? `1 purchase holds stakes #1…#${numbered}` : `${purchases.length} purchases form one contiguous range of stakes #1…#${numbered}`);
  // Cancelled purchases keep their numbers; the stakes still held are the rest.
  const cancelled = new Set((e.cancelled ?? []).map((i) => i.toString()));
  const cancelledValid = (e.cancelled ?? []).every((i) => i < BigInt(purchases.length)) && cancelled.size === (e.cancelled ?? []).length;
  const cancelledStakes = purchases.filter((p) => cancelled.has(p.purchaseIndex.toString())).reduce((s, p) => s + p.count, 0n);
  const held = numbered - cancelledStakes;
  if (cancelled.size > 0) {
    check(cancelledValid, `${cancelled.size} cancelled purchases, each cancelled once (${cancelledStakes} stakes)`);
  }

  if (!e.drawRequested || !e.winnerDrawn) {
    checks.push({ ok: true, what: e.drawRequested ? "the draw was requested but no winner was drawn yet" : "the listing never requested a draw" });
    return { result: contiguous ? "INCOMPLETE" : "MISMATCH", checks };
  }
  check(held === e.drawRequested.held, `stakes held rebuilt from events (${held}) = stakes held frozen at settlement (${e.drawRequested.held})`);

  // 2. The word: the coordinator's output decides; the contracts' copies must agree with it.
  let word: bigint;
  if (e.coordinatorFulfilled) {
    word = wordFromSeed(e.coordinatorFulfilled.outputSeed);
    check(e.coordinatorFulfilled.requestId === e.drawRequested.requestId, `the coordinator answered request ${e.drawRequested.requestId}`);
    check(e.coordinatorFulfilled.success, "the coordinator's callback to the Marketplace succeeded");
    if (e.marketplaceFulfilled) {
      check(e.marketplaceFulfilled.word === word, `the Marketplace stored the coordinator's word (RandomnessFulfilled ${hex(e.marketplaceFulfilled.word)})`);
    } else {
      check(false, "the Marketplace never recorded the word (no RandomnessFulfilled for this listing)");
    }
  } else if (e.marketplaceFulfilled) {
    // Without the coordinator's event (e.g. a pruned node) only the contracts' own record of the word is left.
    word = e.marketplaceFulfilled.word;
    check(false, "no RandomWordsFulfilled from the coordinator for this request: the word cannot be traced to VRF");
  } else {
    check(false, "no random word was delivered for this listing");
    return { result: verdict(), checks };
  }
  check(e.winnerDrawn.word === word, `WinnerDrawn used the VRF word ${hex(word)}`);

  // 3. The winner, recomputed.
  if (held === 0n) {
    check(false, "no stakes are held (none sold, or all cancelled), so no stake can win");
    return { result: verdict(), checks };
  }
  // Attempt 0 is word mod numbered + 1, attempt i is keccak256(word, i) mod numbered + 1; attempts landing in a
  // cancelled purchase are rejected (uniform over the held stakes), with the listing's bounded fallback.
  let stake = 0n;
  let holder: Purchase | undefined;
  let attempts = 0;
  for (; attempts < MAX_DRAW_ATTEMPTS; attempts++) {
    const sample = attempts === 0 ? word : wordFromSeed(word, BigInt(attempts));
    stake = (sample % numbered) + 1n;
    holder = findPurchase(purchases, stake);
    if (!holder) {
      check(false, `no purchase holds the drawn stake #${stake}`);
      return { result: verdict(), checks };
    }
    if (!cancelled.has(holder.purchaseIndex.toString())) break;
  }
  if (attempts === MAX_DRAW_ATTEMPTS) {
    let i = Number(holder!.purchaseIndex);
    do {
      i = (i + 1) % purchases.length;
    } while (cancelled.has(BigInt(i).toString()));
    holder = purchases[i];
    stake = holder.firstStake + holder.count - 1n;
  }
  holder = holder!;
  const recomputed = { word, held, stake, purchaseIndex: holder.purchaseIndex, tokenId: holder.tokenId, attempts: attempts + 1 };

  // 4. Against what the listing announced.
  const w = e.winnerDrawn;
  const how = attempts === 0 ? `word mod ${numbered} + 1` : `attempt ${attempts + 1} (earlier ones hit cancelled purchases)`;
  check(w.stake === stake, `winning stake: announced #${w.stake}, recomputed #${stake} = ${how}`);
  check(w.purchaseIndex === holder.purchaseIndex, `purchase holding it: announced #${w.purchaseIndex}, recomputed #${holder.purchaseIndex}`);
  check(w.tokenId === holder.tokenId, `bid token: announced #${w.tokenId}, recomputed #${holder.tokenId}`);
  if (e.ownerAtDraw) check(e.ownerAtDraw.toLowerCase() === w.winner.toLowerCase(), `winner ${w.winner} owned bid token #${holder.tokenId} at the draw`);
  return { result: verdict(), checks, recomputed };
}
