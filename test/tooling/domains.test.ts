/**
 * Issue 15, items 8–10: listing:list (catalog API or chain), chain:advance and the keeper's idle line, and the
 * revenue vault, dissolution, series and membership-configuration tasks. Each task runs as the CLI runs it.
 */
import { createServer } from "node:http";
import type { Server } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import { buy, connection, createListing, DAY, deployFixture, networkHelpers, USDC } from "../fixtures.js";
import type { System } from "../fixtures.js";
import { openContext } from "../../scripts/lib/context.js";
import { idleLine, nextDue, parseDuration } from "../../scripts/lib/clock.js";
import { nameFromUri } from "../../scripts/lib/catalog.js";
import { capture, expectOneLineFailure, runTask } from "./helpers.js";

type Value<T> = { value: T };
const valueOf = <T>(run: { result: unknown }) => (run.result as Value<T>).value;

describe("tooling: issue 15 domains", () => {
  let sys: System;
  let deployment: string;
  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(deployFixture);
    deployment = await sys.marketplace.getAddress();
  });

  describe("chain:advance and the keeper's idle line", () => {
    it("moves the clock to the next Time-Date A, then the listing can settle", async () => {
      const { terms } = await createListing(sys);
      const run = await runTask("chain:advance", { to: "deadline", deployment });
      expect(run.result.success, run.err).to.equal(true);
      expect(run.out).to.match(/✓ chain clock moved (7d|6d 23h 59m) forward: .* UTC → .* UTC \(listing #1 reaches Time-Date A and can be settled\)/);
      expect(run.out).to.include("next due: nothing scheduled");
      expect(BigInt(await networkHelpers.time.latest())).to.equal(BigInt(terms.deadline));
      const settled = await runTask("listing:settle", { listing: "1", deployment });
      expect(settled.result.success, settled.err).to.equal(true);
    });

    it("moves by a duration and refuses what is not one, in one line", async () => {
      const before = await networkHelpers.time.latest();
      const run = await runTask("chain:advance", { to: "1d 12h", deployment });
      expect(run.result.success, run.err).to.equal(true);
      expect(await networkHelpers.time.latest()).to.be.at.least(before + 1.5 * DAY);
      expect(parseDuration("90m")).to.equal(5_400n);
      expectOneLineFailure(await runTask("chain:advance", { to: "soon", deployment }), /^"soon" is not a duration: write it like 30d/);
      expectOneLineFailure(await runTask("chain:advance", { to: "deadline", deployment }), /^nothing becomes due by time alone/);
    });

    it("the keeper says when nothing is due and when the next thing will be", async () => {
      await createListing(sys);
      const { result: ctx } = await capture(() => openContext(connection, { deployment, ignitionDir: hre.config.paths.ignition }));
      const next = await nextDue(ctx);
      expect(next?.what).to.equal("listing #1 reaches Time-Date A and can be settled");
      expect(idleLine(next, await ctx.now(), "localhost")).to.match(
        /^nothing due now; next: listing #1 reaches Time-Date A and can be settled at .* UTC \(in 6d 23h 59m|7d\), chain time\) — to get there now: npx hardhat chain:advance --to deadline --network localhost$/,
      );
      expect(idleLine(undefined, 0n, "localhost")).to.equal("nothing due, and nothing scheduled: waiting for new listings or purchases");
    });
  });

  describe("listing:list", () => {
    let server: Server | undefined;
    afterEach(() => server?.close());

    it("reads the chain when no catalog API answers: filters by state and key words, sorts by odds", async () => {
      await runTask("listing:create", { title: "Porsche 911", price: "1,000", stakePrice: "10", stakes: "200", deployment });
      await runTask("listing:create", { title: "Rolex Daytona", category: "2", price: "1,000", stakePrice: "20", stakes: "60", threshold: "50", deployment });
      await runTask("stake:buy", { listing: "1", stakes: "150", approve: true, deployment });
      const all = await runTask("listing:list", { sort: "odds", limit: "20", api: "http://127.0.0.1:9", deployment });
      expect(all.result.success, all.err).to.equal(true);
      expect(all.out).to.include("2 listings (2 shown, by odds) from the chain (no catalog API at http://127.0.0.1:9)");
      const lines = all.out.split("\n");
      const rolex = lines.findIndex((l) => l.toLowerCase().includes("rolex daytona"));
      const porsche = lines.findIndex((l) => l.toLowerCase().includes("porsche 911"));
      expect(rolex).to.be.above(0);
      expect(rolex, all.out).to.be.below(porsche); // 1 in 50 beats 1 in 150
      expect(lines[porsche]).to.include("150/200");
      expect(lines[porsche]).to.include("1 in 150 (0.67%)");
      expect(lines[porsche]).to.include("Cars");
      expect(lines[rolex]).to.include("Watches");
      const watches = await runTask("listing:list", { category: "watches", sort: "odds", limit: "20", api: "none", deployment });
      expect(watches.out).to.include("1 listing (1 shown, by odds) from the chain (--api none)");
      expect(watches.out).to.include("Rolex Daytona");

      const search = await runTask("listing:list", { q: "ROL", status: "open", sort: "stakePrice", limit: "20", api: "none", deployment });
      expect(search.out).to.include("1 listing (1 shown, by stakePrice) from the chain (--api none)");
      expect(search.out.toLowerCase()).to.not.include("porsche");
      expectOneLineFailure(await runTask("listing:list", { sort: "cheapest", limit: "20", api: "none", deployment }), /^--sort cheapest is not a sort: use one of odds, stakePrice/);
    });

    it("names a listing from inline (data:) metadata or the metadata file name, without fetching", () => {
      const json = JSON.stringify({ name: "Rolex Daytona 116500LN" });
      expect(nameFromUri(`data:application/json;base64,${Buffer.from(json).toString("base64")}`)).to.equal("Rolex Daytona 116500LN");
      expect(nameFromUri(`data:application/json,${encodeURIComponent(json)}`)).to.equal("Rolex Daytona 116500LN");
      expect(nameFromUri("ipfs://copurchase/porsche-911.json")).to.equal("porsche 911");
    });

    it("uses the catalog API when one answers, passing the query through", async () => {
      const queries: string[] = [];
      server = createServer((req, res) => {
        queries.push(req.url ?? "");
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify({
            items: [
              { id: 7, address: "0x0000000000000000000000000000000000000007", name: "Indexed Nautilus", category: "watches", status: "Open", price: "1000000000", stakePrice: "10000000", stakes: "200", threshold: "100", sold: "40", deadline: 4102444800 },
            ],
            nextCursor: null,
            total: 1,
          }),
        );
      });
      await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
      const api = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const run = await runTask("listing:list", { q: "naut", category: "watches", sort: "price", limit: "5", api, deployment });
      expect(run.result.success, run.err).to.equal(true);
      expect(queries).to.deep.equal(["/catalog?sort=price&limit=5&q=naut&category=watches"]);
      expect(run.out).to.include(`1 listing (1 shown, by price) from catalog API at ${api}`);
      expect(run.out).to.match(/#7 +Indexed Nautilus +watches +Open +1,000\.00 USDC +10\.00 USDC +40\/200 +1 in 100 \(1\.00%\)/);
    });
  });

  describe("revenue vault", () => {
    it("sets recipients, collects a settled listing's markup and lets a recipient withdraw it", async () => {
      expectOneLineFailure(await runTask("vault:recipients", { set: "0:70%,6:20%", deployment }), /^the shares sum to 90.00% \(9000 bps\); they must sum to 100%/);
      expectOneLineFailure(await runTask("vault:recipients", { set: "0:50%,6:50%", from: "6", deployment }), /is not the marketplace's admin/);
      const set = await runTask("vault:recipients", { set: "0:70%,6:3000", deployment });
      expect(set.result.success, set.err).to.equal(true);
      expect(set.out).to.include("✓ revenue recipients set: 0xf39F…2266 70.00%, 0x976E…0aa9 30.00%");

      const { listing, terms } = await createListing(sys);
      await buy(sys, listing, sys.alice, 150n); // 1,500 raised for P = 1,000: 500 markup
      await networkHelpers.time.increaseTo(terms.deadline);
      await runTask("listing:settle", { listing: "1", fulfil: true, deployment });
      await runTask("listing:finalize", { listing: "1", deployment });
      const collected = await runTask("vault:collect", { listing: "1", deployment });
      expect(collected.result.success, collected.err).to.equal(true);
      expect(collected.out, collected.out).to.include("✓ collected 500.00 USDC of markup from listing #1: 0x976E…0aa9 +150.00 USDC, 0xf39F…2266 +350.00 USDC");
      expectOneLineFailure(await runTask("vault:collect", { listing: "1", deployment }), /markup was already collected/);

      const status = await runTask("vault:status", { deployment });
      expect(status.out).to.match(/0x976E\S+ +30\.00% +150\.00 USDC/);
      const before = await sys.usdc.balanceOf(sys.dave.address);
      const withdrawn = await runTask("vault:withdraw", { from: "6", to: "5", deployment });
      expect(withdrawn.result.success, withdrawn.err).to.equal(true);
      expect(withdrawn.out).to.include("✓ withdrew 150.00 USDC of revenue owed to 0x976E…0aa9 to 0x9965…A4dc");
      expect((await sys.usdc.balanceOf(sys.dave.address)) - before).to.equal(150n * USDC);
      expectOneLineFailure(await runTask("vault:withdraw", { from: "6", deployment }), /^the revenue vault owes 0x976E…0aa9 nothing \(other recipients have balances/);
    });
  });

  describe("dissolution", () => {
    it("votes, withdraws, shows the count, and dissolves on the last vote", async () => {
      const { listing } = await createListing(sys);
      await buy(sys, listing, sys.alice, 30n);
      await buy(sys, listing, sys.bob, 10n);
      const first = await runTask("dissolve:vote", { listing: "1", token: "0", deployment });
      expect(first.result.success, first.err).to.equal(true);
      expect(first.out).to.include("✓ bid token #1 votes to dissolve listing #1 with 30 stakes: 30 of 40 stakes sold now vote");
      expect(first.out).to.include("10 more stakes must vote for the listing to dissolve (unanimity)");
      const status = await runTask("dissolve:status", { listing: "1", deployment });
      expect(status.out).to.match(/votes +\[.*\] +75\.0% {2}30 of 40 stakes sold \(unanimity needed: 10 more\)/);
      expect(status.out).to.match(/#1 +0x3C44…93BC +30/);

      const withdrawn = await runTask("dissolve:withdraw", { listing: "1", token: "0", deployment });
      expect(withdrawn.out).to.include("✓ bid token #1 withdrew its dissolution vote on listing #1: 0 of 40 stakes sold still vote");
      expectOneLineFailure(await runTask("dissolve:withdraw", { listing: "1", token: "0", deployment }), /bid token #1 has no dissolution vote on listing #1 to withdraw/);

      await runTask("dissolve:vote", { listing: "1", token: "0", deployment });
      const last = await runTask("dissolve:vote", { listing: "1", token: "0", from: "3", deployment });
      expect(last.out).to.include("listing #1 is DISSOLVED");
      expect(await listing.status()).to.equal(4n);
      expectOneLineFailure(await runTask("dissolve:vote", { listing: "1", token: "0", deployment }), /listing #1 is Dissolved: only an Open listing can be dissolved/);
    });
  });

  describe("series", () => {
    it("proposes, approves, accepts, shows and cancels a series", async () => {
      await runTask("seller:verify", { seller: "1", kycRef: "kyc:series", deployment });
      const proposed = await runTask("series:propose", { titles: "Car 1, Car 2, Car 3", deployment });
      expect(proposed.result.success, proposed.err).to.equal(true);
      const { seriesId } = valueOf<{ seriesId: bigint }>(proposed);
      expect(proposed.out).to.match(/✓ series #1 proposed by 0x7099…79C8: 3 listings of applications #\d+, #\d+, #\d+/);

      expectOneLineFailure(await runTask("series:accept", { seriesId: "1", deployment }), /series #1 is Proposed: the operator approves it first/);
      const approved = await runTask("series:approve", {
        seriesId: String(seriesId), price: "1,000", stakePrice: "10", stakes: "200", threshold: "0", days: "7", gapDays: "1", startsIn: "0", category: "2", drawAtSellOut: false, deployment,
      });
      expect(approved.result.success, approved.err).to.equal(true);
      expect(approved.out).to.include("each listing P = 1,000.00 USDC, 200 stakes at 10.00 USDC, T = 100, sale 7d, gap 1d");

      const accepted = await runTask("series:accept", { seriesId: "1", deployment });
      expect(accepted.result.success, accepted.err).to.equal(true);
      expect(accepted.out).to.include("✓ series #1 accepted: 3 deeds deposited with the series module");
      expect(accepted.out).to.match(/first listing open: 0x/);

      const status = await runTask("series:status", { seriesId: "1", deployment });
      expect(status.out).to.include("Series #1 of 0x7099…79C8 — Active: 1 of 3 listings opened");
      expect(status.out).to.match(/1 +#\d+ +listing 0x.{4}….{4} Open/);

      const cancelled = await runTask("series:cancel", { seriesId: "1", reason: "stock sold elsewhere", deployment });
      expect(cancelled.result.success, cancelled.err).to.equal(true);
      expect(cancelled.out).to.include("✓ series #1 cancelled by 0x7099…79C8: 2 deeds returned to the seller");
      expectOneLineFailure(await runTask("series:status", { seriesId: "9", deployment }), /^unknown series #9: series are #1…#1$/);
    });
  });

  describe("membership:configure", () => {
    const write = (config: unknown) => {
      const file = path.join(mkdtempSync(path.join(tmpdir(), "membership-")), "membership.json");
      writeFileSync(file, JSON.stringify(config));
      return file;
    };

    it("validates the file and names the first problem by its path", async () => {
      const bad = write({ conditions: [{ id: 0, kind: "MaxCancellationRateBps", threshold: 20_000 }] });
      expectOneLineFailure(await runTask("membership:configure", { file: bad, dryRun: true, deployment }), /^conditions\[0\]\.threshold is 20000: it must be a whole number in 0 … 10,000$/);
      const skip = write({ tiers: [{ id: 3, requires: [], priority: 1 }] });
      expectOneLineFailure(await runTask("membership:configure", { file: skip, dryRun: true, deployment }), /^tiers\[0\]\.id 3 skips a tier: tiers are added in order, and the next new one is #1$/);
      const unset = write({ tiers: [{ id: 1, requires: [5], priority: 1 }] });
      expectOneLineFailure(await runTask("membership:configure", { file: unset, dryRun: true, deployment }), /names condition #5, which is not set/);
    });

    it("a dry run shows who would change tier and sends nothing; applying sets it and refreshes them", async () => {
      await sys.membership.connect(sys.alice).register();
      await sys.membership.connect(sys.bob).register();
      const config = write({
        conditions: [{ id: 0, kind: "Registered" }],
        tiers: [{ id: 1, requires: [0], priority: 10, policy: { cancelWindow: "1d", refundMode: "Credit", rewardBps: 100 } }],
        reasons: [{ code: 21, enabled: true, party: "Seller" }],
        stakeCancelCutoff: "12h",
      });
      const dry = await runTask("membership:configure", { file: config, dryRun: true, deployment });
      expect(dry.result.success, dry.err).to.equal(true);
      expect(dry.out).to.include("(dry run: nothing is sent)");
      expect(dry.out).to.include("2 member(s) change tier:");
      expect(dry.out).to.match(new RegExp(`${sys.alice.address} +#0 +#1`));
      expect(dry.out).to.match(new RegExp(`${sys.bob.address} +#0 +#1`));
      expect(await sys.membership.tierCount()).to.equal(1n);

      const applied = await runTask("membership:configure", { file: config, dryRun: false, deployment });
      expect(applied.result.success, applied.err).to.equal(true);
      expect(applied.out).to.include("2 member(s) refreshed to their new tier");
      expect((await sys.membership.countersOf(sys.alice.address)).tier).to.equal(1n);
      expect((await sys.membership.tier(1)).policy.cancelWindow).to.equal(86_400n);
      expect(await sys.membership.stakeCancelCutoff()).to.equal(43_200n);
      expect((await sys.membership.reasonRule(21)).enabled).to.equal(true);

      const again = await runTask("membership:configure", { file: config, dryRun: true, deployment });
      expect(again.out).to.include("no member changes tier");
    });
  });
});
