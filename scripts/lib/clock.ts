/**
 * The local chain's clock: what is due next (for the keeper and chain:advance) and moving time forward on a
 * local node, so that a 30-day listing can settle in a minute with the keeper alone.
 */
import { UserError } from "../../core/errors.js";
import { LISTING_STATUS } from "../../core/enums.js";
import { formatDuration, formatTime } from "../../core/format.js";
import { ListingSeries__factory } from "../../typechain-types/index.js";
import type { Context } from "./context.js";

const say = (line = "") => console.log(line);

/** The next thing that becomes due by the clock alone, or undefined when nothing ever will. */
export interface NextDue {
  at: bigint;
  what: string;
}

/**
 * Scans the marketplace's listings for the earliest moment something becomes due by time alone: an open listing
 * reaching Time-Date A (settle), a draw whose word is overdue (expire), a series' next opening.
 */
export async function nextDue(ctx: Context): Promise<NextDue | undefined> {
  const { marketplace } = ctx.sys;
  const now = await ctx.now();
  const count = await marketplace.listingCount();
  let next: NextDue | undefined;
  const consider = (at: bigint, what: string) => {
    if (at > now && (next === undefined || at < next.at)) next = { at, what };
  };
  for (let id = 1n; id <= count; id++) {
    const listing = await ctx.listing(String(id));
    const status = LISTING_STATUS[Number(await listing.status())];
    if (status === "Open") {
      const [, terms] = await listing.charter();
      consider(terms.opensAt, `listing #${id} opens for sale`);
      consider(terms.deadline, `listing #${id} reaches Time-Date A and can be settled`);
    } else if (status === "Drawing") {
      const draw = await marketplace.drawOf(await listing.getAddress());
      const [requested] = await listing.queryFilter(listing.filters.DrawRequested());
      if (draw.status === 1n && requested) consider(requested.args.expiresAt, `listing #${id}'s draw may be expired (no random word yet)`);
    }
  }
  const seriesAddress = await marketplace.seriesModule();
  if (seriesAddress !== "0x0000000000000000000000000000000000000000") {
    const series = ListingSeries__factory.connect(seriesAddress, ctx.provider);
    const seriesCount = await series.seriesCount();
    for (let id = 1n; id <= seriesCount; id++) {
      const s = await series.seriesOf(id);
      if (Number(s.status) === 3) consider(s.nextOpensAt, `series #${id} may open its next listing`);
    }
  }
  return next;
}

/** "30d", "12h", "90m", "45s", "1d 12h" or plain seconds → seconds; a one-line reason otherwise. */
export function parseDuration(text: string): bigint {
  const clean = text.trim().toLowerCase();
  if (/^\d+$/.test(clean)) return BigInt(clean);
  const parts = [...clean.matchAll(/(\d+)\s*(d|h|m|s)/g)];
  const rebuilt = parts.map((p) => p[0]).join("").replace(/\s/g, "");
  if (parts.length === 0 || rebuilt !== clean.replace(/\s/g, "")) {
    throw new UserError(`"${text}" is not a duration: write it like 30d, 12h, 90m, 1d 12h or a number of seconds, or use --to deadline`);
  }
  const size: Record<string, bigint> = { d: 86_400n, h: 3_600n, m: 60n, s: 1n };
  return parts.reduce((sum, p) => sum + BigInt(p[1]) * size[p[2]], 0n);
}

/**
 * Local networks only: moves the chain's clock forward to the next thing due (`deadline`) or by a duration, and
 * mines a block so that the new time is the latest block's.
 */
export async function advanceClock(ctx: Context, args: { to: string }) {
  if (!ctx.local) throw new UserError(`${ctx.networkName} is a live network: its clock cannot be moved`);
  const before = await ctx.now();
  let target: bigint;
  let why: string;
  if (args.to.trim().toLowerCase() === "deadline") {
    const next = await nextDue(ctx);
    if (!next) throw new UserError("nothing becomes due by time alone: no open listing, overdue draw or scheduled series is waiting");
    target = next.at;
    why = next.what;
  } else {
    const seconds = parseDuration(args.to);
    if (seconds === 0n) throw new UserError("a duration of 0 moves nothing: give e.g. 30d or --to deadline");
    target = before + seconds;
    why = `${formatDuration(seconds)} later`;
  }
  await ctx.connection.networkHelpers.time.increaseTo(target);
  const after = await ctx.now();
  say(`✓ chain clock moved ${formatDuration(after - before)} forward: ${formatTime(before)} → ${formatTime(after)} (${why})`);
  const next = await nextDue(ctx);
  say(`  next due: ${next ? `${next.what} at ${formatTime(next.at)} (in ${formatDuration(next.at - after)})` : "nothing scheduled"}`);
  return { before, after, next };
}

/** The keeper's idle line: what it is waiting for, or that nothing will come by time alone. */
export function idleLine(next: NextDue | undefined, now: bigint, networkName: string): string {
  if (!next) return "nothing due, and nothing scheduled: waiting for new listings or purchases";
  return (
    `nothing due now; next: ${next.what} at ${formatTime(next.at)} (in ${formatDuration(next.at - now)}, chain time)` +
    ` — to get there now: npx hardhat chain:advance --to deadline --network ${networkName}`
  );
}
