/**
 * The catalog's read queries, behind src/api/index.ts. Every value a client sends reaches SQL as a bound parameter
 * (drizzle's sql template); pages are keyset-paginated and capped at 100 rows, so no request costs more than a page.
 */
import { and, asc, desc, eq, gt, lte, or, sql } from "ponder";
import { getTableColumns, type Column, type SQL } from "drizzle-orm";
import { cancellation, change, draw, listing, member, order, position, purchase, setting, statusChange, tier, token, transfer, vrfFulfillment } from "ponder:schema";
import { FAILURE_REASON, LISTING_STATUS, ORDER_STATUS } from "../../core/enums.js";
import { verifyDraw, wordFromSeed, type Evidence } from "../../core/draw.js";
import { tsqueryLiteral } from "./search.js";
import { BadInput, decodeCursor, encodeCursor, type Sort } from "./params.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = any;
type ListingRow = typeof listing.$inferSelect;

const OPEN = 0;
const DRAWING = 1;
const REFUNDING = [3, 4]; // Failed, Dissolved: refunds open

/** The catalog's view of a listing (API.md CatalogItem). */
export function catalogItem(l: ListingRow) {
  return {
    id: l.id,
    address: l.address,
    name: l.name || `Listing #${l.id}`,
    description: l.description,
    image: l.image,
    category: l.category,
    subcategory: l.subcategory,
    keywords: l.keywords,
    price: l.price,
    stakePrice: l.stakePrice,
    stakes: l.stakes,
    threshold: l.threshold,
    sold: l.sold,
    cancelled: l.cancelledStakes,
    progress: Number(l.sold) / Number(l.stakes),
    oddsDenominator: l.oddsDenominator,
    oddsPerStake: 1 / Number(l.oddsDenominator),
    opensAt: Number(l.opensAt),
    deadline: Number(l.deadline),
    status: LISTING_STATUS[l.status],
    failureReason: l.failureReason === null ? null : FAILURE_REASON[l.failureReason],
    metadataStatus: l.metadataStatus,
    contentHashMatches: l.contentHashMatches,
    updatedAt: Number(l.updatedAt),
  };
}

type Key = { expr: SQL | Column; dir: "asc" | "desc"; kind: "int" | "float"; pick: (r: ListingRow & { rank?: number }) => string | number };

function sortKeys(s: Sort, rank: SQL | undefined): Key[] {
  const int = (col: Column, dir: "asc" | "desc", pick: (r: ListingRow) => bigint | number): Key => ({ expr: col, dir, kind: "int", pick: (r) => String(pick(r)) });
  const id = (dir: "asc" | "desc") => int(listing.id, dir, (r) => r.id);
  switch (s) {
    case "odds":
      return [int(listing.oddsDenominator, "asc", (r) => r.oddsDenominator), id("asc")];
    case "stakePrice":
      return [int(listing.stakePrice, "asc", (r) => r.stakePrice), id("asc")];
    case "price":
      return [int(listing.price, "asc", (r) => r.price), id("asc")];
    case "endingSoon":
      return [int(listing.closed, "asc", (r) => r.closed), int(listing.deadline, "asc", (r) => r.deadline), id("asc")];
    case "mostSold":
      return [int(listing.sold, "desc", (r) => r.sold), id("desc")];
    case "newest":
      return [id("desc")];
    case "relevance":
      return [{ expr: rank!, dir: "desc", kind: "float", pick: (r) => r.rank! }, id("asc")];
  }
}

/** (k1, k2, …) strictly after the cursor's keys, each in its own direction. */
function after(keys: Key[], values: (string | number)[]): SQL {
  const cmp = (k: Key, v: string | number) => {
    const value = k.kind === "float" ? sql`${v}::float4` : sql`${v}::numeric`;
    return k.dir === "asc" ? sql`${k.expr} > ${value}` : sql`${k.expr} < ${value}`;
  };
  const eqv = (k: Key, v: string | number) => (k.kind === "float" ? sql`${k.expr} = ${v}::float4` : sql`${k.expr} = ${v}::numeric`);
  const ors = keys.map((k, i) => and(...keys.slice(0, i).map((p, j) => eqv(p, values[j])), cmp(k, values[i]))!);
  return or(...ors)!;
}

export interface CatalogQuery {
  q?: string;
  category?: string;
  subcategory?: string;
  status?: number;
  sort: Sort;
  cursor?: string;
  limit: number;
}

