/** Agreement II and its undoing: buying stakes (wallet, credit, permit), refunds, cancellations, the local faucet. */
import type { ContractTransactionReceipt } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { Listing } from "../../typechain-types/index.js";
import type { Context } from "./context.js";
import { signPermit as signTokenPermit } from "./authorization.js";
import { LISTING_STATUS, ORDER_STATUS, UserError } from "./errors.js";
import { formatCount, formatDuration, formatOdds, formatTime, plural, progressBar, shortAddress, stakeRange } from "./format.js";
import { readListing, holdings } from "./listing.js";
import { say, send, eventsIn, eventIn, purchasesOf, same } from "./tx.js";

export interface BuyArgs {
  listing: string;
  stakes?: bigint;
  spend?: string;
  token?: bigint;
  from?: string;
  approve?: boolean;
  /** With `approve`: approve this human amount instead of exactly the cost. */
  allowance?: string;
  permit?: boolean;
}

export async function buyStakes(ctx: Context, args: BuyArgs) {
  const listing = await ctx.listing(args.listing);
  const f = await readListing(ctx, listing);
  const t = f.terms;
  const m = ctx.money;
  const buyer = ctx.signer(args.from, 2);
  const tokenId = args.token ?? 0n;

  let count = args.stakes ?? 0n;
  if (args.spend) {
    if (count > 0n) throw new UserError("give either --stakes or --spend, not both");
    const budget = m.parse(args.spend);
    count = budget / t.stakePrice;
    if (count === 0n) throw new UserError(`${m.format(budget)} does not buy one stake at ${m.format(t.stakePrice)}`);
    if (budget % t.stakePrice !== 0n) say(`(${m.format(budget)} buys ${formatCount(count)} whole stakes; ${m.format(budget % t.stakePrice)} is not spent)`);
  }
  if (count <= 0n) throw new UserError("say how many stakes to buy: --stakes N, or --spend \"250 USDC\"");

  if (f.status !== "Open") throw new UserError(`listing #${f.listingId} is ${f.status}: stakes are sold only while it is Open`);
  if (f.now < t.opensAt) throw new UserError(`sales open at ${formatTime(t.opensAt)} (in ${formatDuration(t.opensAt - f.now)})`);
  if (f.now >= t.deadline) throw new UserError(`sales closed at Time-Date A, ${formatTime(t.deadline)}: the listing can only be settled now`);
  const remaining = t.stakeCount - f.held;
  if (count > remaining) throw new UserError(`asked for ${plural(count, "stake")} but only ${formatCount(remaining)} remain: buy at most ${formatCount(remaining)}`);
  if (buyer.address.toLowerCase() === t.seller.toLowerCase()) throw new UserError(`the seller ${shortAddress(buyer.address)} cannot buy stakes of its own listing: use another account (--from)`);
  if ((await ctx.sys.bidToken.marketplacePauseMirror()) || (await ctx.sys.marketplace.paused())) throw new UserError("purchases are paused by the marketplace's pauser");
  if (tokenId > 0n) await ctx.sys.bidToken.holderFor(tokenId, buyer.address); // reverts NotTokenHolder with the reason

  // The token's credit pays first (SPEC §4.3); the listing pulls only the rest from the wallet.
  const cost = count * t.stakePrice;
  const credit = tokenId > 0n ? await ctx.sys.bidToken.creditOf(tokenId) : 0n;
  const fromWallet = cost > credit ? cost - credit : 0n;
  const creditNote = credit > 0n ? ` (${m.format(cost)} minus ${m.format(cost - fromWallet)} of bid token #${tokenId}'s credit)` : "";
  const token = ctx.sys.token.connect(buyer);
  const balance = await token.balanceOf(buyer.address);
  if (balance < fromWallet) {
    throw new UserError(`${shortAddress(buyer.address)} holds ${m.format(balance)} but must pay ${m.format(fromWallet)} from the wallet for ${plural(count, "stake")}${creditNote}: fund the wallet first${tokenId > 0n ? ` or top up the token (token:topup ${tokenId})` : ""}`);
  }
  let receipt: ContractTransactionReceipt;
  if (args.permit && fromWallet > 0n) {
    // The permit signs what the wallet pays now: the cost minus the token's credit. The listing honours it whenever it
    // still covers the wallet's share (a top-up landing first only lowers that share).
    const deadline = f.now + 3_600n;
    const { v, r, s } = await signPermit(ctx, buyer, f.address, fromWallet, deadline);
    receipt = await send(listing.connect(buyer).buyWithPermit(tokenId, count, fromWallet, deadline, v, r, s));
  } else {
    const allowance = fromWallet > 0n ? await token.allowance(buyer.address, f.address) : 0n;
    if (allowance < fromWallet) {
      if (!args.approve) {
        throw new UserError(`insufficient allowance: the listing may spend ${m.format(allowance)} of ${shortAddress(buyer.address)}'s ${m.symbol} but needs ${m.format(fromWallet)}${creditNote}: rerun with --approve (approves exactly what the wallet pays) or --permit (signs an EIP-2612 permit)`);
      }
      // Exactly what this purchase pays unless asked otherwise: with USDC, which writes the allowance back on every
      // transfer, an exact approval is the cheapest (the cleared slot is refunded).
      const approval = args.allowance ? m.parse(args.allowance) : fromWallet;
      if (approval < fromWallet) {
        throw new UserError(`--allowance ${m.format(approval)} is less than the ${m.format(fromWallet)} this purchase pays from the wallet: give at least that, or leave it out to approve exactly the cost`);
      }
      await send(token.approve(f.address, approval));
      say(approval === fromWallet ? `approved the listing to take exactly ${m.format(fromWallet)}` : `approved the listing to take up to ${m.format(approval)} (this purchase pays ${m.format(fromWallet)})`);
    }
    receipt = await send(listing.connect(buyer).buy(tokenId, count));
  }
  const e = eventIn(receipt, listing, "StakesPurchased");
  const used: bigint = e.args.tokenId;
  const first: bigint = e.args.firstStake;
  const paidFromCredit = eventsIn(receipt, ctx.sys.bidToken, "CreditSpent").reduce((sum, x) => sum + (x.args.amount as bigint), 0n);
  const paidFromWallet = cost - paidFromCredit;
  const [tokenStakes, held] = await listing.oddsOf(used);
  say(`✓ ${shortAddress(buyer.address)} bought ${plural(count, "stake")} ${stakeRange(first, count)} for ${m.format(cost)} on ${tokenId === 0n ? "new " : ""}bid token #${used}`);
  if (paidFromCredit > 0n) {
    const left = await ctx.sys.bidToken.creditOf(used);
    say(`  paid ${m.format(paidFromCredit)} from bid token #${used}'s credit (${m.format(left)} left) and ${m.format(paidFromWallet)} from the wallet`);
  } else {
    say(`  paid ${m.format(paidFromWallet)} from the wallet`);
  }
  say(`  token #${used} holds ${formatCount(tokenStakes)} of ${plural(held, "stake")} sold → odds ${formatOdds(tokenStakes, held)} now, ${formatOdds(tokenStakes, t.stakeCount)} if sold out`);
  say(`  sold ${progressBar(held, t.stakeCount, 20)} ${formatCount(held)} of ${formatCount(t.stakeCount)}`);
  return { tokenId: used, firstStake: first, count, cost, paidFromCredit, paidFromWallet, tokenStakes, held, buyer: buyer.address, gas: receipt.gasUsed };
}

