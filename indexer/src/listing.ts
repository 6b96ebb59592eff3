/**
 * Events of the listing clones (found by the factory pattern from ListingCreated): purchases, cancellations, the
 * draw, failure, dissolution and refunds. Every counter mirrors the listing's storage, so the equality test can
 * compare each one with the contract's own views.
 */
import { ponder } from "ponder:registry";
import type { Context } from "ponder:registry";
import { cancellation, draw, position, purchase, statusChange } from "ponder:schema";
import { listingIdOf, touch, updateListing } from "../lib/rows.js";

type Ev = { id: string; block: { number: bigint; hash: `0x${string}`; timestamp: bigint }; transaction: { hash: `0x${string}` }; log: { address: `0x${string}` } };

async function setStatus(context: Context, event: Ev, id: bigint, status: number, reason: number | null = null) {
  await updateListing(context, id, event.block, () => ({
    status,
    ...(reason === null ? {} : { failureReason: reason }),
  }));
  await context.db.insert(statusChange).values({
    id: event.id,
    listingId: id,
    status,
    reason,
    timestamp: event.block.timestamp,
    block: event.block.number,
    tx: event.transaction.hash,
  });
}

ponder.on("Listing:StakesPurchased", async ({ event, context }) => {
  const id = await listingIdOf(context, event.log.address);
  const { tokenId, buyer, purchaseIndex, firstStake, count } = event.args;
  let stakePrice = 0n;
  await updateListing(context, id, event.block, (row) => {
    stakePrice = row.stakePrice;
    return { sold: row.sold + count, purchases: row.purchases + 1n };
  });
  await context.db.insert(purchase).values({
    listingId: id,
    index: purchaseIndex,
    tokenId,
    buyer: buyer.toLowerCase() as `0x${string}`,
    firstStake,
    count,
    cancelled: false,
    timestamp: event.block.timestamp,
    block: event.block.number,
    tx: event.transaction.hash,
  });
  const last = { lastPurchaseIndex: purchaseIndex, lastPurchaseCount: count, lastPurchaseAt: event.block.timestamp };
  await context.db
    .insert(position)
    .values({ listingId: id, tokenId, stakes: count, paid: count * stakePrice, votedStakes: 0n, refunded: 0n, refundedToCredit: 0n, ...last })
    .onConflictDoUpdate((row) => ({ stakes: row.stakes + count, paid: row.paid + count * stakePrice, ...last }));
});

ponder.on("Listing:PurchaseCancelled", async ({ event, context }) => {
  const id = await listingIdOf(context, event.log.address);
  const { purchaseIndex, tokenId, holder, stakes, refund, fee, mode } = event.args;
  // The part refunded as credit (credit never becomes wallet money); its CreditAdded updates the token itself.
  const toCredit = (event.args as { toCredit?: bigint }).toCredit ?? 0n;
  let stakePrice = 0n;
  let unvoted = 0n;
  const p = await context.db.find(position, { listingId: id, tokenId });
  if (p) {
    const held = p.stakes - stakes;
    unvoted = p.votedStakes > held ? p.votedStakes - held : 0n;
  }
  await updateListing(context, id, event.block, (row) => {
    stakePrice = row.stakePrice;
    return {
      sold: row.sold - stakes,
      cancelledStakes: row.cancelledStakes + stakes,
      cancelledPurchases: row.cancelledPurchases + 1n,
      feesKept: row.feesKept + fee,
      dissolutionVotes: row.dissolutionVotes - unvoted,
    };
  });
  await context.db.update(purchase, { listingId: id, index: purchaseIndex }).set({ cancelled: true });
  await context.db.insert(cancellation).values({
    listingId: id,
    purchaseIndex,
    tokenId,
    holder: holder.toLowerCase() as `0x${string}`,
    stakes,
    refund,
    toCredit,
    fee,
    mode: Number(mode),
    timestamp: event.block.timestamp,
    tx: event.transaction.hash,
  });
  await context.db.update(position, { listingId: id, tokenId }).set((row) => ({
    stakes: row.stakes - stakes,
    paid: row.paid - stakes * stakePrice,
    votedStakes: row.votedStakes - unvoted,
  }));
});

ponder.on("Listing:DrawRequested", async ({ event, context }) => {
  const id = await listingIdOf(context, event.log.address);
  const { requestId, orderId, held, expiresAt } = event.args;
  // The draw table's column keeps its name `sold` (the API's), holding the event's `held`.
  await context.db.insert(draw).values({ listingId: id, requestId, sold: held, expiresAt: BigInt(expiresAt), requestedBlock: event.block.number });
  await updateListing(context, id, event.block, () => ({ orderId }));
  await setStatus(context, event, id, 1);
});

ponder.on("Listing:WinnerDrawn", async ({ event, context }) => {
  const id = await listingIdOf(context, event.log.address);
  const { stake, tokenId, winner, purchaseIndex, word } = event.args;
  await context.db.update(draw, { listingId: id }).set({
    word,
    winningStake: stake,
    purchaseIndex,
    tokenId,
    winner: winner.toLowerCase() as `0x${string}`,
    drawnBlock: event.block.number,
    drawnTx: event.transaction.hash,
  });
  await setStatus(context, event, id, 2);
});

ponder.on("Listing:ListingFailed", async ({ event, context }) => {
  const id = await listingIdOf(context, event.log.address);
  await setStatus(context, event, id, 3, Number(event.args.reason));
});

ponder.on("Listing:ListingDissolved", async ({ event, context }) => {
  const id = await listingIdOf(context, event.log.address);
  await setStatus(context, event, id, 4);
});

ponder.on("Listing:RefundClaimed", async ({ event, context }) => {
  const id = await listingIdOf(context, event.log.address);
  const { tokenId, amount } = event.args;
  const toCredit = (event.args as { toCredit?: bigint }).toCredit ?? 0n;
  const p = await context.db.find(position, { listingId: id, tokenId });
  const stakes = p?.stakes ?? 0n;
  // The listing deletes the position: nothing left to refund, to vote or to win.
  await context.db.update(position, { listingId: id, tokenId }).set({ stakes: 0n, paid: 0n, votedStakes: 0n, refunded: amount, refundedToCredit: toCredit });
  await updateListing(context, id, event.block, (row) => ({ refundedStakes: row.refundedStakes + stakes }));
});

ponder.on("Listing:DissolutionVoted", async ({ event, context }) => {
  const id = await listingIdOf(context, event.log.address);
  const { tokenId, stakes, votedStakes } = event.args;
  await context.db.update(position, { listingId: id, tokenId }).set({ votedStakes: stakes });
  await updateListing(context, id, event.block, () => ({ dissolutionVotes: votedStakes }));
});

ponder.on("Listing:DissolutionVoteWithdrawn", async ({ event, context }) => {
  const id = await listingIdOf(context, event.log.address);
  await context.db.update(position, { listingId: id, tokenId: event.args.tokenId }).set({ votedStakes: 0n });
  await updateListing(context, id, event.block, () => ({ dissolutionVotes: event.args.votedStakes }));
});

ponder.on("Listing:MarkupReleased", async ({ event, context }) => {
  const id = await listingIdOf(context, event.log.address);
  await updateListing(context, id, event.block, () => ({ markupReleased: true }));
  await touch(context, event.block, id);
});
