import { expect } from "chai";
import hre from "hardhat";
import { buy, connection, createListing, createSeries, deployFixture, networkHelpers } from "../fixtures.js";
import type { System } from "../fixtures.js";
import { openContext } from "../../scripts/lib/context.js";
import { keeperStep, pendingDraws } from "../../scripts/lib/keeper.js";
import { capture } from "./helpers.js";

describe("tooling: keeper step", () => {
  let sys: System;
  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(deployFixture);
  });

  it("settles, answers VRF with the mock, finalizes and retires, then has nothing to do", async () => {
    const drawn = await createListing(sys);
    const failing = await createListing(sys);
    await buy(sys, drawn.listing, sys.alice, 70n);
    await buy(sys, drawn.listing, sys.bob, 50n);
    await buy(sys, failing.listing, sys.carol, 10n);
    await networkHelpers.time.increaseTo(failing.terms.deadline);

    const { result: ctx } = await capture(() =>
      openContext(connection, { deployment: String(sys.marketplace.target), ignitionDir: hre.config.paths.ignition }),
    );
    const pending = await pendingDraws(ctx);
    const log: string[] = [];
    for (let i = 0; i < 12; i++) {
      const { result: done } = await capture(() => keeperStep(ctx, sys.admin, pending));
      if (done.length === 0) break;
      log.push(...done);
    }
    const text = log.join("\n");
    expect(text).to.match(/performUpkeep: Settle 0x.{4}….{4} → Drawing, 120 stakes sold, VRF request \d+/);
    expect(text).to.match(/VRF mock answered request \d+ for 0x.{4}….{4}: word 0x/);
    expect(text).to.match(/performUpkeep: Finalize .* → Settled, WINNER 0x.{4}….{4} \(stake #\d+, bid token #[12]\)/);
    expect(text).to.match(/Settle .* → Failed \(threshold not met, 10 sold\): refunds open/);
    expect(text).to.match(/Retire .* markup 200.00 USDC collected into the revenue vault/);
    expect(await drawn.listing.status()).to.equal(2n);
    expect(await failing.listing.status()).to.equal(3n);
    expect(await sys.marketplace.activeListingCount()).to.equal(0n);
  });

  it("opens a series' next listing once the previous one ended and was retired", async () => {
    const { seriesId } = await createSeries(sys, 2, { gap: 0n });
    const first = (await sys.series.seriesOf(seriesId)).current;
    const { result: ctx } = await capture(() =>
      openContext(connection, { deployment: String(sys.marketplace.target), ignitionDir: hre.config.paths.ignition }),
    );
    const listing = await ctx.listing(first);
    await networkHelpers.time.increaseTo((await listing.charter())[1].deadline);
    const pending = await pendingDraws(ctx);
    const log: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { result: done } = await capture(() => keeperStep(ctx, sys.admin, pending));
      if (done.length === 0) break;
      log.push(...done);
    }
    expect(log.join("\n")).to.match(/performUpkeep: OpenSeries #1 → listing #2 0x.{4}….{4} open/);
    expect((await sys.series.seriesOf(seriesId)).opened).to.equal(2n);
  });
});