/** An EIP-2612 permit for exactly `value`, signed with the token's own EIP-712 domain. */
function signPermit(ctx: Context, owner: HardhatEthersSigner, spender: string, value: bigint, deadline: bigint) {
  return signTokenPermit(ctx.sys.token, owner, spender, value, deadline, ctx.permitDomain);
}

/** Claims the refunds of a failed or dissolved listing for one token, or for every token `from` holds there. */
export async function refundStakes(ctx: Context, args: { listing: string; token?: bigint; from?: string }) {
  const listing = await ctx.listing(args.listing);
  const f = await readListing(ctx, listing);
  const owner = ctx.signer(args.from, 2);
  if (f.status !== "Failed" && f.status !== "Dissolved") {
    throw new UserError(`listing #${f.listingId} is ${f.status}: refunds open only when a listing fails or dissolves`);
  }
  if (args.token && args.token > 0n) await mustHold(ctx, args.token, owner.address, `claim its refund on listing #${f.listingId}`);
  const tokens = args.token && args.token > 0n ? [args.token] : (await holdings(ctx, listing, owner.address)).map((h) => h.tokenId);
  if (tokens.length === 0) throw new UserError(`${shortAddress(owner.address)} holds no bid token with stakes to refund on listing #${f.listingId}`);
  await recoverIfNeeded(ctx, listing, owner);
  let total = 0n;
  for (const tokenId of tokens) {
    const receipt = await send(listing.connect(owner).claimRefund(tokenId));
    const refunded = eventIn(receipt, listing, "RefundClaimed").args;
    const amount: bigint = refunded.amount;
    const toCredit: bigint = refunded.toCredit;
    total += amount;
    // What the token's credit paid goes back to the token as credit (SPEC §4.3: credit is spendable on stakes only).
    const credited = toCredit > 0n ? `, of which ${ctx.money.format(toCredit)} back as credit on the token (its credit paid that part)` : "";
    say(`✓ refunded ${ctx.money.format(amount)} for bid token #${tokenId} to ${shortAddress(owner.address)}${credited}`);
  }
  if (tokens.length > 1) say(`  ${ctx.money.format(total)} in total`);
  return { total, tokens };
}

