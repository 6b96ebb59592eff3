/**
 * The operations behind the tasks, the flow scripts and the keeper: one place for the logic. Each operation checks
 * its preconditions first (so bad input fails with a sentence before any gas is spent), sends the transactions,
 * prints what happened in human units, and returns the facts a caller may want to chain on.
 */
import { id as hashText, keccak256, toUtf8Bytes } from "ethers";
import type { BaseContract, ContractTransactionReceipt, ContractTransactionResponse, LogDescription } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { IListing, Listing } from "../../typechain-types/index.js";
import type { Context } from "./context.js";
import { signPermit as signTokenPermit, signRelease } from "./authorization.js";
import { FAILURE_REASON, LISTING_STATUS, ORDER_STATUS, SKIP_REASON, UPKEEP_ACTION, UserError, skipSentence } from "./errors.js";
import {
  formatCount,
  formatDuration,
  formatOdds,
  formatTime,
  progressBar,
  shortAddress,
  shortHex,
  table,
} from "./format.js";

const say = (line = "") => console.log(line);
const DAY = 86_400n;
/** Blocks per eth_getLogs page: what public RPC providers commonly accept. */
export const LOG_PAGE = 10_000;

// ---------------------------------------------------------------- transactions and events

export async function send(tx: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
  const receipt = await (await tx).wait();
  if (!receipt || receipt.status !== 1) throw new Error("the transaction did not succeed");
  return receipt;
}

/** The events named `name` that `source` emitted in `receipt`. */
export function eventsIn(receipt: ContractTransactionReceipt, source: BaseContract, name: string): LogDescription[] {
  const address = String(source.target).toLowerCase();
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === address)
    .map((log) => source.interface.parseLog(log))
    .filter((e): e is LogDescription => e !== null && e.name === name);
}

export function eventIn(receipt: ContractTransactionReceipt, source: BaseContract, name: string): LogDescription {
  const [event] = eventsIn(receipt, source, name);
  if (!event) throw new Error(`expected a ${name} event`);
  return event;
}

/** Every StakesPurchased event of a listing, fetched in pages so that live RPCs accept the ranges. */
export async function purchasesOf(ctx: Context, listing: Listing, fromBlock = 0) {
  const latest = await ctx.provider.getBlockNumber();
  const all = [];
  for (let from = fromBlock; from <= latest; from += LOG_PAGE) {
    const to = Math.min(latest, from + LOG_PAGE - 1);
    all.push(...(await listing.queryFilter(listing.filters.StakesPurchased(), from, to)));
  }
  return all;
}

// ---------------------------------------------------------------- reading a listing

export interface ListingFacts {
  address: string;
  listingId: bigint;
  terms: IListing.TermsStructOutput;
  status: string;
  sold: bigint;
  purchases: bigint;
  /** Stakes cancelled (their numbers stay in the draw: stakes are numbered over sold + cancelled). */
  cancelled: bigint;
  now: bigint;
}

export async function readListing(ctx: Context, listing: Listing): Promise<ListingFacts> {
  const [[listingId, terms], status, [sold, purchases], [cancelled], now] = await Promise.all([
    listing.charter(),
    listing.status(),
    listing.sales(),
    listing.cancellations(),
    ctx.now(),
  ]);
  return { address: String(listing.target), listingId, terms, status: LISTING_STATUS[Number(status)], sold, purchases, cancelled, now };
}

/** The charter in a few lines. */
export function printTerms(ctx: Context, terms: IListing.TermsStructOutput | IListing.TermsStruct) {
  const t = {
    price: BigInt(terms.price),
    stakePrice: BigInt(terms.stakePrice),
    stakeCount: BigInt(terms.stakeCount),
    threshold: BigInt(terms.threshold),
  };
  const m = ctx.money;
  say(`   seller      ${shortAddress(String(terms.seller))} · deed #${terms.deedId} · category ${terms.category}`);
  say(`   price P     ${m.format(t.price)}`);
  say(`   stakes N    ${formatCount(t.stakeCount)} at s = ${m.format(t.stakePrice)} (N × s = ${m.format(t.stakeCount * t.stakePrice)}, markup if sold out ${m.format(t.stakeCount * t.stakePrice - t.price)})`);
  say(`   threshold T ${formatCount(t.threshold)} stakes (T × s = ${m.format(t.threshold * t.stakePrice)})`);
  say(`   odds        ${formatOdds(1n, t.stakeCount)} per stake if sold out`);
  say(`   sale        opens ${formatTime(BigInt(terms.opensAt))}, Time-Date A ${formatTime(BigInt(terms.deadline))}${terms.drawAtSellOut ? ", draws at sell-out" : ""}`);
}

// ---------------------------------------------------------------- agreement I

export async function verifySeller(ctx: Context, args: { seller: string; kycRef: string; from?: string }) {
  const verifier = ctx.signer(args.from, 0);
  const seller = ctx.ethers.isAddress(args.seller) ? args.seller : ctx.signer(args.seller).address;
  const { marketplace } = ctx.sys;
  if (await marketplace.isVerifiedSeller(seller)) {
    say(`${shortAddress(seller)} is already a verified seller; nothing to do`);
    return { seller, changed: false };
  }
  const role = await marketplace.VERIFIER_ROLE();
  if (!(await marketplace.hasRole(role, verifier.address))) {
    throw new UserError(`${shortAddress(verifier.address)} lacks the VERIFIER_ROLE: run with --from an account that holds it`);
  }
  const kycRef = /^0x[0-9a-fA-F]{64}$/.test(args.kycRef) ? args.kycRef : hashText(args.kycRef);
  const receipt = await send(marketplace.connect(verifier).verifySeller(seller, kycRef));
  say(`✓ ${shortAddress(seller)} is a verified seller (KYC ref ${shortHex(kycRef)}, by ${shortAddress(verifier.address)}, tx ${shortHex(receipt.hash)})`);
  return { seller, changed: true };
}

