/** Listings: reading one, agreement I (verify, create), the status screen, and agreement III (settle, draw, finalize). */
import { id as hashText, keccak256, toUtf8Bytes } from "ethers";
import type { ContractTransactionReceipt } from "ethers";
import type { IListing, Listing } from "../../typechain-types/index.js";
import type { Context } from "./context.js";
import { assetMetadata } from "../../core/assets.js";
import { FAILURE_REASON, LISTING_STATUS, ORDER_DUE_AT, ORDER_STATUS, UPKEEP_ACTION, UserError } from "./errors.js";
import { formatCount, formatDuration, formatOdds, formatTime, plural, progressBar, shortAddress, shortHex, table } from "./format.js";
import { say, DAY, send, eventsIn, eventIn, purchasesOf } from "./tx.js";

export interface ListingFacts {
  address: string;
  listingId: bigint;
  terms: IListing.TermsStructOutput;
  status: string;
  /** Stakes held: sold and not cancelled (the listing's `sales().held`). */
  held: bigint;
  purchases: bigint;
  /** Stakes cancelled (their numbers stay in the draw: stakes are numbered over held + cancelled). */
  cancelled: bigint;
  now: bigint;
}

export async function readListing(ctx: Context, listing: Listing): Promise<ListingFacts> {
  const [[listingId, terms], status, [held, purchases], [cancelled], now] = await Promise.all([
    listing.charter(),
    listing.status(),
    listing.sales(),
    listing.cancellations(),
    ctx.now(),
  ]);
  return { address: String(listing.target), listingId, terms, status: LISTING_STATUS[Number(status)], held, purchases, cancelled, now };
}

/** The charter in a few lines. */
export function printTerms(ctx: Context, terms: IListing.TermsStructOutput | IListing.TermsStruct, showOdds = true) {
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
  if (showOdds) say(`   odds        ${formatOdds(1n, t.stakeCount)} per stake if sold out`);
  say(`   sale        opens ${formatTime(BigInt(terms.opensAt))}, Time-Date A ${formatTime(BigInt(terms.deadline))}${terms.drawAtSellOut ? ", draws at sell-out" : ""}`);
}

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
  description?: string;
  subcategory?: string;
  keywords?: string; // comma-separated
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

  // Without --uri the asset's ERC-721 metadata (title, category, sub-category, keywords, an SVG image) is published
  // as a data: URI that the catalog indexer resolves offline; its content hash is keccak256 of those bytes.
  const published = assetMetadata({
    name: args.title,
    description: args.description || args.title,
    categoryId: Number(args.category),
    subcategory: args.subcategory ?? "",
    keywords: (args.keywords ?? "").split(",").map((k) => k.trim()).filter(Boolean),
    attributes: [],
    color: "#334155",
  });
  const uri = args.uri || published.uri;
  const contentHash = args.contentHash || (args.uri ? keccak256(toUtf8Bytes(`${args.title}\n${uri}`)) : published.contentHash);

  const submitted = await send(marketplace.connect(seller).submitAsset(uri, contentHash));
  const sub = eventIn(submitted, marketplace, "AssetSubmitted");
  const applicationId: bigint = sub.args.applicationId;
  const deedId: bigint = sub.args.deedId;
  say(`1/3 ${shortAddress(seller.address)} submitted "${args.title}" (${uri.length > 80 ? `${uri.slice(0, 40)}…, ${uri.length} characters` : uri}) → application #${applicationId}, deed #${deedId}`);

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

