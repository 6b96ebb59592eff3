/**
 * The revenue vault: who shares the platform's markup and fees, collecting a settled listing's markup into it,
 * and each recipient's withdrawal (money out is always pulled).
 */
import { UserError } from "../../core/errors.js";
import { shortAddress } from "../../core/format.js";
import type { Context } from "./context.js";
import { eventIn, eventsIn, send } from "./tx.js";
import { table } from "./format.js";

const say = (line = "") => console.log(line);
const BPS = 10_000n;

/** An account given as an index into the node's accounts or an address. */
function accountOf(ctx: Context, who: string): string {
  return ctx.ethers.isAddress(who) ? who : ctx.signer(who).address;
}

/** Basis points as a percentage: 7000 → "70.00%". */
const percent = (bps: bigint) => `${(Number(bps) / 100).toFixed(2)}%`;

/**
 * "2:70%,3:30%" or "0xabc…:7000,0xdef…:3000" → recipients with shares in bps, checked to sum to 10,000 before any
 * gas is spent.
 */
export function parseRecipients(ctx: Context, text: string): { account: string; shareBps: bigint }[] {
  const parts = text.split(/[,;]/).map((p) => p.trim()).filter((p) => p !== "");
  if (parts.length === 0) throw new UserError('name the recipients and shares: --set "2:70%,3:30%" (account:share, shares in % or bps)');
  const out = parts.map((part) => {
    const m = /^(0x[0-9a-fA-F]{40}|\d+)\s*:\s*(\d+(?:\.\d+)?)\s*(%|bps)?$/.exec(part);
    if (!m) throw new UserError(`"${part}" is not account:share: write it like 2:70% or 0x…:7000 (bps)`);
    const shareBps = m[3] === "%" ? BigInt(Math.round(Number(m[2]) * 100)) : BigInt(Math.round(Number(m[2])));
    if (m[3] !== "%" && m[2].includes(".")) throw new UserError(`"${part}": a share in bps is a whole number (or write it in %)`);
    return { account: accountOf(ctx, m[1]), shareBps };
  });
  const sum = out.reduce((s, r) => s + r.shareBps, 0n);
  if (sum !== BPS) throw new UserError(`the shares sum to ${percent(sum)} (${sum} bps); they must sum to 100% (10,000 bps)`);
  const seen = new Set<string>();
  for (const r of out) {
    if (seen.has(r.account.toLowerCase())) throw new UserError(`${shortAddress(r.account)} is named twice: give each recipient once`);
    if (r.shareBps === 0n) throw new UserError(`${shortAddress(r.account)} has a zero share: leave it out instead`);
    seen.add(r.account.toLowerCase());
  }
  return out;
}

/** Recipients, shares, what each can withdraw, and the vault's books against its balance. */
export async function vaultStatus(ctx: Context) {
  const { vault, token } = ctx.sys;
  const m = ctx.money;
  const [recipients, totalOwed, balance] = await Promise.all([vault.recipients(), vault.totalOwed(), token.balanceOf(vault.target)]);
  say(`Revenue vault ${shortAddress(String(vault.target))}: ${m.format(totalOwed)} owed to recipients (balance ${m.format(balance)})`);
  const rows: { account: string; shareBps: bigint; owed: bigint }[] = [];
  for (const r of recipients) rows.push({ account: r.account, shareBps: r.shareBps, owed: await vault.owedTo(r.account) });
  if (rows.length === 0) say('   no recipients yet: the admin sets them (vault:recipients --set "0:100%")');
  else table(["Recipient", ">Share", ">Can withdraw"], rows.map((r) => [r.account, percent(r.shareBps), m.format(r.owed)]));
  return { recipients: rows, totalOwed, balance };
}

/** Admin: replaces the recipients and their shares. */
export async function setRecipients(ctx: Context, args: { set: string; from?: string }) {
  const admin = ctx.signer(args.from, 0);
  const recipients = parseRecipients(ctx, args.set);
  const adminRole = await ctx.sys.marketplace.DEFAULT_ADMIN_ROLE();
  if (!(await ctx.sys.marketplace.hasRole(adminRole, admin.address))) {
    throw new UserError(`${shortAddress(admin.address)} is not the marketplace's admin, who alone sets the vault's recipients: run with --from the admin's account`);
  }
  await send(ctx.sys.vault.connect(admin).setRecipients(recipients));
  say(`✓ revenue recipients set: ${recipients.map((r) => `${shortAddress(r.account)} ${percent(r.shareBps)}`).join(", ")}`);
  return { recipients };
}

/** Collects a settled listing's markup into the vault and splits it by share (permissionless). */
export async function collectRevenue(ctx: Context, args: { listing: string; from?: string }) {
  const listing = await ctx.listing(args.listing);
  const [[listingId], status] = await Promise.all([listing.charter(), listing.status()]);
  if (status !== 2n) throw new UserError(`listing #${listingId} is not Settled: only a settled listing's markup is collected`);
  if ((await ctx.sys.vault.recipients()).length === 0) throw new UserError('the revenue vault has no recipients yet: the admin sets them first (vault:recipients --set "0:100%")');
  if ((await listing.owed()) === 0n) throw new UserError(`listing #${listingId}'s markup was already collected (the keeper collects it when it retires the listing)`);
  const caller = ctx.signer(args.from, 0);
  const receipt = await send(ctx.sys.vault.connect(caller).collect(listing.target));
  const amount: bigint = eventIn(receipt, ctx.sys.vault, "RevenueCollected").args.amount;
  const credited = eventsIn(receipt, ctx.sys.vault, "RevenueCredited");
  say(`✓ collected ${ctx.money.format(amount)} of markup from listing #${listingId}: ${credited.map((e) => `${shortAddress(e.args.account)} +${ctx.money.format(e.args.amount)}`).join(", ")}`);
  return { amount };
}

/** A recipient withdraws its whole balance from the vault, to itself or to `to`. */
export async function withdrawRevenue(ctx: Context, args: { to?: string; from?: string }) {
  const account = ctx.signer(args.from, 0);
  const to = args.to ? accountOf(ctx, args.to) : account.address;
  const owed = await ctx.sys.vault.owedTo(account.address);
  if (owed === 0n) throw new UserError(`the revenue vault owes ${shortAddress(account.address)} nothing${(await ctx.sys.vault.totalOwed()) > 0n ? " (other recipients have balances: vault:status)" : ""}`);
  const receipt = await send(ctx.sys.vault.connect(account).withdraw(to));
  const amount: bigint = eventIn(receipt, ctx.sys.vault, "RevenueWithdrawn").args.amount;
  say(`✓ withdrew ${ctx.money.format(amount)} of revenue owed to ${shortAddress(account.address)} to ${shortAddress(to)}`);
  return { amount, to };
}