export interface CreateArgs {
  seller?: string; // account index or address; default #1
  operator?: string; // default #0
  title: string;
  uri?: string;
  contentHash?: string;
  price: string;
  stakePrice: string;
  stakes: bigint;
  threshold?: bigint; // default: the fewest stakes that pay P
  days: number;
  opensIn?: number; // seconds from now
  category: number;
  drawAtSellOut: boolean;
}

/** Agreement I in one go: the seller submits the asset, the operator approves the terms, the seller accepts. */
export async function createListing(ctx: Context, args: CreateArgs) {
  const seller = ctx.signer(args.seller, 1);
  const operator = ctx.signer(args.operator, 0);
  const { marketplace } = ctx.sys;
  const m = ctx.money;

  const price = m.parse(args.price);
  const stakePrice = m.parse(args.stakePrice);
  if (price === 0n || stakePrice === 0n || args.stakes <= 0n) throw new UserError("price, stake price and number of stakes must all be above zero");
  const threshold = args.threshold && args.threshold > 0n ? args.threshold : (price + stakePrice - 1n) / stakePrice;
  // The contract checks these too; checking first names the fix before the seller spends gas on submitting.
  if (args.stakes * stakePrice < price) {
    throw new UserError(`${formatCount(args.stakes)} stakes at ${m.format(stakePrice)} raise ${m.format(args.stakes * stakePrice)}, less than the price ${m.format(price)}: sell at least ${formatCount((price + stakePrice - 1n) / stakePrice)} stakes`);
  }
  if (threshold > args.stakes) throw new UserError(`threshold ${formatCount(threshold)} is above the number of stakes ${formatCount(args.stakes)}`);
  if (threshold * stakePrice < price) {
    throw new UserError(`threshold ${formatCount(threshold)} × ${m.format(stakePrice)} = ${m.format(threshold * stakePrice)} would not pay the price ${m.format(price)}: use a threshold of at least ${formatCount((price + stakePrice - 1n) / stakePrice)}`);
  }
  if (!(args.days > 0 && args.days <= 366)) throw new UserError(`a sale of ${args.days} days is not possible: 1 … 366 days`);
  if (!(await marketplace.isVerifiedSeller(seller.address))) {
    throw new UserError(`${shortAddress(seller.address)} is not a verified seller: run seller:verify ${seller.address} first`);
  }
  if (!(await marketplace.hasRole(await marketplace.OPERATOR_ROLE(), operator.address))) {
    throw new UserError(`${shortAddress(operator.address)} lacks the OPERATOR_ROLE needed to approve terms: pass --operator with an account that holds it`);
  }
  if (await marketplace.paused()) throw new UserError("the marketplace is paused: listing creation resumes when the pauser unpauses");

  const slug = args.title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "asset";
  const uri = args.uri || `ipfs://copurchase/${slug}.json`;
  const contentHash = args.contentHash || keccak256(toUtf8Bytes(`${args.title}\n${uri}`));

  const submitted = await send(marketplace.connect(seller).submitAsset(uri, contentHash));
  const sub = eventIn(submitted, marketplace, "AssetSubmitted");
  const applicationId: bigint = sub.args.applicationId;
  const deedId: bigint = sub.args.deedId;
  say(`1/3 ${shortAddress(seller.address)} submitted "${args.title}" (${uri}) → application #${applicationId}, deed #${deedId}`);

  const now = await ctx.now();
  const opensAt = now + BigInt(args.opensIn ?? 0);
  const terms: IListing.TermsStruct = {
    seller: seller.address,
    deedId,
    price,
    stakePrice,
    stakeCount: args.stakes,
    threshold,
    opensAt,
    deadline: opensAt + BigInt(Math.round(args.days * Number(DAY))),
    category: BigInt(args.category),
    drawAtSellOut: args.drawAtSellOut,
    contentHash,
  };
  const approved = await send(marketplace.connect(operator).approveListing(applicationId, terms));
  const termsHash: string = eventIn(approved, marketplace, "ListingApproved").args.termsHash;
  say(`2/3 operator ${shortAddress(operator.address)} approved the terms (hash ${shortHex(termsHash)})`);

  const accepted = await send(marketplace.connect(seller).acceptTerms(applicationId, terms));
  const created = eventIn(accepted, marketplace, "ListingCreated");
  const address: string = created.args.listing;
  const listingId: bigint = created.args.listingId;
  say(`3/3 the seller accepted and deposited deed #${deedId}`);
  say(`✓ listing #${listingId} at ${address}`);
  printTerms(ctx, terms);
  return { address, listingId, applicationId, deedId, terms };
}

// ---------------------------------------------------------------- status

/** Stakes held now by `account` through the bid tokens that bought on this listing. */
async function holdings(ctx: Context, listing: Listing, account: string) {
  const events = await purchasesOf(ctx, listing);
  const tokens = [...new Set(events.map((e) => e.args.tokenId))];
  const rows: { tokenId: bigint; stakes: bigint }[] = [];
  for (const tokenId of tokens) {
    if ((await ctx.sys.bidToken.ownerOf(tokenId)).toLowerCase() !== account.toLowerCase()) continue;
    const [stakes] = await listing.oddsOf(tokenId);
    if (stakes > 0n) rows.push({ tokenId, stakes });
  }
  return rows;
}

