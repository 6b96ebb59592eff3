/** Small row helpers shared by the handlers (no I/O besides context.db). */
import type { Context } from "ponder:registry";
import { change, listing, listingAddress } from "ponder:schema";

/** A block as the handlers see it. */
type Block = { number: bigint; hash: `0x${string}`; timestamp: bigint };

// Clone address → listing id never changes (a reorg that re-creates a listing gives it the same address and id, as
// both follow the Marketplace's own counter), so it is remembered for the process: one lookup per listing, not per event.
const listingIds = new Map<string, bigint>();

/** The listing id of a clone address (set by ListingCreated). */
export async function listingIdOf(context: Context, address: `0x${string}`): Promise<bigint> {
  const key = address.toLowerCase() as `0x${string}`;
  const known = listingIds.get(key);
  if (known !== undefined) return known;
  const row = await context.db.find(listingAddress, { address: key });
  if (!row) throw new Error(`event from ${address}, which is no listing of this Marketplace`);
  listingIds.set(key, row.id);
  return row.id;
}

// The listings already recorded as changed in the block being indexed (by hash: a reorged block starts afresh), so
// that a block with 500 purchases writes its change row once instead of trying 500 times.
let touchedBlock: `0x${string}` | undefined;
const touched = new Set<bigint>();

/** Records that `listingId` (0: none) changed in this block, for GET /events. */
export async function touch(context: Context, block: Pick<Block, "number" | "hash">, listingId: bigint) {
  if (touchedBlock !== block.hash) {
    touchedBlock = block.hash;
    touched.clear();
  }
  if (touched.has(listingId)) return;
  touched.add(listingId);
  await context.db.insert(change).values({ block: block.number, listingId }).onConflictDoNothing();
}

/** The odds denominator: stakes competing per stake, max(sold, T) (N at sell-out). */
export const oddsDenominator = (sold: bigint, threshold: bigint) => (sold > threshold ? sold : threshold);

/** Applies `f` to a listing row and keeps its derived sort keys and updatedAt in step. */
export async function updateListing(
  context: Context,
  id: bigint,
  block: Block,
  f: (row: typeof listing.$inferSelect) => Partial<typeof listing.$inferInsert>,
) {
  await context.db.update(listing, { id }).set((row) => {
    const changes = f(row);
    const next = { ...row, ...changes };
    return {
      ...changes,
      oddsDenominator: oddsDenominator(next.sold, next.threshold),
      closed: next.status === 0 ? 0 : 1,
      updatedAt: block.timestamp,
    };
  });
  await touch(context, block, id);
}
