/**
 * Recurring listings: a seller's series of identical assets under one operator-approved template, opened one after
 * another (README "Recurring listings"). propose → approve → accept (deeds deposited) → listings open → complete.
 */
import { id as hashText, keccak256, toUtf8Bytes } from "ethers";
import { UserError } from "../../core/errors.js";
import { APPLICATION_STATUS, LISTING_STATUS, SERIES_STATUS } from "../../core/enums.js";
import { formatCount, formatDuration, formatTime, plural, shortAddress, shortHex } from "../../core/format.js";
import { ListingSeries__factory } from "../../typechain-types/index.js";
import type { IListingSeries } from "../../typechain-types/index.js";
import type { Context } from "./context.js";
import { eventIn, eventsIn, send } from "./tx.js";
import { table } from "./format.js";
import { parseWhole } from "./args.js";

const say = (line = "") => console.log(line);
const DAY = 86_400;

async function seriesModule(ctx: Context) {
  const address = await ctx.sys.marketplace.seriesModule();
  if (address === "0x0000000000000000000000000000000000000000") throw new UserError("this marketplace has no series module wired (setSeriesModule)");
  return ListingSeries__factory.connect(address, ctx.provider);
}

async function seriesState(ctx: Context, seriesId: bigint) {
  const series = await seriesModule(ctx);
  const count = await series.seriesCount();
  if (seriesId < 1n || seriesId > count) {
    throw new UserError(count === 0n ? `unknown series #${seriesId}: there are no series yet (series:propose)` : `unknown series #${seriesId}: series are #1…#${count}`);
  }
  const s = await series.seriesOf(seriesId);
  return { series, s, status: SERIES_STATUS[Number(s.status)] };
}