export async function catalog(db: Db, query: CatalogQuery) {
  const tsq = query.q ? tsqueryLiteral(query.q) : null;
  const filters: SQL[] = [];
  if (tsq) filters.push(sql`${listing.search} @@ ${tsq}::tsquery`);
  if (query.category) filters.push(sql`lower(${listing.category}) = ${query.category.toLowerCase()}`);
  if (query.subcategory) filters.push(sql`lower(${listing.subcategory}) = ${query.subcategory.toLowerCase()}`);
  if (query.status !== undefined) filters.push(eq(listing.status, query.status));
  const sortBy: Sort = query.sort === "relevance" && !tsq ? "newest" : query.sort;
  const rank = tsq ? sql`ts_rank(${listing.search}, ${tsq}::tsquery)::float4` : undefined;
  const keys = sortKeys(sortBy, rank);
  const cursor = decodeCursor(query.cursor, "cursor", keys.map((k) => k.kind));
  const where = and(...filters, ...(cursor ? [after(keys, cursor)] : []));

  const { search: _search, attributes: _attributes, ...columns } = getTableColumns(listing);
  const rows: (ListingRow & { rank?: number })[] = await db
    .select({ ...columns, ...(rank ? { rank } : {}) })
    .from(listing)
    .where(where)
    .orderBy(...keys.map((k) => (k.dir === "asc" ? asc(k.expr as never) : desc(k.expr as never))))
    .limit(query.limit + 1);
  const [{ total }] = await db.select({ total: sql<number>`count(*)::int` }).from(listing).where(and(...filters));
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(catalogItem),
    nextCursor: rows.length > query.limit && last ? encodeCursor(keys.map((k) => k.pick(last))) : null,
    total: Number(total),
  };
}

async function findListing(db: Db, id: bigint): Promise<ListingRow | undefined> {
  const [row] = await db.select().from(listing).where(eq(listing.id, id)).limit(1);
  return row;
}

/** The owner of a bid token at a block (its last transfer at or before it). */
async function ownerAt(db: Db, tokenId: bigint, block: bigint): Promise<`0x${string}` | undefined> {
  const [row] = await db
    .select({ to: transfer.to })
    .from(transfer)
    .where(and(eq(transfer.tokenId, tokenId), lte(transfer.block, block)))
    .orderBy(desc(transfer.block), desc(transfer.id))
    .limit(1);
  return row?.to;
}

/** How many draw attempts the listing needed (1 unless attempt 0 hit a cancelled purchase); the same rule as core/draw.ts. */
async function drawAttempts(db: Db, l: ListingRow, word: bigint): Promise<number> {
  if (l.cancelledPurchases === 0n) return 1;
  const numbered = l.sold + l.cancelledStakes;
  for (let attempt = 0; attempt < 64; attempt++) {
    const stake = ((attempt === 0 ? word : wordFromSeed(word, BigInt(attempt))) % numbered) + 1n;
    const [p] = await db
      .select({ cancelled: purchase.cancelled })
      .from(purchase)
      .where(and(eq(purchase.listingId, l.id), lte(purchase.firstStake, stake)))
      .orderBy(desc(purchase.firstStake))
      .limit(1);
    if (p && !p.cancelled) return attempt + 1;
  }
  return 64;
}

