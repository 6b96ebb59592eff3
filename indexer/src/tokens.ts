/** Bid tokens (owner, credit, recycling), escrow orders and membership tiers. */
import { ponder } from "ponder:registry";
import type { Context } from "ponder:registry";
import { listingAddress, member, order, setting, tier, token, transfer } from "ponder:schema";
import { replaceBigInts } from "ponder";
import { DeliveryEscrowAbi } from "../abis.js";
import { touch } from "../lib/rows.js";

const lower = (a: string) => a.toLowerCase() as `0x${string}`;
const fresh = (id: bigint, owner: `0x${string}`, at: bigint) => ({ id, owner, credit: 0n, recycled: 0, vanity: false, updatedAt: at });

ponder.on("BidToken:Transfer", async ({ event, context }) => {
  const { from, to, id } = event.args;
  await context.db.insert(transfer).values({ id: event.id, tokenId: id, from: lower(from), to: lower(to), block: event.block.number });
  await context.db
    .insert(token)
    .values(fresh(id, lower(to), event.block.timestamp))
    .onConflictDoUpdate({ owner: lower(to), updatedAt: event.block.timestamp });
  await touch(context, event.block, 0n);
});

ponder.on("BidToken:CreditAdded", async ({ event, context }) => {
  const { tokenId, credit } = event.args;
  await context.db.update(token, { id: tokenId }).set({ credit, updatedAt: event.block.timestamp });
  await touch(context, event.block, 0n);
});

ponder.on("BidToken:CreditSpent", async ({ event, context }) => {
  const { tokenId, amount } = event.args;
  await context.db.update(token, { id: tokenId }).set((row) => ({ credit: row.credit - amount, updatedAt: event.block.timestamp }));
});

ponder.on("BidToken:TokenRecycled", async ({ event, context }) => {
  await context.db.update(token, { id: event.args.tokenId }).set((row) => ({ recycled: row.recycled + 1 }));
});

ponder.on("BidToken:VanityGranted", async ({ event, context }) => {
  await context.db
    .insert(token)
    .values({ ...fresh(event.args.tokenId, lower(event.args.to), event.block.timestamp), vanity: true })
    .onConflictDoUpdate({ vanity: true });
});

/** Any escrow event about an order: copy the escrow's own record of it at this block. */
async function syncOrder(context: Context, orderId: bigint, block: { number: bigint; hash: `0x${string}`; timestamp: bigint }) {
  const o = await context.client.readContract({
    abi: DeliveryEscrowAbi,
    address: context.contracts.DeliveryEscrow.address as `0x${string}`,
    functionName: "order",
    args: [orderId],
    blockNumber: block.number,
  });
  const zero = o.listing === "0x0000000000000000000000000000000000000000";
  const l = zero ? undefined : await context.db.find(listingAddress, { address: lower(o.listing) });
  const shipped = o.status === 3;
  const row = {
    listing: zero ? null : lower(o.listing),
    listingId: l?.id ?? null,
    buyer: lower(o.buyer),
    seller: lower(o.seller),
    status: Number(o.status),
    amount: o.amount,
    paid: o.paid,
    deedId: o.deedId,
    dueAt: BigInt(o.dueAt),
    shipBy: o.status === 2 ? BigInt(o.dueAt) : null,
    confirmBy: shipped ? BigInt(o.dueAt) : null,
    openedAt: BigInt(o.openedAt),
    updatedAt: block.timestamp,
  };
  await context.db
    .insert(order)
    .values({ id: orderId, ...row })
    .onConflictDoUpdate((old) => ({ ...row, shipBy: row.shipBy ?? old.shipBy, confirmBy: row.confirmBy ?? old.confirmBy }));
  await touch(context, block, l?.id ?? 0n);
}

const ORDER_EVENTS = [
  "OrderOpened",
  "DirectOrderOpened",
  "BuyerAssigned",
  "OrderVoided",
  "BalancePaid",
  "CodeCommitted",
  "OrderShipped",
  "AuthorizationFailed",
  "OrderSuspended",
  "OrderReleased",
  "OrderRefunded",
  "RefundSplit",
  "CancellationProposed",
  "DisputeOpened",
  "VoteCast",
  "DisputeResolved",
  // Since the escrow hardening: dispute time-outs, forfeited deposits, signed offers taken, platform fees.
  "DisputeExpired",
  "DepositForfeited",
  "OfferTaken",
  "PlatformFeeCharged",
] as const;
for (const name of ORDER_EVENTS) {
  ponder.on(`DeliveryEscrow:${name}` as "DeliveryEscrow:OrderOpened", async ({ event, context }) => {
    await syncOrder(context, (event.args as { orderId: bigint }).orderId, event.block);
  });
}

ponder.on("Membership:CountersUpdated", async ({ event, context }) => {
  const counters = replaceBigInts(event.args.counters, (v) => String(v));
  await context.db
    .insert(member)
    .values({ address: lower(event.args.member), tier: Number(counters.tier), counters, updatedAt: event.block.timestamp })
    .onConflictDoUpdate({ tier: Number(counters.tier), counters, updatedAt: event.block.timestamp });
  await touch(context, event.block, 0n);
});

ponder.on("Membership:TierChanged", async ({ event, context }) => {
  await context.db
    .insert(member)
    .values({ address: lower(event.args.member), tier: Number(event.args.to), counters: {}, updatedAt: event.block.timestamp })
    .onConflictDoUpdate({ tier: Number(event.args.to), updatedAt: event.block.timestamp });
});

ponder.on("Membership:TierSet", async ({ event, context }) => {
  const { policy } = event.args;
  const row = { cancelWindow: BigInt(policy.cancelWindow), refundMode: Number(policy.refundMode), feeBps: Number(policy.feeBps) };
  await context.db.insert(tier).values({ id: Number(event.args.tierId), ...row }).onConflictDoUpdate(row);
});

ponder.on("Membership:StakeCancelCutoffSet", async ({ event, context }) => {
  await context.db.insert(setting).values({ name: "stakeCancelCutoff", value: event.args.cutoff }).onConflictDoUpdate({ value: event.args.cutoff });
});
