/** Bid tokens: credit top-ups, the token screen, recycling, tranches and vanity ids. */

import type { Context } from "./context.js";
import { LISTING_STATUS, SKIP_REASON, UserError, skipSentence } from "./errors.js";
import { formatCount, progressBar, shortAddress, table } from "./format.js";
import { say, send, eventsIn, eventIn } from "./tx.js";

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