/** Stakes held now by `account` through the bid tokens that bought on this listing. */
export async function holdings(ctx: Context, listing: Listing, account: string) {
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

/** What listing:status says is due next, by IListing.Action. */
const NEXT_ACTION = ["nothing due", "settle (listing:settle)", "finalize (listing:finalize)", "expire the draw (keeper)"];

/** Refunds of a failed or dissolved listing: tokens whose stakes are still unclaimed, and the claims made so far. */
async function refundsOf(ctx: Context, listing: Listing, stakePrice: bigint) {
  const tokens = [...new Set((await purchasesOf(ctx, listing)).map((e) => e.args.tokenId as bigint))];
  const waiting: { tokenId: bigint; stakes: bigint }[] = [];
  for (const tokenId of tokens) {
    const [stakes] = await listing.oddsOf(tokenId);
    if (stakes > 0n) waiting.push({ tokenId, stakes });
  }
  const stakes = waiting.reduce((sum, w) => sum + w.stakes, 0n);
  const claims = await listing.queryFilter(listing.filters.RefundClaimed());
  const claimedAmount = claims.reduce((sum, c) => sum + (c.args.amount as bigint), 0n);
  return { waiting, stakes, amount: stakes * stakePrice, claimed: claims.length, claimedAmount };
}

export async function listingStatus(ctx: Context, args: { listing: string; account?: string; token?: bigint }) {
  const listing = await ctx.listing(args.listing);
  const f = await readListing(ctx, listing);
  const t = f.terms;
  const m = ctx.money;

  say(`Listing #${f.listingId} at ${f.address} — ${f.status}`);
  // A failed or dissolved listing draws no winner: its odds would mislead, its refunds matter instead.
  printTerms(ctx, t, f.status !== "Failed" && f.status !== "Dissolved");
  const toThreshold = t.threshold > f.held ? `${formatCount(t.threshold - f.held)} more needed for T` : "threshold met";
  say(`   sold        ${progressBar(f.held, t.stakeCount)}  ${formatCount(f.held)} of ${formatCount(t.stakeCount)} (${toThreshold}) in ${formatCount(f.purchases)} purchases`);
  say(`   raised      ${m.format(f.held * t.stakePrice)}`);
  if (f.now < t.opensAt) say(`   time        opens in ${formatDuration(t.opensAt - f.now)}`);
  else if (f.now < t.deadline) say(`   time left   ${formatDuration(t.deadline - f.now)} until Time-Date A`);
  else say(`   time        Time-Date A passed ${formatDuration(f.now - t.deadline)} ago`);
  const action = Number(await listing.pendingAction());
  const ended = f.status === "Failed" || f.status === "Dissolved";
  const refunds = ended ? await refundsOf(ctx, listing, t.stakePrice) : undefined;
  if (refunds) {
    const failed = (await listing.queryFilter(listing.filters.ListingFailed()))[0];
    if (failed) say(`   failed      ${FAILURE_REASON[Number(failed.args.reason)]} (${formatCount(failed.args.held)} of T = ${formatCount(t.threshold)} stakes sold)`);
    say(
      `   refunds     ${refunds.waiting.length === 0 ? "none waiting" : `${plural(refunds.waiting.length, "bid token")} with ${plural(refunds.stakes, "stake")}: ${m.format(refunds.amount)} waiting to be claimed`}` +
        `; ${plural(refunds.claimed, "refund")} claimed (${m.format(refunds.claimedAmount)})`,
    );
    say(`   next        ${refunds.waiting.length === 0 ? "nothing: every refund is claimed" : `each holder claims its refund (stake:refund ${f.listingId} --from <holder>)`}`);
  } else {
    say(`   next        ${NEXT_ACTION[action] ?? `action ${action}`}`);
  }

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
    const orderStatus = ORDER_STATUS[Number(order.status)];
    const due = ORDER_DUE_AT[orderStatus] ? `, ${ORDER_DUE_AT[orderStatus]} ${formatTime(order.dueAt)}` : "";
    say(`   escrow      order #${orderId}: ${orderStatus}, ${m.format(order.amount)}${due}`);
  }

  if (args.token !== undefined && args.token > 0n && refunds) {
    const [stakes] = await listing.oddsOf(args.token);
    say(`   token #${args.token}   ${stakes === 0n ? "no refund waiting" : `${m.format(stakes * t.stakePrice)} refund waiting for ${plural(stakes, "stake")} (stake:refund ${f.listingId} --token ${args.token})`}`);
  } else if (args.token !== undefined && args.token > 0n) {
    const [stakes, held] = await listing.oddsOf(args.token);
    say(`   token #${args.token}   ${plural(stakes, "stake")} → ${formatOdds(stakes, held)} now, ${formatOdds(stakes, t.stakeCount)} if sold out`);
  }
  let odds: { account: string; stakes: bigint } | undefined;
  if (args.account) {
    const account = ctx.ethers.isAddress(args.account) ? args.account : ctx.signer(args.account).address;
    const rows = await holdings(ctx, listing, account);
    const stakes = rows.reduce((s, r) => s + r.stakes, 0n);
    odds = { account, stakes };
    if (rows.length === 0) {
      say(`   ${refunds ? "refund " : "odds   "}     ${shortAddress(account)} holds no stakes of this listing${refunds ? " to refund" : ""}`);
    } else if (refunds) {
      say(`   refund      ${shortAddress(account)}: ${m.format(stakes * t.stakePrice)} waiting for ${plural(stakes, "stake")} on ${plural(rows.length, "bid token")} (stake:refund ${f.listingId} --from ${args.account})`);
    } else {
      say(`   odds        ${shortAddress(account)}: ${plural(stakes, "stake")} on ${plural(rows.length, "bid token")} → ${formatOdds(stakes, f.held)} now, ${formatOdds(stakes, t.stakeCount)} if sold out`);
      table(
        ["Bid token", ">Stakes", ">Odds now"],
        rows.map((r) => [`#${r.tokenId}`, formatCount(r.stakes), formatOdds(r.stakes, f.held)]),
      );
    }
  }
  return { ...f, action: UPKEEP_ACTION[action], drawStatus: draw.status, winner, odds, refunds };
}