export async function listingDetail(db: Db, id: bigint, purchasesCursor: string | undefined, purchasesLimit: number) {
  let from = 0n;
  if (purchasesCursor !== undefined && purchasesCursor !== "") {
    if (!/^\d{1,19}$/.test(purchasesCursor)) throw new BadInput("purchasesCursor", "purchasesCursor is not a cursor this API returned (take purchasesNextCursor)");
    from = BigInt(purchasesCursor);
  }
  // One round of independent queries; an unknown id simply finds nothing in each.
  const [l, history, purchases, holders, [d], [o]] = await Promise.all([
    findListing(db, id),
    db.select().from(statusChange).where(eq(statusChange.listingId, id)).orderBy(asc(statusChange.block), asc(statusChange.id)),
    db
      .select()
      .from(purchase)
      .where(and(eq(purchase.listingId, id), sql`${purchase.index} >= ${from}`))
      .orderBy(asc(purchase.index))
      .limit(purchasesLimit + 1),
    db
      .select({ tokenId: position.tokenId, owner: token.owner, stakes: position.stakes })
      .from(position)
      .innerJoin(token, eq(token.id, position.tokenId))
      .where(and(eq(position.listingId, id), gt(position.stakes, 0n)))
      .orderBy(desc(position.stakes), asc(position.tokenId))
      .limit(100),
    db.select().from(draw).where(eq(draw.listingId, id)).limit(1),
    db.select().from(order).where(eq(order.listingId, id)).limit(1),
  ]);
  if (!l) return undefined;
  const page = purchases.slice(0, purchasesLimit);
  return {
    ...catalogItem(l),
    seller: l.seller,
    deedId: l.deedId,
    metadataUri: l.metadataUri,
    contentHash: l.contentHash,
    attributes: l.attributes,
    history: history.map((h: typeof statusChange.$inferSelect) => ({
      status: LISTING_STATUS[h.status],
      reason: h.reason === null ? null : FAILURE_REASON[h.reason],
      timestamp: Number(h.timestamp),
      block: Number(h.block),
      tx: h.tx,
    })),
    purchases: page.map((p: typeof purchase.$inferSelect) => ({
      index: p.index,
      tokenId: p.tokenId,
      buyer: p.buyer,
      firstStake: p.firstStake,
      count: p.count,
      cancelled: p.cancelled,
      timestamp: Number(p.timestamp),
      tx: p.tx,
    })),
    purchasesNextCursor: purchases.length > purchasesLimit ? String(purchases[purchasesLimit].index) : null,
    holders,
    draw: d
      ? {
          requestId: d.requestId,
          expiresAt: Number(d.expiresAt),
          word: d.word,
          winningStake: d.winningStake,
          purchaseIndex: d.purchaseIndex,
          tokenId: d.tokenId,
          winner: d.winner,
          attempts: d.winningStake !== null && d.word !== null ? await drawAttempts(db, l, d.word) : null,
        }
      : null,
    order: o
      ? {
          orderId: o.id,
          status: ORDER_STATUS[o.status],
          buyer: o.buyer,
          seller: o.seller,
          amount: o.amount,
          // When the current status's time runs out (core/enums ORDER_DUE_AT says what it means per status).
          dueAt: Number(o.dueAt),
          shipBy: o.shipBy === null ? null : Number(o.shipBy),
          confirmBy: o.confirmBy === null ? null : Number(o.confirmBy),
        }
      : null,
  };
}

export async function account(db: Db, address: `0x${string}`) {
  // One round of independent queries (positions join the tokens by owner rather than waiting for the token list).
  const [tokens, positions, [m], orders, tiers, [cutoff]] = await Promise.all([
    db.select().from(token).where(eq(token.owner, address)).orderBy(asc(token.id)).limit(1000) as Promise<(typeof token.$inferSelect)[]>,
    db
      .select({
        p: position,
        l: { id: listing.id, address: listing.address, name: listing.name, status: listing.status, stakePrice: listing.stakePrice, oddsDenominator: listing.oddsDenominator, deadline: listing.deadline },
        // Whether the latest purchase was cancelled (then nothing more can be cancelled in this position).
        lastCancelled: purchase.cancelled,
      })
      .from(position)
      .innerJoin(token, eq(token.id, position.tokenId))
      .innerJoin(listing, eq(listing.id, position.listingId))
      .leftJoin(purchase, and(eq(purchase.listingId, position.listingId), eq(purchase.index, position.lastPurchaseIndex)))
      .where(and(eq(token.owner, address), gt(position.stakes, 0n)))
      .orderBy(desc(position.listingId), asc(position.tokenId))
      .limit(1000),
    db.select().from(member).where(eq(member.address, address)).limit(1),
    db.select().from(order).where(or(eq(order.buyer, address), eq(order.seller, address))).orderBy(desc(order.id)).limit(100),
    db.select().from(tier),
    db.select().from(setting).where(eq(setting.name, "stakeCancelCutoff")).limit(1),
  ]);
  const policy = (tiers as (typeof tier.$inferSelect)[]).find((t) => t.id === (m?.tier ?? 0));
  const open = (status: number) => status === OPEN || status === DRAWING;
  const counts = new Map<bigint, number>();
  for (const { p, l } of positions) if (open(l.status) || REFUNDING.includes(l.status)) counts.set(p.tokenId, (counts.get(p.tokenId) ?? 0) + 1);
  return {
    address,
    tokens: tokens.map((t) => ({ tokenId: t.id, credit: t.credit, positions: counts.get(t.id) ?? 0 })),
    positions: positions.map(({ p, l, lastCancelled }: { p: typeof position.$inferSelect; l: Pick<ListingRow, "id" | "address" | "name" | "status" | "stakePrice" | "oddsDenominator" | "deadline">; lastCancelled: boolean | null }) => {
      // Cancellable while Open, within the tier's window after the purchase and before the cut-off ahead of Time-Date A.
      const closesAt = l.deadline - (cutoff ? (cutoff.value < l.deadline ? cutoff.value : l.deadline) : 0n);
      const windowEnd = p.lastPurchaseAt + (policy?.cancelWindow ?? 0n);
      const cancelDeadline = windowEnd < closesAt - 1n ? windowEnd : closesAt - 1n;
      return {
        listingId: l.id,
        listingAddress: l.address,
        name: l.name || `Listing #${l.id}`,
        status: LISTING_STATUS[l.status],
        tokenId: p.tokenId,
        stakes: p.stakes,
        paid: p.paid,
        oddsPerStake: 1 / Number(l.oddsDenominator),
        odds: Number(p.stakes) / Number(l.oddsDenominator),
        refundable: REFUNDING.includes(l.status) ? p.stakes * l.stakePrice : 0n,
        latestPurchase:
          p.lastPurchaseCount === 0n
            ? null
            : {
                index: p.lastPurchaseIndex,
                count: p.lastPurchaseCount,
                timestamp: Number(p.lastPurchaseAt),
                cancelled: lastCancelled === true,
                cancelDeadline: l.status === OPEN && lastCancelled !== true ? Number(cancelDeadline) : null,
              },
      };
    }),
    orders: (orders as (typeof order.$inferSelect)[]).map((o) => ({
      orderId: o.id,
      role: o.buyer === address ? "buyer" : "seller",
      listingId: o.listingId,
      status: ORDER_STATUS[o.status],
      amount: o.amount,
      counterparty: o.buyer === address ? o.seller : o.buyer,
    })),
    membership: m ? { tier: m.tier, counters: m.counters } : null,
  };
}