/** Refuses, with a sentence about `action`, a token `account` neither owns nor is approved for. */
async function mustHold(ctx: Context, tokenId: bigint, account: string, action: string) {
  const owner = await ctx.sys.bidToken.ownerOf(tokenId).catch(() => undefined);
  if (owner === undefined) throw new UserError(`bid token #${tokenId} does not exist (never issued): check the number with token:info`);
  if (same(owner, account)) return;
  const approved = await ctx.sys.bidToken.isApprovedForAll(owner, account).catch(() => false);
  if (approved || same(await ctx.sys.bidToken.getApproved(tokenId).catch(() => ""), account)) return;
  throw new UserError(`${shortAddress(account)} does not hold bid token #${tokenId} (${shortAddress(owner)} does): only its holder can ${action}; run with --from the holder's account`);
}

/**
 * A listing failed while the payment token refused transfers (`failStalled`) may still have the credit its buyers spent
 * at the bid token, or P in its escrow order: bring them back (permissionless `recoverFunds`) so every refund is paid.
 */
async function recoverIfNeeded(ctx: Context, listing: Listing, signer: HardhatEthersSigner) {
  if (LISTING_STATUS[Number(await listing.status())] !== "Failed") return;
  const credit = await ctx.sys.bidToken.creditPendingFor(await listing.getAddress());
  const orderId = await listing.escrowOrderId();
  const orderOpen = orderId !== 0n && ORDER_STATUS[Number((await ctx.sys.escrow.order(orderId)).status)] === "AwaitingDraw";
  if (credit === 0n && !orderOpen) return;
  const receipt = await send(listing.connect(signer).recoverFunds());
  const e = eventIn(receipt, listing, "FundsRecovered");
  say(`recovered ${ctx.money.format(e.args.credit)} of spent credit from the bid token and ${ctx.money.format(e.args.price)} from the escrow order, so every refund can be paid`);
}

/** Cancels a bid token's latest purchase in an open listing; the refund follows the holder's membership tier. */
export async function cancelStakes(ctx: Context, args: { listing: string; token?: bigint; from?: string }) {
  const listing = await ctx.listing(args.listing);
  const f = await readListing(ctx, listing);
  const owner = ctx.signer(args.from, 2);
  const who = shortAddress(owner.address);
  if (f.status !== "Open") {
    throw new UserError(`listing #${f.listingId} is ${f.status}: purchases can be cancelled only while it is Open`);
  }
  let tokenId = args.token ?? 0n;
  if (tokenId > 0n) await mustHold(ctx, tokenId, owner.address, `cancel its purchases on listing #${f.listingId}`);
  if (tokenId === 0n) {
    const held = await holdings(ctx, listing, owner.address);
    if (held.length === 0) throw new UserError(`${who} holds no bid token with stakes on listing #${f.listingId}`);
    if (held.length > 1) {
      const list = held.map((h) => `#${h.tokenId}`).join(", ");
      throw new UserError(`${who} holds ${held.length} bid tokens with stakes on listing #${f.listingId} (${list}): say which with --token`);
    }
    tokenId = held[0].tokenId;
  }
  // Only a token's latest purchase may be cancelled (within its tier's window after it).
  const bought = (await purchasesOf(ctx, listing)).filter((e) => e.args.tokenId === tokenId);
  if (bought.length === 0) throw new UserError(`bid token #${tokenId} never bought stakes on listing #${f.listingId}`);
  const latest: bigint = bought[bought.length - 1].args.purchaseIndex;
  const receipt = await send(listing.connect(owner).cancelPurchase(latest));
  const e = eventIn(receipt, listing, "PurchaseCancelled");
  const m = ctx.money;
  const toCredit: bigint = e.args.toCredit;
  const refund: bigint = e.args.refund;
  const where =
    toCredit === refund
      ? `as credit on bid token #${tokenId}`
      : toCredit > 0n
        ? `, ${m.format(refund - toCredit)} to ${who} and ${m.format(toCredit)} as credit on bid token #${tokenId} (what its credit paid)`
        : `to ${who}`;
  const fee: bigint = e.args.fee;
  say(
    `✓ cancelled purchase #${latest} of bid token #${tokenId} (${plural(e.args.stakes, "stake")}): refunded ${m.format(refund)}${where.startsWith(",") ? "" : " "}${where}` +
      (fee > 0n ? `; ${m.format(fee)} kept for the revenue vault (the tier's fee, and the budget fee on stakes beyond half the listing's cancellation budget)` : ""),
  );
  return { purchaseIndex: latest, tokenId, refund: e.args.refund as bigint, fee };
}

/** Local networks only: the MockUSDC faucet mints test money to an account. */
export async function faucet(ctx: Context, args: { account: string; amount: string }) {
  if (!ctx.local) throw new UserError("the faucet exists only on local networks (MockUSDC); on live networks buy the payment token");
  const account = ctx.ethers.isAddress(args.account) ? args.account : ctx.signer(args.account).address;
  const amount = ctx.money.parse(args.amount);
  await send(ctx.sys.token.connect(ctx.signer(undefined, 0)).mint(account, amount));
  const balance = await ctx.sys.token.balanceOf(account);
  say(`✓ minted ${ctx.money.format(amount)} to ${shortAddress(account)} (balance ${ctx.money.format(balance)})`);
  return { account, amount, balance };
}

