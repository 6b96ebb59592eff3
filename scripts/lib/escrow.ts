/** The delivery escrow: release, shipping, signed authorizations, withdrawals. */
import { id as hashText } from "ethers";
import type { Context } from "./context.js";
import { signRelease } from "./authorization.js";
import { ORDER_STATUS, UserError } from "./errors.js";
import { formatTime, shortAddress } from "./format.js";
import { readListing } from "./listing.js";
import { say, send, eventIn, same } from "./tx.js";

/** The listing's escrow order, with a sentence for every state in which there is none to act on. */
async function escrowOrderOf(ctx: Context, listingArg: string) {
  const listing = await ctx.listing(listingArg);
  const f = await readListing(ctx, listing);
  const orderId = await ctx.sys.escrow.orderOfListing(f.address);
  if (orderId === 0n) throw new UserError(`listing #${f.listingId} has no escrow order: it is ${f.status} and was never settled with a draw`);
  const order = await ctx.sys.escrow.order(orderId);
  const status = ORDER_STATUS[Number(order.status)];
  if (status === "AwaitingDraw") throw new UserError(`escrow order #${orderId} waits for the draw: finalize listing #${f.listingId} first (listing:finalize)`);
  return { f, orderId, order, status };
}

/** The winner authorizes delivery: the seller is owed P, the winner receives the deed. */
export async function releaseEscrow(ctx: Context, args: { listing: string; from?: string }) {
  const { orderId, order, status } = await escrowOrderOf(ctx, args.listing);
  if (!["AwaitingShipment", "Shipped", "Disputed", "Suspended"].includes(status)) throw new UserError(`escrow order #${orderId} is ${status}: there is nothing to release`);
  // Without --from, sign as the winner when this network holds the winner's key: only the winner may release.
  const winnerSigner = ctx.signers.find((s) => same(s.address, order.buyer));
  const caller = args.from ? ctx.signer(args.from) : winnerSigner;
  if (!caller || !same(caller.address, order.buyer)) {
    throw new UserError(`only the winner ${shortAddress(order.buyer)} can release escrow order #${orderId}${caller ? `, not ${shortAddress(caller.address)}` : ""}: use --from with the winner's account`);
  }
  const receipt = await send(ctx.sys.escrow.connect(caller).release(orderId));
  const released = eventIn(receipt, ctx.sys.escrow, "OrderReleased");
  say(`✓ escrow order #${orderId} released by the winner ${shortAddress(caller.address)}: ${ctx.money.format(released.args.amount)} owed to the seller ${shortAddress(released.args.seller)}, deed #${order.deedId} to the winner`);
  return { orderId, amount: released.args.amount as bigint, seller: released.args.seller as string };
}

/** The seller marks the listing's escrow order shipped, with the hash of a tracking reference. */
export async function shipEscrow(ctx: Context, args: { listing: string; tracking: string; from?: string }) {
  const { orderId, order, status } = await escrowOrderOf(ctx, args.listing);
  if (status !== "AwaitingShipment") throw new UserError(`escrow order #${orderId} is ${status}: only an order awaiting shipment is marked shipped`);
  if (args.tracking.trim() === "") throw new UserError("give the shipment's tracking reference (--tracking)");
  const seller = args.from ? ctx.signer(args.from) : ctx.signers.find((s) => same(s.address, order.seller));
  if (!seller || !same(seller.address, order.seller)) throw new UserError(`only the seller ${shortAddress(order.seller)} can mark escrow order #${orderId} shipped: use --from with the seller's account`);
  const receipt = await send(ctx.sys.escrow.connect(seller).markShipped(orderId, hashText(args.tracking)));
  const shipped = eventIn(receipt, ctx.sys.escrow, "OrderShipped");
  say(`✓ escrow order #${orderId} shipped ("${args.tracking}"); the winner confirms, disputes or lets the window pass until ${formatTime(shipped.args.confirmBy)}`);
  return { orderId, confirmBy: shipped.args.confirmBy as bigint };
}