export async function listingStatus(ctx: Context, args: { listing: string; account?: string; token?: bigint }) {
  const listing = await ctx.listing(args.listing);
  const f = await readListing(ctx, listing);
  const t = f.terms;
  const m = ctx.money;

  say(`Listing #${f.listingId} at ${f.address} — ${f.status}`);
  printTerms(ctx, t);
  const toThreshold = t.threshold > f.sold ? `${formatCount(t.threshold - f.sold)} more needed for T` : "threshold met";
  say(`   sold        ${progressBar(f.sold, t.stakeCount)}  ${formatCount(f.sold)} of ${formatCount(t.stakeCount)} (${toThreshold}) in ${formatCount(f.purchases)} purchases`);
  say(`   raised      ${m.format(f.sold * t.stakePrice)}`);
  if (f.now < t.opensAt) say(`   time        opens in ${formatDuration(t.opensAt - f.now)}`);
  else if (f.now < t.deadline) say(`   time left   ${formatDuration(t.deadline - f.now)} until Time-Date A`);
  else say(`   time        Time-Date A passed ${formatDuration(f.now - t.deadline)} ago`);
  const action = Number(await listing.pendingAction());
  say(`   next        ${["nothing due", "settle (listing:settle)", "finalize (listing:finalize)", "expire the draw"][action]}`);

  const draw = await ctx.sys.marketplace.drawOf(f.address);
  if (draw.status !== 0n) {
    const drawStatus = ["none", "waiting for the word", "word arrived", "abandoned"][Number(draw.status)];
    say(`   draw        VRF request ${draw.requestId}: ${drawStatus}${draw.status === 2n ? ` (word ${shortHex(draw.word)})` : ""}`);
  }
  let winner: string | undefined;
  if (f.status === "Settled") {
    const [ready, stake, purchaseIndex] = await listing.winningStake();
    const [tokenId] = await listing.purchase(purchaseIndex);
    const orderId = await listing.escrowOrderId();
    const order = await ctx.sys.escrow.order(orderId);
    winner = order.buyer;
    if (ready) say(`   winner      ${shortAddress(order.buyer)} — stake #${formatCount(stake)} on bid token #${tokenId} (purchase #${purchaseIndex})`);
    say(`   escrow      order #${orderId}: ${ORDER_STATUS[Number(order.status)]}, ${m.format(order.amount)}${order.deadline > 0n && order.status === 2n ? `, ship by ${formatTime(order.deadline)}` : ""}`);
  }

  if (args.token !== undefined && args.token > 0n) {
    const [stakes, sold] = await listing.oddsOf(args.token);
    say(`   token #${args.token}   ${formatCount(stakes)} stakes → ${formatOdds(stakes, sold)} now, ${formatOdds(stakes, t.stakeCount)} if sold out`);
  }
  let odds: { account: string; stakes: bigint } | undefined;
  if (args.account) {
    const account = ctx.ethers.isAddress(args.account) ? args.account : ctx.signer(args.account).address;
    const rows = await holdings(ctx, listing, account);
    const stakes = rows.reduce((s, r) => s + r.stakes, 0n);
    odds = { account, stakes };
    if (rows.length === 0) {
      say(`   odds        ${shortAddress(account)} holds no stakes of this listing`);
    } else {
      say(`   odds        ${shortAddress(account)}: ${formatCount(stakes)} stakes on ${rows.length} bid token(s) → ${formatOdds(stakes, f.sold)} now, ${formatOdds(stakes, t.stakeCount)} if sold out`);
      table(
        ["Bid token", ">Stakes", ">Odds now"],
        rows.map((r) => [`#${r.tokenId}`, formatCount(r.stakes), formatOdds(r.stakes, f.sold)]),
      );
    }
  }
  return { ...f, action: UPKEEP_ACTION[action], drawStatus: draw.status, winner, odds };
}