/** The draw recomputed from indexed evidence with core/draw.ts, the one implementation of the rule. */
export async function verify(db: Db, id: bigint) {
  const l = await findListing(db, id);
  if (!l) return undefined;
  const [[d], purchases, cancelled] = await Promise.all([
    db.select().from(draw).where(eq(draw.listingId, id)).limit(1),
    db.select().from(purchase).where(eq(purchase.listingId, id)).orderBy(asc(purchase.index)),
    db.select({ i: cancellation.purchaseIndex }).from(cancellation).where(eq(cancellation.listingId, id)),
  ]);
  if (!d) return { result: "NO_DRAW", expected: null, onChain: null, attempts: null, checks: [] };
  const [vrf] = await db.select().from(vrfFulfillment).where(eq(vrfFulfillment.requestId, d.requestId)).limit(1);
  const evidence: Evidence = {
    listing: l.address,
    purchases: purchases.map((p: typeof purchase.$inferSelect) => ({ purchaseIndex: p.index, tokenId: p.tokenId, buyer: p.buyer, firstStake: p.firstStake, count: p.count, blockNumber: p.block })),
    cancelled: cancelled.map((c: { i: bigint }) => c.i),
    drawRequested: { requestId: d.requestId, held: d.sold, blockNumber: d.requestedBlock },
    coordinatorFulfilled: vrf ? { coordinator: "0x0000000000000000000000000000000000000000", requestId: vrf.requestId, outputSeed: vrf.outputSeed, success: vrf.success, blockNumber: vrf.block } : undefined,
    marketplaceFulfilled: d.word !== null && d.fulfilledBlock !== null ? { requestId: d.requestId, word: d.word, blockNumber: d.fulfilledBlock } : undefined,
    winnerDrawn:
      d.winningStake !== null
        ? { stake: d.winningStake, tokenId: d.tokenId, winner: d.winner, purchaseIndex: d.purchaseIndex, word: d.word, blockNumber: d.drawnBlock, txHash: d.drawnTx }
        : undefined,
    ownerAtDraw: d.winningStake !== null ? await ownerAt(db, d.tokenId, d.drawnBlock) : undefined,
  };
  const verdict = verifyDraw(evidence);
  const r = verdict.recomputed;
  const expectedWinner = r ? await ownerAt(db, r.tokenId, d.drawnBlock ?? d.requestedBlock) : undefined;
  return {
    result: verdict.result === "INCOMPLETE" ? "PENDING" : verdict.result,
    expected: r ? { stake: r.stake, purchaseIndex: r.purchaseIndex, tokenId: r.tokenId, winner: expectedWinner ?? null } : null,
    onChain: d.winningStake !== null ? { stake: d.winningStake, purchaseIndex: d.purchaseIndex, tokenId: d.tokenId, winner: d.winner } : null,
    attempts: r ? r.attempts : null,
    checks: verdict.checks,
  };
}

/** GET /events: the blocks after `block` that changed something, with the listings they changed. */
export async function changesAfter(db: Db, block: bigint) {
  const rows: { block: bigint; listingId: bigint }[] = await db
    .select()
    .from(change)
    .where(gt(change.block, block))
    .orderBy(asc(change.block))
    .limit(2000);
  return rows;
}

export async function latestChange(db: Db): Promise<bigint> {
  const [row] = await db.select({ block: sql<string>`coalesce(max(${change.block}), 0)::text` }).from(change);
  return BigInt(row?.block ?? 0);
}
