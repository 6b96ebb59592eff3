/**
 * Unanimous dissolution of an open listing: each bid token votes with all its stakes; when every stake held has
 * voted, the listing dissolves, the deed returns to the seller and refunds open. Votes can be withdrawn.
 */
import { UserError } from "../../core/errors.js";
import { formatCount, plural, progressBar, shortAddress } from "../../core/format.js";
import type { Listing } from "../../typechain-types/index.js";
import type { Context } from "./context.js";
import { eventIn, eventsIn, purchasesOf, send } from "./tx.js";
import { readListing } from "./listing.js";
import { table } from "./format.js";

const say = (line = "") => console.log(line);

/** Votes as the events tell them: the stakes voting now, and which tokens vote (their latest event is a vote). */
async function votesOf(listing: Listing) {
  const [voted, withdrawn] = await Promise.all([
    listing.queryFilter(listing.filters.DissolutionVoted()),
    listing.queryFilter(listing.filters.DissolutionVoteWithdrawn()),
  ]);
  const events = [...voted.map((e) => ({ e, vote: true })), ...withdrawn.map((e) => ({ e, vote: false }))].sort(
    (a, b) => a.e.blockNumber - b.e.blockNumber || a.e.index - b.e.index,
  );
  const byToken = new Map<bigint, boolean>();
  for (const { e, vote } of events) byToken.set(e.args.tokenId as bigint, vote);
  const last = events.at(-1);
  return { votedStakes: last ? (last.e.args.votedStakes as bigint) : 0n, voting: [...byToken].filter(([, v]) => v).map(([t]) => t) };
}

/** The token `from` votes with: the one given, else the only one it holds stakes with on this listing. */
async function votingToken(ctx: Context, listing: Listing, owner: string, given: bigint | undefined, listingId: bigint): Promise<bigint> {
  if (given && given > 0n) return given;
  const tokens = [...new Set((await purchasesOf(ctx, listing)).map((e) => e.args.tokenId as bigint))];
  const held: bigint[] = [];
  for (const t of tokens) {
    if ((await ctx.sys.bidToken.ownerOf(t)).toLowerCase() === owner.toLowerCase() && (await listing.oddsOf(t))[0] > 0n) held.push(t);
  }
  if (held.length === 0) throw new UserError(`${shortAddress(owner)} holds no bid token with stakes on listing #${listingId}: only stakeholders vote`);
  if (held.length > 1) throw new UserError(`${shortAddress(owner)} holds ${held.length} bid tokens with stakes on listing #${listingId} (${held.map((t) => `#${t}`).join(", ")}): say which with --token`);
  return held[0];
}

/** Votes to dissolve with all of a token's stakes; the last vote needed dissolves the listing. */
export async function voteToDissolve(ctx: Context, args: { listing: string; token?: bigint; from?: string }) {
  const listing = await ctx.listing(args.listing);
  const f = await readListing(ctx, listing);
  if (f.status !== "Open") throw new UserError(`listing #${f.listingId} is ${f.status}: only an Open listing can be dissolved`);
  const owner = ctx.signer(args.from, 2);
  const tokenId = await votingToken(ctx, listing, owner.address, args.token, f.listingId);
  const receipt = await send(listing.connect(owner).voteToDissolve(tokenId));
  const e = eventIn(receipt, listing, "DissolutionVoted");
  const dissolved = eventsIn(receipt, listing, "ListingDissolved")[0];
  say(`✓ bid token #${tokenId} votes to dissolve listing #${f.listingId} with ${plural(e.args.stakes, "stake")}: ${formatCount(e.args.votedStakes)} of ${formatCount(e.args.held)} stakes sold now vote`);
  if (dissolved) say(`  every stake voted: listing #${f.listingId} is DISSOLVED; the deed returns to the seller and buyers claim refunds (stake:refund ${f.listingId})`);
  else say(`  ${formatCount((e.args.held as bigint) - (e.args.votedStakes as bigint))} more stakes must vote for the listing to dissolve (unanimity)`);
  return { tokenId, votedStakes: e.args.votedStakes as bigint, held: e.args.held as bigint, dissolved: dissolved !== undefined };
}

/** Withdraws a token's dissolution vote. */
export async function withdrawDissolutionVote(ctx: Context, args: { listing: string; token?: bigint; from?: string }) {
  const listing = await ctx.listing(args.listing);
  const f = await readListing(ctx, listing);
  if (f.status !== "Open") throw new UserError(`listing #${f.listingId} is ${f.status}: votes can be withdrawn only while it is Open`);
  const owner = ctx.signer(args.from, 2);
  const tokenId = await votingToken(ctx, listing, owner.address, args.token, f.listingId);
  if (!(await votesOf(listing)).voting.includes(tokenId)) throw new UserError(`bid token #${tokenId} has no dissolution vote on listing #${f.listingId} to withdraw`);
  const receipt = await send(listing.connect(owner).withdrawDissolutionVote(tokenId));
  const e = eventIn(receipt, listing, "DissolutionVoteWithdrawn");
  say(`✓ bid token #${tokenId} withdrew its dissolution vote on listing #${f.listingId}: ${formatCount(e.args.votedStakes)} of ${formatCount(f.held)} stakes sold still vote`);
  return { tokenId, votedStakes: e.args.votedStakes as bigint };
}

/** How far a listing is from dissolving, and which tokens vote. */
export async function dissolutionStatus(ctx: Context, args: { listing: string }) {
  const listing = await ctx.listing(args.listing);
  const f = await readListing(ctx, listing);
  const { votedStakes, voting } = await votesOf(listing);
  say(`Dissolution of listing #${f.listingId} — ${f.status}`);
  if (f.status === "Dissolved") {
    say("   dissolved: every stake voted; the deed went back to the seller and buyers claim refunds (stake:refund)");
    return { votedStakes: f.held, held: f.held, voting };
  }
  say(`   votes       ${progressBar(votedStakes, f.held, 20)}  ${formatCount(votedStakes)} of ${plural(f.held, "stake")} sold (unanimity needed: ${formatCount(f.held - votedStakes)} more)`);
  if (voting.length > 0) {
    const rows: string[][] = [];
    for (const t of voting) rows.push([`#${t}`, shortAddress(await ctx.sys.bidToken.ownerOf(t)), formatCount((await listing.oddsOf(t))[0])]);
    table(["Bid token", "Holder", ">Stakes"], rows);
  }
  return { votedStakes, held: f.held, voting };
}
