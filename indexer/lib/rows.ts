/** Small row helpers shared by the handlers (no I/O besides context.db). */
import type { Context } from "ponder:registry";
import { change, listing, listingAddress } from "ponder:schema";

/** The listing id of a clone address (set by ListingCreated). */
export async function listingIdOf(context: Context, address: `0x${string}`): Promise<bigint> {
  const row = await context.db.find(listingAddress, { address: address.toLowerCase() as `0x${string}` });
  if (!row) throw new Error(`event from ${address}, which is no listing of this Marketplace`);
  return row.id;
}

/** Records that `listingId` (0: none) changed in this block, for GET /events. */
export async function touch(context: Context, block: bigint, listingId: bigint) {
  await context.db.insert(change).values({ block, listingId }).onConflictDoNothing();
}

/** The odds denominator: stakes competing per stake, max(sold, T) (N at sell-out). */
export const oddsDenominator = (sold: bigint, threshold: bigint) => (sold > threshold ? sold : threshold);

/** Applies `f` to a listing row and keeps its derived sort keys and updatedAt in step. */
export async function updateListing(
  context: Context,
  id: bigint,
  timestamp: bigint,
  block: bigint,
  f: (row: typeof listing.$inferSelect) => Partial<typeof listing.$inferInsert>,
) {
  await context.db.update(listing, { id }).set((row) => {
    const next = { ...row, ...f(row) };
    return {
      ...f(row),
      oddsDenominator: oddsDenominator(next.sold, next.threshold),
      closed: next.status === 0 ? 0 : 1,
      updatedAt: timestamp,
    };
  });
  await touch(context, block, id);
}