/** The winner signs the EIP-712 delivery authorization it hands to the seller (no transaction). */
export async function authorizeEscrow(ctx: Context, args: { listing: string; hours: number; from?: string }) {
  const { orderId, order, status } = await escrowOrderOf(ctx, args.listing);
  if (status !== "AwaitingShipment" && status !== "Shipped") throw new UserError(`escrow order #${orderId} is ${status}: authorizations are accepted only before a dispute or suspension`);
  if (!(args.hours > 0)) throw new UserError(`an authorization must stay valid for some time: --hours ${args.hours} is not positive`);
  const buyer = args.from ? ctx.signer(args.from) : ctx.signers.find((s) => same(s.address, order.buyer));
  if (!buyer || !same(buyer.address, order.buyer)) throw new UserError(`only the winner ${shortAddress(order.buyer)} can authorize escrow order #${orderId}: use --from with the winner's account`);
  const now = BigInt((await ctx.ethers.provider.getBlock("latest"))!.timestamp);
  const deadline = now + BigInt(Math.round(args.hours * 3_600));
  const signature = await signRelease(ctx.sys.escrow, buyer, orderId, deadline);
  say(`✓ authorization of escrow order #${orderId} signed by the winner ${shortAddress(buyer.address)}, valid until ${formatTime(deadline)}:`);
  say(`  ${submitCommand(ctx, args.listing, deadline, signature)}`);
  if (ctx.inProcess) say("  (this in-process chain ends with this command: sign against a running node, e.g. --network localhost, to submit later)");
  return { orderId, deadline, signature };
}

/** The ready-to-paste escrow:submit command, for the same network and deployment this task ran against. */
export function submitCommand(ctx: Context, listing: string, deadline: bigint, signature: string): string {
  const deployment = ctx.deployment.given ? ` --deployment ${ctx.deployment.given}` : "";
  return `npx hardhat escrow:submit ${listing} --deadline ${deadline} --signature ${signature} --network ${ctx.networkName}${deployment}`;
}

/** The seller (or its delivery agent) submits the winner's signed authorization: the seller is owed P. */
export async function submitEscrowAuthorization(ctx: Context, args: { listing: string; signature: string; deadline: bigint; from?: string }) {
  const { orderId, order, status } = await escrowOrderOf(ctx, args.listing);
  if (status !== "AwaitingShipment" && status !== "Shipped") throw new UserError(`escrow order #${orderId} is ${status}: authorizations are accepted only before a dispute or suspension`);
  const caller = args.from ? ctx.signer(args.from) : ctx.signers.find((s) => same(s.address, order.seller));
  if (!caller) throw new UserError(`this network cannot sign for the seller ${shortAddress(order.seller)}: use --from with the seller's or its delivery agent's account`);
  const receipt = await send(ctx.sys.escrow.connect(caller).releaseWithSignature(orderId, args.deadline, args.signature));
  const released = eventIn(receipt, ctx.sys.escrow, "OrderReleased");
  say(`✓ escrow order #${orderId} released by the winner's authorization: ${ctx.money.format(released.args.amount)} owed to the seller ${shortAddress(released.args.seller)}, deed #${order.deedId} to the winner`);
  return { orderId, amount: released.args.amount as bigint };
}

/** Withdraws what the escrow owes the account (seller's price, buyer's refund or cash) to it or to `to`. */
export async function withdrawEscrow(ctx: Context, args: { to?: string; from?: string }) {
  const account = ctx.signer(args.from);
  const to = args.to ?? account.address;
  if (!/^0x[0-9a-fA-F]{40}$/.test(to)) throw new UserError(`--to ${to} is not an address`);
  const owed = await ctx.sys.escrow.owedTo(account.address);
  if (owed === 0n) throw new UserError(`the escrow owes ${shortAddress(account.address)} nothing`);
  const receipt = await send(ctx.sys.escrow.connect(account).withdraw(to));
  const amount: bigint = eventIn(receipt, ctx.sys.escrow, "Withdrawn").args.amount;
  say(`✓ withdrew ${ctx.money.format(amount)} owed to ${shortAddress(account.address)} to ${shortAddress(to)}`);
  return { amount, to };
}