/** The seller proposes a series: of applications it already submitted, or of assets it submits now by title. */
export async function proposeSeries(ctx: Context, args: { titles?: string; applications?: string; from?: string }) {
  const seller = ctx.signer(args.from, 1);
  const { marketplace } = ctx.sys;
  if (!(await marketplace.isVerifiedSeller(seller.address))) throw new UserError(`${shortAddress(seller.address)} is not a verified seller: run seller:verify ${seller.address} first`);
  let ids: bigint[];
  if (args.applications && args.titles) throw new UserError("give --titles or --applications, not both");
  if (args.applications) {
    ids = args.applications.split(/[\s,]+/).filter((x) => x !== "").map((x) => parseWhole(x.replace(/^#/, ""), "application id", 1n));
  } else if (args.titles) {
    ids = [];
    for (const title of args.titles.split(",").map((t) => t.trim()).filter((t) => t !== "")) {
      const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "asset";
      const uri = `ipfs://copurchase/${slug}.json`;
      const receipt = await send(marketplace.connect(seller).submitAsset(uri, keccak256(toUtf8Bytes(`${title}\n${uri}`))));
      const e = eventIn(receipt, marketplace, "AssetSubmitted");
      ids.push(e.args.applicationId as bigint);
      say(`  submitted "${title}" → application #${e.args.applicationId}, deed #${e.args.deedId}`);
    }
  } else {
    throw new UserError('name the assets: --titles "Car 1,Car 2,Car 3" (submitted now) or --applications 4,5,6');
  }
  if (ids.length === 0) throw new UserError("a series needs at least one asset");
  const series = await seriesModule(ctx);
  const receipt = await send(series.connect(seller).proposeSeries(ids));
  const seriesId: bigint = eventIn(receipt, series, "SeriesProposed").args.seriesId;
  say(`✓ series #${seriesId} proposed by ${shortAddress(seller.address)}: ${plural(ids.length, "listing")} of applications ${ids.map((i) => `#${i}`).join(", ")}; the operator approves a template next (series:approve ${seriesId})`);
  return { seriesId, applications: ids };
}

export interface TemplateArgs {
  price?: string;
  stakePrice?: string;
  stakes: bigint;
  threshold: bigint;
  days: number;
  gapDays: number;
  startsIn: number;
  category: number;
  drawAtSellOut: boolean;
}

/** The operator approves a template for a proposed series (it may re-approve until the seller accepts). */
export async function approveSeries(ctx: Context, args: TemplateArgs & { seriesId: bigint; from?: string }) {
  const operator = ctx.signer(args.from, 0);
  const { series, status } = await seriesState(ctx, args.seriesId);
  if (status !== "Proposed" && status !== "Approved") throw new UserError(`series #${args.seriesId} is ${status}: only a proposed series is approved`);
  if (!args.price || !args.stakePrice) throw new UserError('give the template\'s price and stake price: --price "1,000 USDC" --stake-price 10');
  const m = ctx.money;
  const price = m.parse(args.price);
  const stakePrice = m.parse(args.stakePrice);
  if (args.stakes <= 0n) throw new UserError("give the number of stakes N per listing: --stakes 200");
  const threshold = args.threshold > 0n ? args.threshold : (price + stakePrice - 1n) / stakePrice;
  const now = await ctx.now();
  const template: IListingSeries.TemplateStruct = {
    price,
    stakePrice,
    stakeCount: args.stakes,
    threshold,
    duration: BigInt(Math.round(args.days * DAY)),
    gap: BigInt(Math.round(args.gapDays * DAY)),
    startsAt: args.startsIn > 0 ? now + BigInt(args.startsIn) : 0n,
    category: BigInt(args.category),
    drawAtSellOut: args.drawAtSellOut,
  };
  const receipt = await send(series.connect(operator).approveSeries(args.seriesId, template));
  const termsHash: string = eventIn(receipt, series, "SeriesApproved").args.termsHash;
  say(`✓ series #${args.seriesId} approved by ${shortAddress(operator.address)} (terms hash ${shortHex(termsHash)}):`);
  say(`   each listing P = ${m.format(price)}, ${formatCount(args.stakes)} stakes at ${m.format(stakePrice)}, T = ${formatCount(threshold)}, sale ${formatDuration(template.duration as bigint)}, gap ${formatDuration(template.gap as bigint)}`);
  say(`   the seller accepts next (series:accept ${args.seriesId}), depositing every deed`);
  return { termsHash, template };
}

/** The seller accepts the approved template: every deed is deposited, and the first listing opens if its time came. */
export async function acceptSeries(ctx: Context, args: { seriesId: bigint; from?: string }) {
  const { series, s, status } = await seriesState(ctx, args.seriesId);
  const seller = args.from ? ctx.signer(args.from) : ctx.signers.find((x) => x.address.toLowerCase() === s.seller.toLowerCase());
  if (!seller || seller.address.toLowerCase() !== s.seller.toLowerCase()) throw new UserError(`only the seller ${shortAddress(s.seller)} accepts series #${args.seriesId}: use --from with its account`);
  if (status !== "Approved") throw new UserError(`series #${args.seriesId} is ${status}: the operator approves it first (series:approve ${args.seriesId})`);
  // A plain copy: ethers' decoded Result is read-only, and encoding the call writes to its argument.
  const t = await series.templateOf(args.seriesId);
  const template: IListingSeries.TemplateStruct = {
    price: t.price,
    stakePrice: t.stakePrice,
    stakeCount: t.stakeCount,
    threshold: t.threshold,
    duration: t.duration,
    gap: t.gap,
    startsAt: t.startsAt,
    category: t.category,
    drawAtSellOut: t.drawAtSellOut,
  };
  const deed = ctx.sys.deed.connect(seller);
  if (!(await deed.isApprovedForAll(seller.address, series.target))) {
    await send(deed.setApprovalForAll(series.target, true));
    say(`  approved the series module to take ${shortAddress(seller.address)}'s deeds`);
  }
  const receipt = await send(series.connect(seller).acceptSeries(args.seriesId, template));
  const opened = eventsIn(receipt, series, "SeriesListingOpened")[0];
  say(`✓ series #${args.seriesId} accepted: ${plural(s.count, "deed")} deposited with the series module`);
  say(opened ? `  first listing open: ${opened.args.listing}` : `  the first listing opens at ${formatTime(t.startsAt)} (the keeper opens it)`);
  return { firstListing: opened ? (opened.args.listing as string) : undefined };
}

/** A series: its state, template, schedule and the listings it opened. */
export async function seriesStatus(ctx: Context, args: { seriesId: bigint }) {
  const { series, s, status } = await seriesState(ctx, args.seriesId);
  const m = ctx.money;
  say(`Series #${args.seriesId} of ${shortAddress(s.seller)} — ${status}: ${formatCount(s.opened)} of ${plural(s.count, "listing")} opened`);
  if (status !== "Proposed") {
    const t = await series.templateOf(args.seriesId);
    say(`   template    P = ${m.format(t.price)}, ${formatCount(t.stakeCount)} stakes at ${m.format(t.stakePrice)}, T = ${formatCount(t.threshold)}, sale ${formatDuration(t.duration)}, gap ${formatDuration(t.gap)}`);
  }
  if (status === "Active") {
    const due = await series.isDue(args.seriesId);
    const now = await ctx.now();
    say(`   next        ${due ? "due now (the keeper or anyone opens it)" : s.nextOpensAt > now ? `may open at ${formatTime(s.nextOpensAt)} (in ${formatDuration(s.nextOpensAt - now)}) once the current listing ended` : "waits for the current listing to end"}`);
  }
  const rows: string[][] = [];
  const apps = await series.applicationsOf(args.seriesId);
  const opened = await series.queryFilter(series.filters.SeriesListingOpened(args.seriesId));
  for (const [i, app] of apps.entries()) {
    const o = opened.find((e) => e.args.applicationId === app);
    let state: string = APPLICATION_STATUS[Number((await ctx.sys.marketplace.application(app)).status)];
    if (o) state = `listing ${shortAddress(o.args.listing)} ${LISTING_STATUS[Number(await (await ctx.listing(o.args.listing)).status())]}`;
    rows.push([`${i + 1}`, `#${app}`, state]);
  }
  table([">#", "Application", "State"], rows);
  return { status, opened: s.opened, count: s.count };
}

/** The seller or an operator cancels a series: nothing more opens, undeposited deeds go back to the seller. */
export async function cancelSeries(ctx: Context, args: { seriesId: bigint; reason: string; from?: string }) {
  const { series, s, status } = await seriesState(ctx, args.seriesId);
  if (status === "Completed" || status === "Cancelled") throw new UserError(`series #${args.seriesId} is already ${status}`);
  const caller = args.from ? ctx.signer(args.from) : (ctx.signers.find((x) => x.address.toLowerCase() === s.seller.toLowerCase()) ?? ctx.signer(undefined, 0));
  const reason = /^0x[0-9a-fA-F]{64}$/.test(args.reason) ? args.reason : hashText(args.reason || "cancelled");
  const receipt = await send(series.connect(caller).cancelSeries(args.seriesId, reason));
  const e = eventIn(receipt, series, "SeriesCancelled");
  say(`✓ series #${args.seriesId} cancelled by ${shortAddress(caller.address)}: ${plural(e.args.deedsReturned, "deed")} returned to the seller; a listing already open runs to its end`);
  return { deedsReturned: e.args.deedsReturned as bigint };
}
