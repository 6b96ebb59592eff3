/**
 * The catalog's tables: one per entity, written only by the handlers in src/ and read by the routes in
 * src/api/index.ts. Amounts are bigint (numeric(78)); statuses are the contracts' enum indexes (core/enums.ts names
 * them). `search` is a stored tsvector written by the handler (Ponder refuses generated columns) and GIN-indexed.
 */
import { customType } from "drizzle-orm/pg-core";
import { index, onchainTable, primaryKey } from "ponder";

/** A PostgreSQL tsvector, written as its text form ('rolex':1A 'daytona':2A …) built in src/search.ts. */
const tsvector = customType<{ data: string; driverData: string }>({ dataType: () => "tsvector" });

export const listing = onchainTable(
  "listing",
  (t) => ({
    id: t.bigint().primaryKey(), // the Marketplace's listingId
    address: t.hex().notNull(),
    applicationId: t.bigint().notNull(),
    seller: t.hex().notNull(),
    deedId: t.bigint().notNull(),
    price: t.bigint().notNull(),
    stakePrice: t.bigint().notNull(),
    stakes: t.bigint().notNull(), // N
    threshold: t.bigint().notNull(), // T
    opensAt: t.bigint().notNull(),
    deadline: t.bigint().notNull(), // Time-Date A
    categoryId: t.integer().notNull(),
    drawAtSellOut: t.boolean().notNull(),
    contentHash: t.hex().notNull(),
    // Counters, equal to the listing's own views at every block.
    sold: t.bigint().notNull(),
    purchases: t.bigint().notNull(),
    cancelledStakes: t.bigint().notNull(),
    cancelledPurchases: t.bigint().notNull(),
    feesKept: t.bigint().notNull(),
    refundedStakes: t.bigint().notNull(),
    dissolutionVotes: t.bigint().notNull(),
    status: t.integer().notNull(), // IListing.Status
    failureReason: t.integer(),
    orderId: t.bigint().notNull(),
    markupReleased: t.boolean().notNull(),
    // Sort keys kept in step with the counters: the odds denominator max(sold, T) (N at sell-out) and closed-last.
    oddsDenominator: t.bigint().notNull(),
    closed: t.integer().notNull(), // 0 while Open, 1 after: "ending soon" lists open listings first
    // Asset metadata (from the deed's URI).
    metadataUri: t.text().notNull(),
    metadataStatus: t.text().notNull(), // ok | unavailable | pending
    metadataAttempts: t.integer().notNull(),
    metadataError: t.text(),
    contentHashMatches: t.boolean(),
    name: t.text().notNull(),
    description: t.text().notNull(),
    image: t.text().notNull(),
    category: t.text().notNull(),
    subcategory: t.text().notNull(),
    keywords: t.text().array().notNull(),
    attributes: t.json().notNull(),
    search: tsvector("search").notNull(),
    createdAt: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (t) => ({
    addressIdx: index().on(t.address),
    searchIdx: index().using("gin", t.search),
    oddsIdx: index().on(t.oddsDenominator, t.id),
    stakePriceIdx: index().on(t.stakePrice, t.id),
    priceIdx: index().on(t.price, t.id),
    endingIdx: index().on(t.closed, t.deadline, t.id),
    soldIdx: index().on(t.sold, t.id),
    categoryIdx: index().on(t.category, t.subcategory),
    statusIdx: index().on(t.status),
  }),
);

/** Listing clone address → listing id (events of a clone carry only its address). */
export const listingAddress = onchainTable("listing_address", (t) => ({
  address: t.hex().primaryKey(),
  id: t.bigint().notNull(),
}));

/** A minted deed: its metadata URI and content hash (AssetDeed's DeedMinted), before any listing exists. */
export const deed = onchainTable("deed", (t) => ({
  id: t.bigint().primaryKey(),
  owner: t.hex().notNull(),
  uri: t.text().notNull(),
  contentHash: t.hex().notNull(),
}));

export const purchase = onchainTable(
  "purchase",
  (t) => ({
    listingId: t.bigint().notNull(),
    index: t.bigint().notNull(),
    tokenId: t.bigint().notNull(),
    buyer: t.hex().notNull(),
    firstStake: t.bigint().notNull(),
    count: t.bigint().notNull(),
    cancelled: t.boolean().notNull(),
    timestamp: t.bigint().notNull(),
    block: t.bigint().notNull(),
    tx: t.hex().notNull(),
  }),
  (t) => ({
    pk: primaryKey({ columns: [t.listingId, t.index] }),
    tokenIdx: index().on(t.tokenId),
    stakeIdx: index().on(t.listingId, t.firstStake),
  }),
);

export const cancellation = onchainTable(
  "cancellation",
  (t) => ({
    listingId: t.bigint().notNull(),
    purchaseIndex: t.bigint().notNull(),
    tokenId: t.bigint().notNull(),
    holder: t.hex().notNull(),
    stakes: t.bigint().notNull(),
    refund: t.bigint().notNull(), // in all: to the wallet, plus toCredit as credit on the token
    toCredit: t.bigint().notNull(),
    fee: t.bigint().notNull(),
    mode: t.integer().notNull(), // IMembership.RefundMode
    timestamp: t.bigint().notNull(),
    tx: t.hex().notNull(),
  }),
  (t) => ({ pk: primaryKey({ columns: [t.listingId, t.purchaseIndex] }) }),
);

/** A bid token's position in one listing (the listing's `oddsOf(tokenId)` and what it paid for those stakes). */
export const position = onchainTable(
  "position",
  (t) => ({
    listingId: t.bigint().notNull(),
    tokenId: t.bigint().notNull(),
    stakes: t.bigint().notNull(),
    paid: t.bigint().notNull(),
    votedStakes: t.bigint().notNull(),
    refunded: t.bigint().notNull(), // refund claimed after failure or dissolution, in all
    refundedToCredit: t.bigint().notNull(), // the part returned to the token as credit
    lastPurchaseIndex: t.bigint().notNull(),
    lastPurchaseCount: t.bigint().notNull(),
    lastPurchaseAt: t.bigint().notNull(),
  }),
  (t) => ({ pk: primaryKey({ columns: [t.listingId, t.tokenId] }), tokenIdx: index().on(t.tokenId), topIdx: index().on(t.listingId, t.stakes) }),
);

/** Bid-token transfers, so the verifier can name a token's owner at the draw's block. */
export const transfer = onchainTable(
  "transfer",
  (t) => ({
    id: t.text().primaryKey(), // the event's id (orders by block, then log)
    tokenId: t.bigint().notNull(),
    from: t.hex().notNull(),
    to: t.hex().notNull(),
    block: t.bigint().notNull(),
  }),
  (t) => ({ tokenIdx: index().on(t.tokenId, t.block) }),
);

export const token = onchainTable(
  "token",
  (t) => ({
    id: t.bigint().primaryKey(),
    owner: t.hex().notNull(), // the BidToken contract itself while in the treasury
    credit: t.bigint().notNull(),
    recycled: t.integer().notNull(),
    vanity: t.boolean().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (t) => ({ ownerIdx: index().on(t.owner) }),
);

/** A delivery-escrow order, copied from the escrow's `order(orderId)` at the block of each of its events. */
export const order = onchainTable(
  "order",
  (t) => ({
    id: t.bigint().primaryKey(),
    listing: t.hex(), // null for direct orders
    listingId: t.bigint(),
    buyer: t.hex().notNull(),
    seller: t.hex().notNull(),
    status: t.integer().notNull(), // IDeliveryEscrow.OrderStatus
    amount: t.bigint().notNull(),
    paid: t.bigint().notNull(),
    deedId: t.bigint().notNull(),
    dueAt: t.bigint().notNull(), // when the current status's time runs out (core/enums ORDER_DUE_AT)
    shipBy: t.bigint(),
    confirmBy: t.bigint(),
    openedAt: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (t) => ({ buyerIdx: index().on(t.buyer), sellerIdx: index().on(t.seller), listingIdx: index().on(t.listing), listingIdIdx: index().on(t.listingId) }),
);

export const statusChange = onchainTable(
  "status_change",
  (t) => ({
    id: t.text().primaryKey(), // the event's id
    listingId: t.bigint().notNull(),
    status: t.integer().notNull(),
    reason: t.integer(),
    timestamp: t.bigint().notNull(),
    block: t.bigint().notNull(),
    tx: t.hex().notNull(),
  }),
  (t) => ({ listingIdx: index().on(t.listingId, t.block) }),
);

export const draw = onchainTable("draw", (t) => ({
  listingId: t.bigint().primaryKey(),
  requestId: t.bigint().notNull(),
  sold: t.bigint().notNull(),
  expiresAt: t.bigint().notNull(),
  requestedBlock: t.bigint().notNull(),
  word: t.bigint(),
  fulfilledBlock: t.bigint(),
  winningStake: t.bigint(),
  purchaseIndex: t.bigint(),
  tokenId: t.bigint(),
  winner: t.hex(),
  drawnBlock: t.bigint(),
  drawnTx: t.hex(),
}));

/** The VRF coordinator's RandomWordsFulfilled for the Marketplace's subscription (the verifier's evidence). */
export const vrfFulfillment = onchainTable("vrf_fulfillment", (t) => ({
  requestId: t.bigint().primaryKey(),
  outputSeed: t.bigint().notNull(),
  success: t.boolean().notNull(),
  block: t.bigint().notNull(),
}));

export const member = onchainTable("member", (t) => ({
  address: t.hex().primaryKey(),
  tier: t.integer().notNull(),
  counters: t.json().notNull(),
  updatedAt: t.bigint().notNull(),
}));

/** What changed in each block, for GET /events (listing 0: a change that concerns no listing). */
export const change = onchainTable(
  "change",
  (t) => ({ block: t.bigint().notNull(), listingId: t.bigint().notNull() }),
  (t) => ({ pk: primaryKey({ columns: [t.block, t.listingId] }) }),
);

/** Membership tiers' cancellation terms (TierSet) and the cut-off before Time-Date A, for cancellation deadlines. */
export const tier = onchainTable("tier", (t) => ({
  id: t.integer().primaryKey(),
  cancelWindow: t.bigint().notNull(),
  refundMode: t.integer().notNull(),
  feeBps: t.integer().notNull(),
}));

export const setting = onchainTable("setting", (t) => ({
  name: t.text().primaryKey(),
  value: t.bigint().notNull(),
}));

// Ponder's GraphQL knows no custom column type: it serves the tsvector as its text form.
(listing.search as unknown as { dataType: string }).dataType = "string";