// ---------------------------------------------------------------- agreement II

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
  const remaining = t.stakeCount - f.sold;
  if (count > remaining) throw new UserError(`asked for ${formatCount(count)} stakes but only ${formatCount(remaining)} remain: buy at most ${formatCount(remaining)}`);
  if (buyer.address.toLowerCase() === t.seller.toLowerCase()) throw new UserError(`the seller ${shortAddress(buyer.address)} cannot buy stakes of its own listing: use another account (--from)`);
  if ((await ctx.sys.bidToken.salesPaused()) || (await ctx.sys.marketplace.paused())) throw new UserError("purchases are paused by the marketplace's pauser");
  if (tokenId > 0n) await ctx.sys.bidToken.holderFor(tokenId, buyer.address); // reverts NotTokenHolder with the reason

  // The token's credit pays first (SPEC §4.3); the listing pulls only the rest from the wallet.
  const cost = count * t.stakePrice;
  const credit = tokenId > 0n ? await ctx.sys.bidToken.creditOf(tokenId) : 0n;
  const fromWallet = cost > credit ? cost - credit : 0n;
  const creditNote = credit > 0n ? ` (${m.format(cost)} minus ${m.format(cost - fromWallet)} of bid token #${tokenId}'s credit)` : "";
  const token = ctx.sys.token.connect(buyer);
  const balance = await token.balanceOf(buyer.address);
  if (balance < fromWallet) {
    throw new UserError(`${shortAddress(buyer.address)} holds ${m.format(balance)} but must pay ${m.format(fromWallet)} from the wallet for ${formatCount(count)} stakes${creditNote}: fund the wallet first${tokenId > 0n ? ` or top up the token (token:topup ${tokenId})` : ""}`);
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
  const [held, sold] = await listing.oddsOf(used);
  say(`✓ ${shortAddress(buyer.address)} bought ${formatCount(count)} stake${count === 1n ? "" : "s"} #${formatCount(first)}–#${formatCount(first + count - 1n)} for ${m.format(cost)} on ${tokenId === 0n ? "new " : ""}bid token #${used}`);
  if (paidFromCredit > 0n) {
    const left = await ctx.sys.bidToken.creditOf(used);
    say(`  paid ${m.format(paidFromCredit)} from bid token #${used}'s credit (${m.format(left)} left) and ${m.format(paidFromWallet)} from the wallet`);
  } else {
    say(`  paid ${m.format(paidFromWallet)} from the wallet`);
  }
  say(`  token #${used} holds ${formatCount(held)} of ${formatCount(sold)} stakes sold → odds ${formatOdds(held, sold)} now, ${formatOdds(held, t.stakeCount)} if sold out`);
  say(`  sold ${progressBar(sold, t.stakeCount, 20)} ${formatCount(sold)} of ${formatCount(t.stakeCount)}`);
  return { tokenId: used, firstStake: first, count, cost, paidFromCredit, paidFromWallet, held, sold, buyer: buyer.address };
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
    `✓ cancelled purchase #${latest} of bid token #${tokenId} (${formatCount(e.args.stakes)} stakes): refunded ${m.format(refund)}${where.startsWith(",") ? "" : " "}${where}` +
      (fee > 0n ? `; ${m.format(fee)} kept for the revenue vault (the tier's fee, and the budget fee on stakes beyond half the listing's cancellation budget)` : ""),
  );
  return { purchaseIndex: latest, tokenId, refund: e.args.refund as bigint, fee };
}

const CONDITION_KINDS = [
  "unset",
  "completed orders ≥",
  "cancellation rate (bps) ≤",
  "cancellation rate (bps) ≥",
  "sales in 10 days ≥",
  "helpful reviews ≥",
  "registered",
  "orders ≥",
  "stake cancellations ≤",
];
const REFUND_MODES = ["to the wallet", "as bid-token credit", "to the wallet minus a fee"];

