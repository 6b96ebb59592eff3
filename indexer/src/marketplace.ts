/** Marketplace, AssetDeed and VRF coordinator events: deeds, new listings (with their metadata), random words. */
import { ponder } from "ponder:registry";
import { deed, draw, listing, listingAddress, statusChange, vrfFulfillment } from "ponder:schema";
import { eq } from "ponder";
import { categoryName } from "../../core/categories.js";
import { resolveMetadata, type Metadata } from "../lib/metadata.js";
import { tsvectorLiteral } from "../lib/search.js";
import { oddsDenominator, touch } from "../lib/rows.js";

/** The listing's metadata columns from a resolution (falling back to the on-chain category when unavailable). */
export function metadataColumns(m: Metadata, categoryId: number, attempts: number) {
  const category = m.category || categoryName(categoryId);
  return {
    metadataStatus: m.status,
    metadataError: m.reason ?? null,
    metadataAttempts: attempts,
    contentHashMatches: m.contentHashMatches,
    name: m.name,
    description: m.description,
    image: m.image,
    category,
    subcategory: m.subcategory,
    keywords: m.keywords,
    attributes: m.attributes,
    search: tsvectorLiteral([
      { text: m.name, weight: "A" },
      { text: m.keywords.join(" "), weight: "B" },
      { text: `${category} ${m.subcategory}`, weight: "C" },
      { text: m.description, weight: "D" },
    ]),
  };
}

ponder.on("AssetDeed:DeedMinted", async ({ event, context }) => {
  await context.db.insert(deed).values({
    id: event.args.deedId,
    owner: event.args.owner,
    uri: event.args.uri,
    contentHash: event.args.contentHash,
  });
});

ponder.on("Marketplace:ListingCreated", async ({ event, context }) => {
  const { listingId, listing: address, applicationId, terms } = event.args;
  const d = await context.db.find(deed, { id: terms.deedId });
  const uri = d?.uri ?? "";
  const metadata = await resolveMetadata(uri, terms.contentHash);
  await context.db.insert(listingAddress).values({ address: address.toLowerCase() as `0x${string}`, id: listingId });
  await context.db.insert(listing).values({
    id: listingId,
    address: address.toLowerCase() as `0x${string}`,
    applicationId,
    seller: terms.seller.toLowerCase() as `0x${string}`,
    deedId: terms.deedId,
    price: terms.price,
    stakePrice: terms.stakePrice,
    stakes: terms.stakeCount,
    threshold: terms.threshold,
    opensAt: BigInt(terms.opensAt),
    deadline: BigInt(terms.deadline),
    categoryId: Number(terms.category),
    drawAtSellOut: terms.drawAtSellOut,
    contentHash: terms.contentHash,
    sold: 0n,
    purchases: 0n,
    cancelledStakes: 0n,
    cancelledPurchases: 0n,
    feesKept: 0n,
    refundedStakes: 0n,
    dissolutionVotes: 0n,
    status: 0,
    orderId: 0n,
    markupReleased: false,
    oddsDenominator: oddsDenominator(0n, terms.threshold),
    closed: 0,
    metadataUri: uri,
    ...metadataColumns(metadata, Number(terms.category), 1),
    createdAt: event.block.timestamp,
    updatedAt: event.block.timestamp,
  });
  await context.db.insert(statusChange).values({
    id: event.id,
    listingId,
    status: 0,
    timestamp: event.block.timestamp,
    block: event.block.number,
    tx: event.transaction.hash,
  });
  await touch(context, event.block, listingId);
});

ponder.on("Marketplace:RandomnessFulfilled", async ({ event, context }) => {
  const row = await context.db.find(listingAddress, { address: event.args.listing.toLowerCase() as `0x${string}` });
  if (!row) return;
  await context.db.update(draw, { listingId: row.id }).set({ word: event.args.word, fulfilledBlock: event.block.number });
  await touch(context, event.block, row.id);
});

ponder.on("VRFCoordinator:RandomWordsFulfilled", async ({ event, context }) => {
  await context.db
    .insert(vrfFulfillment)
    .values({ requestId: event.args.requestId, outputSeed: event.args.outputSeed, success: event.args.success, block: event.block.number })
    .onConflictDoNothing();
});

/** Live only: metadata that could not be fetched is tried again (at most 8 times per listing). */
ponder.on("MetadataRetry:block", async ({ event, context }) => {
  const failed = await context.db.sql.select().from(listing).where(eq(listing.metadataStatus, "unavailable")).limit(20);
  for (const row of failed) {
    if (row.metadataAttempts >= 8 || row.metadataUri === "") continue;
    const metadata = await resolveMetadata(row.metadataUri, row.contentHash);
    await context.db
      .update(listing, { id: row.id })
      .set(metadataColumns(metadata, row.categoryId, row.metadataAttempts + 1));
    if (metadata.status === "ok") await touch(context, event.block, row.id);
  }
});
