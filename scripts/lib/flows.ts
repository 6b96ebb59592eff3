/**
 * The three agreement flows of SPEC §3 as functions over the shared operations, so that each flow script is a few
 * lines and a later flow can run the earlier ones first on the in-process network (whose chain starts empty).
 * Flows are configured by environment variables because `hardhat run` passes no script arguments.
 */
import hre from "hardhat";
import { openContext } from "./context.js";
import type { Context } from "./context.js";
import { explain } from "./errors.js";
import { banner, formatCount, formatDuration, formatOdds, formatTime, shortAddress, stakeRange, table } from "./format.js";
import { buyStakes, faucet } from "./stakes.js";
import { createListing, finalizeListing, fulfilDraw, readListing, settleListing, verifySeller } from "./listing.js";

const env = (name: string, fallback: string) => process.env[name]?.trim() || fallback;

/** Opens the deployment of the network `hardhat run --network …` selected (COPURCHASE_DEPLOYMENT overrides). */
export async function flowContext(): Promise<Context> {
  const connection = await hre.network.getOrCreate();
  return openContext(connection, {
    deployment: process.env.COPURCHASE_DEPLOYMENT,
    ignitionDir: hre.config.paths.ignition,
    log: (line) => console.log(line),
  });
}

/** Runs a flow and turns a failure into one line and exit code 1. */
export async function runFlow(body: () => Promise<unknown>) {
  try {
    await body();
  } catch (error) {
    console.error(`\n✗ ${explain(error)}`);
    process.exitCode = 1;
  }
}

/** The listing named by LISTING, else the newest one; undefined when there is none. */
async function targetListing(ctx: Context): Promise<string | undefined> {
  if (process.env.LISTING) return process.env.LISTING;
  const count = await ctx.sys.marketplace.listingCount();
  return count > 0n ? String(count) : undefined;
}

/** Agreement I: verify the seller, submit, approve, accept. Env: SELLER, TITLE, PRICE, STAKE_PRICE, STAKES, THRESHOLD, DAYS. */
export async function flowList(ctx: Context) {
  banner(`Agreement I — platform ↔ seller (${ctx.networkName})`);
  const seller = ctx.signer(env("SELLER", "1"));
  await verifySeller(ctx, { seller: seller.address, kycRef: env("KYC_REF", `kyc:${seller.address}`) });
  const created = await createListing(ctx, {
    seller: seller.address,
    title: env("TITLE", "Patek Philippe Nautilus 5711/1A"),
    price: env("PRICE", "1,000 USDC"),
    stakePrice: env("STAKE_PRICE", "10 USDC"),
    stakes: BigInt(env("STAKES", "200")),
    threshold: BigInt(env("THRESHOLD", "100")),
    days: Number(env("DAYS", "7")),
    category: Number(env("CATEGORY", "1")),
    drawAtSellOut: false,
  });
  if (!ctx.inProcess) console.log(`\nNext: LISTING=${created.address} npx hardhat run scripts/flows/2-buy.ts --network ${ctx.networkName}`);
  return created.address;
}

/** Agreement II: buyers buy stakes. Env: LISTING (default newest), BUYS="2:60,3:40,4:25" (account:stakes). */
export async function flowBuy(ctx: Context) {
  let listing = await targetListing(ctx);
  if (!listing && ctx.inProcess) {
    console.log("(no listing on the in-process chain yet: running agreement I first)");
    listing = await flowList(ctx);
  }
  if (!listing) throw new Error("no listing to buy into: run scripts/flows/1-list.ts first, or set LISTING");
  const resolved = await ctx.listing(listing);
  const f = await readListing(ctx, resolved);
  banner(`Agreement II — buyers ↔ listing #${f.listingId} DAO (${ctx.networkName})`);
  const rows: string[][] = [];
  for (const part of env("BUYS", "2:60,3:40,4:25").split(",")) {
    const [who, stakes] = part.split(":").map((x) => x.trim());
    const buyer = ctx.signer(who);
    const cost = BigInt(stakes) * f.terms.stakePrice;
    // Local test money: top the buyer up from the MockUSDC faucet when short.
    if (ctx.local && (await ctx.sys.token.balanceOf(buyer.address)) < cost) await faucet(ctx, { account: buyer.address, amount: ctx.money.format(cost) });
    const b = await buyStakes(ctx, { listing: f.address, stakes: BigInt(stakes), from: buyer.address, permit: true });
    rows.push([shortAddress(buyer.address), `#${b.tokenId}`, stakeRange(b.firstStake, b.count), ctx.money.format(b.cost)]);
  }
  const [held] = await resolved.sales();
  console.log();
  table(
    ["Buyer", "Bid token", "Stakes", ">Paid", ">Odds now"],
    await Promise.all(rows.map(async (r) => {
      const [stakes] = await resolved.oddsOf(BigInt(r[1].slice(1)));
      return [...r, formatOdds(stakes, held)];
    })),
  );
  console.log(`\n${formatCount(held)} of ${formatCount(f.terms.stakeCount)} stakes sold; threshold T = ${formatCount(f.terms.threshold)} ${held >= f.terms.threshold ? "met" : "not met yet"}.`);
  if (!ctx.inProcess) console.log(`Next: LISTING=${f.address} npx hardhat run scripts/flows/3-draw.ts --network ${ctx.networkName}`);
  return f.address;
}

/** Agreement III: settle at Time-Date A, the VRF word (the mock on local networks), finalize. Env: LISTING. */
export async function flowDraw(ctx: Context) {
  let listing = await targetListing(ctx);
  if (!listing && ctx.inProcess) {
    console.log("(no listing on the in-process chain yet: running agreements I and II first)");
    await flowList(ctx);
    listing = await flowBuy(ctx);
  }
  if (!listing) throw new Error("no listing to settle: run the flows 1 and 2 first, or set LISTING");
  const resolved = await ctx.listing(listing);
  let f = await readListing(ctx, resolved);
  banner(`Agreement III — listing #${f.listingId} DAO ↔ platform (${ctx.networkName})`);

  if (f.status === "Open") {
    if (f.now < f.terms.deadline) {
      if (!ctx.local) throw new Error(`settlement is due at Time-Date A, ${formatTime(f.terms.deadline)} (in ${formatDuration(f.terms.deadline - f.now)})`);
      await ctx.connection.networkHelpers.time.increaseTo(f.terms.deadline);
      console.log(`(local network: moved the chain clock ${formatDuration(f.terms.deadline - f.now)} forward to Time-Date A, ${formatTime(f.terms.deadline)})`);
    }
    const settled = await settleListing(ctx, { listing: f.address });
    if (settled.failed) return { listing: f.address, winner: undefined };
  }
  f = await readListing(ctx, resolved);
  if (f.status === "Drawing") {
    const [status] = await ctx.sys.marketplace.randomWord(f.address);
    if (status === 1n) {
      if (!ctx.local) throw new Error("the VRF word has not arrived yet: run this flow again once Chainlink VRF answered");
      await fulfilDraw(ctx, { listing: f.address });
    }
    const won = await finalizeListing(ctx, { listing: f.address });
    if (!ctx.inProcess) console.log(`\nAn auditor can re-check this draw: npm run verify-draw -- --rpc <url> --listing ${f.address}`);
    return { listing: f.address, winner: won.winner };
  }
  console.log(`listing #${f.listingId} is ${f.status}: nothing to draw`);
  return { listing: f.address, winner: undefined };
}