/** Settles a due listing; on local networks `fulfil` also answers the VRF request with the mock. */
export async function settleListing(ctx: Context, args: { listing: string; from?: string; fulfil?: boolean }) {
  const listing = await ctx.listing(args.listing);
  const f = await readListing(ctx, listing);
  const caller = ctx.signer(args.from, 0);
  const action = Number(await listing.pendingAction());
  if (action !== 1) {
    if (f.status !== "Open") throw new UserError(`listing #${f.listingId} is already ${f.status}${f.status === "Drawing" ? ": finalize it once the word arrives (listing:finalize)" : ""}`);
    throw new UserError(`listing #${f.listingId} cannot settle before Time-Date A, ${formatTime(f.terms.deadline)} (in ${formatDuration(f.terms.deadline - f.now)}, chain time); ${formatCount(f.held)} of ${formatCount(f.terms.stakeCount)} stakes sold`);
  }
  const receipt = await send(listing.connect(caller).settle());
  const failed = eventsIn(receipt, listing, "ListingFailed")[0];
  if (failed) {
    say(`✓ listing #${f.listingId} settled and FAILED: ${FAILURE_REASON[Number(failed.args.reason)]} (${formatCount(failed.args.held)} of T = ${formatCount(f.terms.threshold)} stakes sold); buyers claim refunds (stake:refund)`);
    return { failed: true as const, held: f.held };
  }
  const drawn = eventIn(receipt, listing, "DrawRequested");
  say(`✓ listing #${f.listingId} settled: ${formatCount(drawn.args.held)} stakes sold ≥ T = ${formatCount(f.terms.threshold)} → Drawing`);
  say(`  ${ctx.money.format(f.terms.price)} and deed #${f.terms.deedId} are in escrow order #${drawn.args.orderId}; VRF request ${drawn.args.requestId} (may be expired after ${formatTime(drawn.args.expiresAt)})`);
  let word: bigint | undefined;
  if (args.fulfil) word = await fulfilDraw(ctx, { listing: f.address, from: args.from });
  return { failed: false as const, requestId: drawn.args.requestId as bigint, orderId: drawn.args.orderId as bigint, held: drawn.args.held as bigint, word };
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
  // Stake numbers run over the stakes held and the cancelled ones (cancelled purchases keep theirs): attempt 0 is
  // word mod (held + cancelled) + 1, and a draw landing on a cancelled stake is redrawn (core/draw.ts).
  const numbered = f.held + f.cancelled;
  const rule = f.cancelled > 0n
    ? `drawn among stakes numbered 1 … ${formatCount(numbered)} (${formatCount(f.held)} sold + ${formatCount(f.cancelled)} cancelled): attempt 0 = word mod ${formatCount(numbered)} + 1, redrawn while it lands on a cancelled stake`
    : `= word mod ${formatCount(numbered)} + 1 (stakes numbered 1 … ${formatCount(numbered)}: sold + cancelled, none cancelled)`;
  say(`  stake #${formatCount(e.args.stake)} ${rule}, on bid token #${e.args.tokenId} (purchase #${e.args.purchaseIndex}); word ${shortHex(e.args.word)}`);
  say(`  the winner receives deed #${f.terms.deedId} on releasing the escrow order at delivery (escrow:release)`);
  return { winner, stake: e.args.stake as bigint, tokenId: e.args.tokenId as bigint, purchaseIndex: e.args.purchaseIndex as bigint, word: e.args.word as bigint };
}