/** The membership status screen: tier, policy, counters, conditions met, and what the next tier up needs. */
export async function membershipStatus(ctx: Context, args: { account: string }) {
  const account = ctx.ethers.isAddress(args.account) ? args.account : ctx.signer(args.account).address;
  const membership = ctx.sys.membership;
  const [tier, met, next, missing] = await membership.status(account);
  const c = await membership.countersOf(account);
  const p = await membership.policyOf(account);
  const describe = async (bits: bigint) => {
    const out: string[] = [];
    for (let i = 0n; bits >> i > 0n; i++) {
      if (((bits >> i) & 1n) === 0n) continue;
      const cond = await membership.condition(i);
      const kind = CONDITION_KINDS[Number(cond.kind)] ?? `kind ${cond.kind}`;
      out.push(`#${i} ${kind}${Number(cond.kind) === 6 ? "" : ` ${formatCount(cond.threshold)}`}`);
    }
    return out.length ? out.join(", ") : "none";
  };
  const rate = c.orders === 0n ? "0.00%" : `${(Number((c.cancelledAsBuyer + c.cancelledAsSeller) * 10_000n / c.orders) / 100).toFixed(2)}%`;
  say(`Membership of ${shortAddress(account)} — tier #${tier}${tier === 0n ? " (default)" : ""}`);
  say(
    `  policy      cancel within ${formatDuration(Number(p.cancelWindow))}; refunds ${REFUND_MODES[Number(p.refundMode)]}` +
      `${Number(p.refundMode) === 2 ? ` (${Number(p.feeBps) / 100}%)` : ""}; rewards ${Number(p.rewardBps) / 100}%; auto-relist ${p.autoRelist ? "yes" : "no"}`,
  );
  say(
    `  counters    ${formatCount(c.orders)} orders, ${formatCount(c.completed)} completed, cancellations ${formatCount(c.cancelledAsBuyer)} as buyer / ${formatCount(c.cancelledAsSeller)} as seller (rate ${rate}), ` +
      `${formatCount(c.stakeCancellations)} stake cancellations, ${formatCount(c.helpfulReviews)} helpful reviews, ${formatCount(await membership.recentSales(account))} sales in 10 days, ${c.registered ? "registered" : "not registered"}`,
  );
  say(`  meets       ${await describe(met)}`);
  say(next === 0n ? "  next tier   none above this one" : `  next tier   #${next}: missing ${await describe(missing)}`);
  return { tier, met, next, missing };
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

// ---------------------------------------------------------------- bid tokens

/** Most ids per `recycle` transaction: keeps one batch well inside a block whatever the positions cost to check. */
export const RECYCLE_BATCH = 100;

/** "7", "#7" or "7,777,777" → 7n; a one-line reason otherwise. */
export function parseTokenId(text: string, what = "bid token id"): bigint {
  const clean = String(text).trim().replace(/^#/, "").replace(/[,_]/g, "");
  if (!/^\d+$/.test(clean)) throw new UserError(`"${text}" is not a ${what}: give a number like 7`);
  return BigInt(clean);
}

/** Ids from positional arguments and/or a comma list ("1,2,3"), in order, without repeats. */
export function parseTokenIds(parts: string[]): bigint[] {
  const ids: bigint[] = [];
  for (const part of parts.flatMap((p) => String(p).split(/[\s,;]+/)).filter((p) => p !== "")) {
    if (!/^#?\d+$/.test(part)) throw new UserError(`"${part}" is not a bid token id: give numbers like 1 2 3, or --ids 1,2,3`);
    const id = BigInt(part.replace(/^#/, ""));
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

const idList = (ids: bigint[]) => (ids.length <= 12 ? ids.map((id) => `#${id}`).join(", ") : `${ids.slice(0, 10).map((id) => `#${id}`).join(", ")} … (${ids.length} in all)`);

/** Who holds a token: an address, "treasury", or undefined when it was never minted. */
async function holderOf(ctx: Context, tokenId: bigint): Promise<string | undefined> {
  const owner = await ctx.sys.bidToken.ownerOf(tokenId).catch(() => undefined);
  if (owner === undefined) return undefined;
  return owner.toLowerCase() === String(ctx.sys.bidToken.target).toLowerCase() ? "treasury" : owner;
}

/** Adds credit to a bid token from `from`'s wallet (approving exactly the amount with `approve`). */
export async function topUpToken(ctx: Context, args: { tokenId: string; amount?: string; from?: string; approve?: boolean }) {
  const tokenId = parseTokenId(args.tokenId);
  if (!args.amount) throw new UserError('say how much credit to add: --amount "25 USDC"');
  const m = ctx.money;
  const amount = m.parse(args.amount);
  if (amount === 0n) throw new UserError("the amount must be above zero");
  const payer = ctx.signer(args.from, 2);
  const bidToken = ctx.sys.bidToken;
  const holder = await holderOf(ctx, tokenId);
  if (holder === undefined) throw new UserError(`bid token #${tokenId} was never issued: credit can only be added to a token someone holds`);
  if (holder === "treasury") throw new UserError(`bid token #${tokenId} is in the treasury (recycled): credit added now would go to whoever is issued it next`);

  const token = ctx.sys.token.connect(payer);
  const spender = String(bidToken.target);
  const balance = await token.balanceOf(payer.address);
  if (balance < amount) throw new UserError(`${shortAddress(payer.address)} holds ${m.format(balance)} but the top-up is ${m.format(amount)}: fund the wallet first`);
  const allowance = await token.allowance(payer.address, spender);
  if (allowance < amount) {
    if (!args.approve) {
      throw new UserError(`insufficient allowance: the bid token contract may spend ${m.format(allowance)} of ${shortAddress(payer.address)}'s ${m.symbol} but the top-up is ${m.format(amount)}: rerun with --approve (approves exactly the amount)`);
    }
    await send(token.approve(spender, amount));
    say(`approved the bid token contract to take exactly ${m.format(amount)}`);
  }
  const receipt = await send(bidToken.connect(payer).topUp(tokenId, amount));
  const credit: bigint = eventIn(receipt, bidToken, "CreditAdded").args.credit;
  const other = holder.toLowerCase() !== payer.address.toLowerCase() ? ` (held by ${shortAddress(holder)})` : "";
  say(`✓ ${shortAddress(payer.address)} added ${m.format(amount)} of credit to bid token #${tokenId}${other}`);
  say(`  credit now ${m.format(credit)}: spent first on this token's next stakes (stake:buy <listing> --token ${tokenId}); it cannot be withdrawn`);
  return { tokenId, amount, credit, holder };
}

/** Owner, credit, open positions, recyclability and vanity flag of one bid token. */
export async function tokenInfo(ctx: Context, args: { tokenId: string }) {
  const tokenId = parseTokenId(args.tokenId);
  const bidToken = ctx.sys.bidToken;
  const max = await bidToken.MAX_SUPPLY();
  if (tokenId < 1n || tokenId > max) throw new UserError(`bid tokens are numbered #1…#${formatCount(max)}: #${formatCount(tokenId)} cannot exist`);
  const m = ctx.money;
  const [holder, reserved, credit, nextId, releasedUpTo, reason] = await Promise.all([
    holderOf(ctx, tokenId),
    bidToken.isReserved(tokenId),
    bidToken.creditOf(tokenId),
    bidToken.nextId(),
    bidToken.releasedUpTo(),
    bidToken.recyclable(tokenId),
  ]);

  say(`Bid token #${formatCount(tokenId)}${reserved ? " (vanity id)" : ""}`);
  if (holder === "treasury") say(`   owner       treasury: recycled, to be issued again to a buyer without a token`);
  else if (holder) say(`   owner       ${holder}`);
  else if (reserved) say(`   owner       nobody: a reserved vanity id not granted yet (token:grant ${tokenId} <to>)`);
  else if (tokenId > releasedUpTo) say(`   owner       nobody: not released yet (ids are released up to #${formatCount(releasedUpTo)}; token:release)`);
  else say(`   owner       nobody: not issued yet (the next new id is #${formatCount(nextId)})`);
  say(`   vanity      ${reserved ? "yes: reserved, issued only by the operator's grant" : "no"}`);
  say(`   credit      ${m.format(credit)}`);

  const positions: { listing: string; listingId: bigint; status: string; stakes: bigint }[] = [];
  if (holder) {
    for (const address of await bidToken.openPositions(tokenId)) {
      const listing = await ctx.listing(address);
      const [[listingId], status, [stakes]] = await Promise.all([listing.charter(), listing.status(), listing.oddsOf(tokenId)]);
      positions.push({ listing: address, listingId, status: LISTING_STATUS[Number(status)], stakes });
    }
  }
  say(`   positions   ${positions.length === 0 ? "none open" : `${positions.length} open`}`);
  if (positions.length > 0) {
    table(
      ["Listing", "Address", "State", ">Stakes"],
      positions.map((p) => [
        `#${p.listingId}`,
        shortAddress(p.listing),
        p.status === "Failed" || p.status === "Dissolved" ? `${p.status} (refund unclaimed: stake:refund)` : p.status,
        formatCount(p.stakes),
      ]),
    );
  }
  say(`   recyclable  ${reason === 0n ? "yes, " : "no: "}${skipSentence(reason)}`);
  return { tokenId, holder, reserved, credit, positions, recyclable: SKIP_REASON[Number(reason)] };
}

/** Finds every issued id (1 … nextId − 1) that `recycle` would take, `pageSize` view calls at a time, with progress. */
export async function scanRecyclable(ctx: Context, pageSize: number): Promise<bigint[]> {
  const bidToken = ctx.sys.bidToken;
  const last = (await bidToken.nextId()) - 1n;
  const page = BigInt(Math.max(1, Math.min(pageSize, 1_000)));
  const found: bigint[] = [];
  for (let first = 1n; first <= last; first += page) {
    const ids: bigint[] = [];
    for (let id = first; id < first + page && id <= last; id++) ids.push(id);
    const reasons = await Promise.all(ids.map((id) => bidToken.recyclable(id)));
    found.push(...ids.filter((_, i) => reasons[i] === 0n));
    say(`scan ${progressBar(ids[ids.length - 1], last, 20)} ids #1…#${formatCount(ids[ids.length - 1])} of #${formatCount(last)}: ${formatCount(found.length)} recyclable`);
  }
  return found;
}

/** Recycles `ids` (or, with `scan`, every recyclable issued id) in batches of at most RECYCLE_BATCH. */
export async function recycleTokens(ctx: Context, args: { ids?: string[]; scan?: number; from?: string }) {
  const caller = ctx.signer(args.from, 0);
  const bidToken = ctx.sys.bidToken;
  let ids = parseTokenIds(args.ids ?? []);
  if (args.scan && args.scan > 0) {
    if (ids.length > 0) throw new UserError("give ids or --scan, not both");
    ids = await scanRecyclable(ctx, args.scan);
    if (ids.length === 0) {
      say("✓ nothing to recycle: every issued token has credit, an open position, or is already in the treasury");
      return { recycled: [] as bigint[], skipped: [] as { tokenId: bigint; reason: string }[] };
    }
  }
  if (ids.length === 0) throw new UserError("name the tokens to recycle: token:recycle 1 2 3, --ids 1,2,3, or --scan 500 to find them");

  const recycled: bigint[] = [];
  const skipped: { tokenId: bigint; reason: string; sentence: string }[] = [];
  const batches = Math.ceil(ids.length / RECYCLE_BATCH);
  for (let b = 0; b < batches; b++) {
    const batch = ids.slice(b * RECYCLE_BATCH, (b + 1) * RECYCLE_BATCH);
    const receipt = await send(bidToken.connect(caller).recycle(batch));
    for (const e of eventsIn(receipt, bidToken, "TokenRecycled")) recycled.push(e.args.tokenId);
    for (const e of eventsIn(receipt, bidToken, "RecycleSkipped")) {
      skipped.push({ tokenId: e.args.tokenId, reason: SKIP_REASON[Number(e.args.reason)], sentence: skipSentence(e.args.reason) });
    }
    if (batches > 1) say(`batch ${b + 1}/${batches} ${progressBar(BigInt(b + 1), BigInt(batches), 20)} ${formatCount(recycled.length)} recycled, ${formatCount(skipped.length)} skipped so far`);
  }
  const inTreasury = await bidToken.recycledCount();
  if (recycled.length > 0) {
    say(`✓ recycled ${formatCount(recycled.length)} bid token${recycled.length === 1 ? "" : "s"}: ${idList(recycled)}; the treasury now holds ${formatCount(inTreasury)} to issue again`);
  } else {
    say(`✓ nothing recycled (the treasury holds ${formatCount(inTreasury)})`);
  }
  if (skipped.length > 0) {
    say(`  skipped ${formatCount(skipped.length)}:`);
    for (const s of skipped.slice(0, 50)) say(`    #${s.tokenId}: ${s.sentence}`);
    if (skipped.length > 50) say(`    … and ${formatCount(skipped.length - 50)} more`);
  }
  return { recycled, skipped: skipped.map(({ tokenId, reason }) => ({ tokenId, reason })) };
}

/** The signer for an operator action, checked against the marketplace's OPERATOR_ROLE before any gas is spent. */
async function operatorSigner(ctx: Context, from: string | undefined) {
  const signer = ctx.signer(from, 0);
  const role = await ctx.sys.bidToken.OPERATOR_ROLE();
  if (!(await ctx.sys.marketplace.hasRole(role, signer.address))) {
    throw new UserError(`${shortAddress(signer.address)} lacks the marketplace's OPERATOR_ROLE: run with --from an account that holds it (the admin grants roles)`);
  }
  return signer;
}

/** Operator: raises the highest issuable id to `upTo`. */
export async function releaseTranche(ctx: Context, args: { upTo: string; from?: string }) {
  const upTo = parseTokenId(args.upTo, "token number");
  const signer = await operatorSigner(ctx, args.from);
  const bidToken = ctx.sys.bidToken;
  const before = await bidToken.releasedUpTo();
  await send(bidToken.connect(signer).release(upTo));
  say(`✓ bid tokens are released up to #${formatCount(upTo)} (was #${formatCount(before)}): ${formatCount(upTo - before)} more ids can be issued`);
  return { before, upTo };
}

/** Operator: reserves vanity ids, which purchases then never issue. */
export async function reserveIds(ctx: Context, args: { ids: string[]; from?: string }) {
  const ids = parseTokenIds(args.ids);
  if (ids.length === 0) throw new UserError("name the ids to reserve: token:reserve 333 777");
  const signer = await operatorSigner(ctx, args.from);
  const receipt = await send(ctx.sys.bidToken.connect(signer).reserve(ids));
  const reserved = eventsIn(receipt, ctx.sys.bidToken, "IdReserved").map((e) => e.args.tokenId as bigint);
  say(`✓ reserved vanity id${reserved.length === 1 ? "" : "s"} ${idList(reserved)}: purchases never issue them; grant one with token:grant <id> <to>`);
  return { reserved };
}

/** Operator: mints a reserved vanity id to `to` (an address or account index). */
export async function grantId(ctx: Context, args: { tokenId: string; to: string; from?: string }) {
  const tokenId = parseTokenId(args.tokenId);
  const to = ctx.ethers.isAddress(args.to) ? args.to : ctx.signer(args.to).address;
  const signer = await operatorSigner(ctx, args.from);
  await send(ctx.sys.bidToken.connect(signer).grant(tokenId, to));
  say(`✓ vanity bid token #${formatCount(tokenId)} granted to ${shortAddress(to)}`);
  say("  with no credit and no open position it can be recycled by anyone: top it up (token:topup) to keep the number");
  return { tokenId, to };
}

// ---------------------------------------------------------------- agreement III

/** Settles a due listing; on local networks `fulfil` also answers the VRF request with the mock. */
export async function settleListing(ctx: Context, args: { listing: string; from?: string; fulfil?: boolean }) {
  const listing = await ctx.listing(args.listing);
  const f = await readListing(ctx, listing);
  const caller = ctx.signer(args.from, 0);
  const action = Number(await listing.pendingAction());
  if (action !== 1) {
    if (f.status !== "Open") throw new UserError(`listing #${f.listingId} is already ${f.status}${f.status === "Drawing" ? ": finalize it once the word arrives (listing:finalize)" : ""}`);
    throw new UserError(`listing #${f.listingId} cannot settle before Time-Date A, ${formatTime(f.terms.deadline)} (in ${formatDuration(f.terms.deadline - f.now)}, chain time); ${formatCount(f.sold)} of ${formatCount(f.terms.stakeCount)} stakes sold`);
  }
  const receipt = await send(listing.connect(caller).settle());
  const failed = eventsIn(receipt, listing, "ListingFailed")[0];
  if (failed) {
    say(`✓ listing #${f.listingId} settled and FAILED: ${FAILURE_REASON[Number(failed.args.reason)]} (${formatCount(failed.args.sold)} of T = ${formatCount(f.terms.threshold)} stakes sold); buyers claim refunds (stake:refund)`);
    return { failed: true as const, sold: f.sold };
  }
  const drawn = eventIn(receipt, listing, "DrawRequested");
  say(`✓ listing #${f.listingId} settled: ${formatCount(drawn.args.sold)} stakes sold ≥ T = ${formatCount(f.terms.threshold)} → Drawing`);
  say(`  ${ctx.money.format(f.terms.price)} and deed #${f.terms.deedId} are in escrow order #${drawn.args.orderId}; VRF request ${drawn.args.requestId} (may be expired after ${formatTime(drawn.args.expiresAt)})`);
  let word: bigint | undefined;
  if (args.fulfil) word = await fulfilDraw(ctx, { listing: f.address, from: args.from });
  return { failed: false as const, requestId: drawn.args.requestId as bigint, orderId: drawn.args.orderId as bigint, sold: drawn.args.sold as bigint, word };
}

/** Local networks only: the VRF mock answers the listing's pending request (with its deterministic word). */
export async function fulfilDraw(ctx: Context, args: { listing: string; from?: string; word?: bigint }) {
  if (!ctx.local) throw new UserError("only local networks have the VRF mock; on live networks Chainlink VRF answers by itself");
  const listing = await ctx.listing(args.listing);
  const draw = await ctx.sys.marketplace.drawOf(String(listing.target));
  if (draw.status !== 1n) throw new UserError(`listing ${shortAddress(String(listing.target))} has no VRF request waiting for its word`);
  const coordinator = ctx.sys.coordinator.connect(ctx.signer(args.from, 0));
  const marketplace = String(ctx.sys.marketplace.target);
  await send(
    args.word === undefined
      ? coordinator.fulfillRandomWords(draw.requestId, marketplace)
      : coordinator.fulfillRandomWordsWithOverride(draw.requestId, marketplace, [args.word]),
  );
  const [status, word] = await ctx.sys.marketplace.randomWord(String(listing.target));
  if (status !== 2n) throw new Error(`the coordinator answered request ${draw.requestId}, but the marketplace did not store a word`);
  say(`✓ VRF mock answered request ${draw.requestId}: word ${shortHex(word)}`);
  return word;
}

/** Names the winner, with the purchase-index hint so that finalize costs O(1). */
export async function finalizeListing(ctx: Context, args: { listing: string; from?: string }) {
  const listing = await ctx.listing(args.listing);
  const f = await readListing(ctx, listing);
  const caller = ctx.signer(args.from, 0);
  if (f.status !== "Drawing") {
    throw new UserError(`listing #${f.listingId} is ${f.status}: only a Drawing listing is finalized${f.status === "Open" ? " (settle it first: listing:settle)" : ""}`);
  }
  const [ready, , hint] = await listing.winningStake();
  if (!ready) {
    const draw = await ctx.sys.marketplace.drawOf(f.address);
    throw new UserError(`the random word for VRF request ${draw.requestId} has not arrived yet${ctx.local ? ": answer it with the mock (listing:settle --fulfil on settle, or npm run keeper)" : ": wait for Chainlink VRF"}`);
  }
  const receipt = await send(listing.connect(caller).finalizeWithHint(hint));
  return reportWinner(ctx, listing, receipt, f);
}

export function reportWinner(ctx: Context, listing: Listing, receipt: ContractTransactionReceipt, f: ListingFacts) {
  const e = eventIn(receipt, listing, "WinnerDrawn");
  const winner: string = e.args.winner;
  say(`✓ listing #${f.listingId} Settled — WINNER ${winner}`);
  // Stake numbers run over the stakes sold and the cancelled ones (cancelled purchases keep theirs): attempt 0 is
  // word mod (sold + cancelled) + 1, and a draw landing on a cancelled stake is redrawn (core/draw.ts).
  const numbered = f.sold + f.cancelled;
  const rule = f.cancelled > 0n
    ? `drawn among stakes numbered 1 … ${formatCount(numbered)} (${formatCount(f.sold)} sold + ${formatCount(f.cancelled)} cancelled): attempt 0 = word mod ${formatCount(numbered)} + 1, redrawn while it lands on a cancelled stake`
    : `= word mod ${formatCount(numbered)} + 1 (stakes numbered 1 … ${formatCount(numbered)}: sold + cancelled, none cancelled)`;
  say(`  stake #${formatCount(e.args.stake)} ${rule}, on bid token #${e.args.tokenId} (purchase #${e.args.purchaseIndex}); word ${shortHex(e.args.word)}`);
  say(`  the winner receives deed #${f.terms.deedId} on releasing the escrow order at delivery (escrow:release)`);
  return { winner, stake: e.args.stake as bigint, tokenId: e.args.tokenId as bigint, purchaseIndex: e.args.purchaseIndex as bigint, word: e.args.word as bigint };
}

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

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

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
  say(`  npx hardhat escrow:submit ${args.listing} --deadline ${deadline} --signature ${signature}`);
  return { orderId, deadline, signature };
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

export async function keeperStep(ctx: Context, keeper: HardhatEthersSigner, pending: Set<string>): Promise<string[]> {
  const done: string[] = [];
  const { marketplace } = ctx.sys;
  for (const address of [...pending]) {
    const draw = await marketplace.drawOf(address);
    if (draw.status !== 1n) {
      pending.delete(address);
      continue;
    }
    await send(ctx.sys.coordinator.connect(keeper).fulfillRandomWords(draw.requestId, String(marketplace.target)));
    const [, word] = await marketplace.randomWord(address);
    pending.delete(address);
    done.push(`VRF mock answered request ${draw.requestId} for ${shortAddress(address)}: word ${shortHex(word)}`);
  }

  const [needed, performData] = await marketplace.checkUpkeep.staticCall("0x");
  if (!needed) return done;
  const [listingAddress, actionId] = ctx.ethers.AbiCoder.defaultAbiCoder().decode(["address", "uint8"], performData);
  const action = UPKEEP_ACTION[Number(actionId)];
  if (action === "OpenSeries") {
    // Recurring listings: performData is (series module, OpenSeries, seriesId); the receipt names the new listing.
    const [, , seriesId] = ctx.ethers.AbiCoder.defaultAbiCoder().decode(["address", "uint8", "uint256"], performData);
    const receipt = await send(marketplace.connect(keeper).performUpkeep(performData));
    const created = eventIn(receipt, marketplace, "ListingCreated");
    done.push(`performUpkeep: OpenSeries #${seriesId} → listing #${created.args.listingId} ${shortAddress(created.args.listing)} open`);
    return done;
  }
  const listing = await ctx.listing(listingAddress);
  const receipt = await send(marketplace.connect(keeper).performUpkeep(performData));
  let what = `performUpkeep: ${action} ${shortAddress(listingAddress)}`;
  const drawn = eventsIn(receipt, listing, "DrawRequested")[0];
  const failed = eventsIn(receipt, listing, "ListingFailed")[0];
  const won = eventsIn(receipt, listing, "WinnerDrawn")[0];
  if (drawn) {
    pending.add(String(listingAddress));
    what += ` → Drawing, ${formatCount(drawn.args.sold)} stakes sold, VRF request ${drawn.args.requestId}`;
  } else if (failed) {
    what += ` → Failed (${FAILURE_REASON[Number(failed.args.reason)]}, ${formatCount(failed.args.sold)} sold): refunds open`;
  } else if (won) {
    what += ` → Settled, WINNER ${shortAddress(won.args.winner)} (stake #${formatCount(won.args.stake)}, bid token #${won.args.tokenId})`;
  } else if (action === "Retire") {
    const collected = eventsIn(receipt, ctx.sys.vault, "RevenueCollected")[0];
    what += ` → no longer watched${collected ? `; markup ${ctx.money.format(collected.args.amount)} collected into the revenue vault` : ""}`;
  }
  done.push(what);
  return done;
}

/** Listings whose randomness was requested and not yet answered (scanned once at keeper start). */
export async function pendingDraws(ctx: Context): Promise<Set<string>> {
  const pending = new Set<string>();
  const count = await ctx.sys.marketplace.listingCount();
  for (let i = 1n; i <= count; i++) {
    const address = await ctx.sys.marketplace.listingAt(i);
    if ((await ctx.sys.marketplace.drawOf(address)).status === 1n) pending.add(address);
  }
  return pending;
}
