import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { createSeries, DAY, deployFixture, ethers, networkHelpers, seriesTemplate, submitAssets } from "../fixtures.js";
import type { System } from "../fixtures.js";
import { currentListing, failAtDeadline } from "../helpers.js";

/** One test per external function's happy path and per custom error, with its arguments (issue 16 item 7). */

const SeriesStatus = { None: 0n, Proposed: 1n, Approved: 2n, Active: 3n, Completed: 4n, Cancelled: 5n };
const ListingStatus = { Open: 0n, Failed: 3n };
const AppStatus = { Rejected: 3n };
const MAX_GAP = 366n * BigInt(DAY);

/** Nobody buys, Time-Date A passes, anyone settles: the listing fails and the series may move on. */
const failCurrent = async (sys: System, seriesId: bigint) => failAtDeadline(await currentListing(sys, seriesId));

describe("ListingSeries (unit)", () => {
  let sys: System;
  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(deployFixture);
  });

  it("constants and wiring", async () => {
    expect(await sys.series.marketplace()).to.equal(await sys.marketplace.getAddress());
    expect(await sys.series.OPERATOR_ROLE()).to.equal(await sys.marketplace.OPERATOR_ROLE());
    expect(await sys.series.MAX_SERIES_LENGTH()).to.equal(100n);
    expect(await sys.series.MAX_GAP()).to.equal(MAX_GAP);
    expect(await sys.series.UPKEEP_SCAN_LIMIT()).to.equal(20n);
    expect(await sys.series.seriesCount()).to.equal(0n);
    expect(await sys.series.dueSeries()).to.equal(0n);
  });

  describe("#proposeSeries", () => {
    it("records the seller's applications in order as a proposed series", async () => {
      const { applicationIds } = await submitAssets(sys, 2);
      await expect(sys.series.connect(sys.seller).proposeSeries(applicationIds))
        .to.emit(sys.series, "SeriesProposed")
        .withArgs(1n, sys.seller.address, applicationIds);
      expect(await sys.series.seriesCount()).to.equal(1n);
      expect(await sys.series.applicationsOf(1n)).to.deep.equal(applicationIds);
      const s = await sys.series.seriesOf(1n);
      expect([s.seller, s.status, s.count, s.opened, s.current]).to.deep.equal([
        sys.seller.address,
        SeriesStatus.Proposed,
        2n,
        0n,
        ethers.ZeroAddress,
      ]);
    });

    it("an unverified caller: the Marketplace's NotVerifiedSeller(account)", async () => {
      await expect(sys.series.connect(sys.stranger).proposeSeries([1n]))
        .to.be.revertedWithCustomError(sys.marketplace, "NotVerifiedSeller")
        .withArgs(sys.stranger.address);
    });

    it("EmptySeries, SeriesTooLong(count, max), ApplicationsNotAscending(index)", async () => {
      await expect(sys.series.connect(sys.seller).proposeSeries([])).to.be.revertedWithCustomError(
        sys.series,
        "EmptySeries",
      );
      const tooMany = Array.from({ length: 101 }, (_, i) => BigInt(i + 1));
      await expect(sys.series.connect(sys.seller).proposeSeries(tooMany))
        .to.be.revertedWithCustomError(sys.series, "SeriesTooLong")
        .withArgs(101n, 100n);
      const { applicationIds } = await submitAssets(sys, 2);
      await expect(sys.series.connect(sys.seller).proposeSeries([applicationIds[1], applicationIds[0]]))
        .to.be.revertedWithCustomError(sys.series, "ApplicationsNotAscending")
        .withArgs(1n);
    });

    it("ApplicationOfAnotherSeller(applicationId, seller), ApplicationNotOpen(applicationId, status)", async () => {
      await sys.marketplace.verifySeller(sys.stranger.address, ethers.id("kyc:stranger"));
      await sys.marketplace.connect(sys.stranger).submitAsset("ipfs://other", ethers.id("other"));
      const othersId = await sys.marketplace.connect(sys.stranger).submitAsset.staticCall("ipfs://x", ethers.id("x"));
      await sys.marketplace.connect(sys.stranger).submitAsset("ipfs://x", ethers.id("x"));
      await expect(sys.series.connect(sys.seller).proposeSeries([othersId.applicationId]))
        .to.be.revertedWithCustomError(sys.series, "ApplicationOfAnotherSeller")
        .withArgs(othersId.applicationId, sys.stranger.address);
      const { applicationIds } = await submitAssets(sys, 1);
      await sys.marketplace.rejectApplication(applicationIds[0], ethers.id("no"));
      await expect(sys.series.connect(sys.seller).proposeSeries(applicationIds))
        .to.be.revertedWithCustomError(sys.series, "ApplicationNotOpen")
        .withArgs(applicationIds[0], AppStatus.Rejected);
    });
  });

  describe("#approveSeries", () => {
    it("stores the template and its hash; the series is approved", async () => {
      const { applicationIds } = await submitAssets(sys, 2);
      await sys.series.connect(sys.seller).proposeSeries(applicationIds);
      const t = seriesTemplate();
      const termsHash = await sys.series.approveSeries.staticCall(1n, t);
      await expect(sys.series.approveSeries(1n, t))
        .to.emit(sys.series, "SeriesApproved")
        .withArgs(1n, termsHash, anyValue);
      const s = await sys.series.seriesOf(1n);
      expect([s.status, s.termsHash]).to.deep.equal([SeriesStatus.Approved, termsHash]);
      expect((await sys.series.templateOf(1n)).gap).to.equal(t.gap);
    });

    it("NotOperator(caller), WrongSeriesStatus(seriesId, status)", async () => {
      await expect(sys.series.connect(sys.stranger).approveSeries(1n, seriesTemplate()))
        .to.be.revertedWithCustomError(sys.series, "NotOperator")
        .withArgs(sys.stranger.address);
      await expect(sys.series.approveSeries(9n, seriesTemplate()))
        .to.be.revertedWithCustomError(sys.series, "WrongSeriesStatus")
        .withArgs(9n, SeriesStatus.None);
    });

    it("GapTooLong(gap, max), StartTooLate(startsAt, latest), the Marketplace's SaleTooLong(duration)", async () => {
      const { applicationIds } = await submitAssets(sys, 1);
      await sys.series.connect(sys.seller).proposeSeries(applicationIds);
      await expect(sys.series.approveSeries(1n, seriesTemplate({ gap: MAX_GAP + 1n })))
        .to.be.revertedWithCustomError(sys.series, "GapTooLong")
        .withArgs(MAX_GAP + 1n, MAX_GAP);
      await expect(sys.series.approveSeries(1n, seriesTemplate({ duration: MAX_GAP + 1n })))
        .to.be.revertedWithCustomError(sys.marketplace, "SaleTooLong")
        .withArgs(MAX_GAP + 1n);
      const at = BigInt(await networkHelpers.time.latest()) + 100n;
      await networkHelpers.time.setNextBlockTimestamp(at);
      await expect(sys.series.approveSeries(1n, seriesTemplate({ startsAt: at + MAX_GAP + 1n })))
        .to.be.revertedWithCustomError(sys.series, "StartTooLate")
        .withArgs(at + MAX_GAP + 1n, at + MAX_GAP);
    });
  });

  describe("#acceptSeries", () => {
    it("takes every deed into custody and opens the first listing at once", async () => {
      const { seriesId, template: t, deedIds, applicationIds } = await createSeries(sys, 3, {}, false);
      const tx = sys.series.connect(sys.seller).acceptSeries(seriesId, t);
      await expect(tx).to.emit(sys.series, "SeriesAccepted").withArgs(seriesId, sys.seller.address, 3n, 0n);
      const first = await currentListing(sys, seriesId);
      await expect(tx)
        .to.emit(sys.series, "SeriesListingOpened")
        .withArgs(seriesId, 0n, await first.getAddress(), applicationIds[0], anyValue);
      expect(await sys.deed.ownerOf(deedIds[0])).to.equal(await first.getAddress());
      for (const id of deedIds.slice(1)) expect(await sys.deed.ownerOf(id)).to.equal(await sys.series.getAddress());
      expect((await sys.series.seriesOf(seriesId)).status).to.equal(SeriesStatus.Active);
      expect(await sys.series.activeSeriesCount()).to.equal(1n);
    });

    it("NotSeriesSeller(seriesId, caller), WrongSeriesStatus, TemplateMismatch(approved, accepted)", async () => {
      const { seriesId, template: t } = await createSeries(sys, 2, {}, false);
      await expect(sys.series.connect(sys.stranger).acceptSeries(seriesId, t))
        .to.be.revertedWithCustomError(sys.series, "NotSeriesSeller")
        .withArgs(seriesId, sys.stranger.address);
      const other = seriesTemplate({ category: 9n });
      const approved = (await sys.series.seriesOf(seriesId)).termsHash;
      const accepted = ethers.keccak256(
        ethers.AbiCoder.defaultAbiCoder().encode(
          ["tuple(uint96,uint96,uint64,uint64,uint40,uint40,uint40,uint32,bool)"],
          [
            [
              other.price,
              other.stakePrice,
              other.stakeCount,
              other.threshold,
              other.duration,
              other.gap,
              other.startsAt,
              other.category,
              other.drawAtSellOut,
            ],
          ],
        ),
      );
      await expect(sys.series.connect(sys.seller).acceptSeries(seriesId, other))
        .to.be.revertedWithCustomError(sys.series, "TemplateMismatch")
        .withArgs(approved, accepted);
      await sys.series.connect(sys.seller).acceptSeries(seriesId, t);
      await expect(sys.series.connect(sys.seller).acceptSeries(seriesId, t))
        .to.be.revertedWithCustomError(sys.series, "WrongSeriesStatus")
        .withArgs(seriesId, SeriesStatus.Active);
    });

    it("while the Marketplace is paused: MarketplacePaused", async () => {
      const { seriesId, template: t } = await createSeries(sys, 2, {}, false);
      await sys.marketplace.pause();
      await expect(sys.series.connect(sys.seller).acceptSeries(seriesId, t)).to.be.revertedWithCustomError(
        sys.series,
        "MarketplacePaused",
      );
    });
  });

  describe("#openNextInSeries, #dueSeries, #isDue", () => {
    it("opens the next listing once the previous ended and the gap passed; the scan finds it", async () => {
      const { seriesId, applicationIds, template: t } = await createSeries(sys, 2);
      const first = await currentListing(sys, seriesId);
      await expect(sys.series.openNextInSeries(seriesId))
        .to.be.revertedWithCustomError(sys.series, "PreviousListingRunning")
        .withArgs(seriesId, await first.getAddress(), ListingStatus.Open);
      const deadline = await failCurrent(sys, seriesId);
      await expect(sys.series.openNextInSeries(seriesId))
        .to.be.revertedWithCustomError(sys.series, "ScheduleNotReached")
        .withArgs(seriesId, deadline + BigInt(t.gap));
      expect(await sys.series.isDue(seriesId)).to.equal(false);
      expect(await sys.series.dueSeries()).to.equal(0n);
      await networkHelpers.time.increaseTo(deadline + BigInt(t.gap));
      expect(await sys.series.isDue(seriesId)).to.equal(true);
      expect(await sys.series.dueSeries()).to.equal(seriesId);
      const tx = sys.series.connect(sys.stranger).openNextInSeries(seriesId);
      await expect(tx)
        .to.emit(sys.series, "SeriesListingOpened")
        .withArgs(seriesId, 1n, anyValue, applicationIds[1], anyValue);
      await expect(tx).to.emit(sys.series, "SeriesCompleted").withArgs(seriesId);
      expect((await sys.series.seriesOf(seriesId)).status).to.equal(SeriesStatus.Completed);
      expect(await sys.series.activeSeriesCount()).to.equal(0n);
      await failCurrent(sys, seriesId);
      await expect(sys.series.openNextInSeries(seriesId))
        .to.be.revertedWithCustomError(sys.series, "SeriesExhausted")
        .withArgs(seriesId, 2n);
    });

    it("SellerRevoked(seriesId, seller), MarketplacePaused, WrongSeriesStatus for a series not active", async () => {
      const { seriesId, template: t } = await createSeries(sys, 2);
      const deadline = await failCurrent(sys, seriesId);
      await networkHelpers.time.increaseTo(deadline + BigInt(t.gap));
      await sys.marketplace.revokeSeller(sys.seller.address, ethers.id("fraud"));
      expect(await sys.series.isDue(seriesId)).to.equal(false);
      await expect(sys.series.openNextInSeries(seriesId))
        .to.be.revertedWithCustomError(sys.series, "SellerRevoked")
        .withArgs(seriesId, sys.seller.address);
      await sys.marketplace.verifySeller(sys.seller.address, ethers.id("kyc:seller"));
      await sys.marketplace.pause();
      expect(await sys.series.dueSeries()).to.equal(0n);
      await expect(sys.series.openNextInSeries(seriesId)).to.be.revertedWithCustomError(
        sys.series,
        "MarketplacePaused",
      );
      await expect(sys.series.openNextInSeries(99n))
        .to.be.revertedWithCustomError(sys.series, "WrongSeriesStatus")
        .withArgs(99n, SeriesStatus.None);
    });
  });

  describe("#cancelSeries", () => {
    it("by the seller: returns the deeds not yet listed; the running listing runs on", async () => {
      const { seriesId, deedIds } = await createSeries(sys, 3);
      const first = await currentListing(sys, seriesId);
      await expect(sys.series.connect(sys.seller).cancelSeries(seriesId, ethers.id("sold elsewhere")))
        .to.emit(sys.series, "SeriesCancelled")
        .withArgs(seriesId, sys.seller.address, 2n, ethers.id("sold elsewhere"));
      for (const id of deedIds.slice(1)) expect(await sys.deed.ownerOf(id)).to.equal(sys.seller.address);
      expect(await sys.deed.ownerOf(deedIds[0])).to.equal(await first.getAddress());
      expect(await first.status()).to.equal(ListingStatus.Open);
      expect((await sys.series.seriesOf(seriesId)).status).to.equal(SeriesStatus.Cancelled);
      expect(await sys.series.activeSeriesCount()).to.equal(0n);
    });

    it("by the operator, a proposal: nothing to return; anyone else: NotSeriesSeller; twice: WrongSeriesStatus", async () => {
      const { seriesId } = await createSeries(sys, 2, {}, false);
      await expect(sys.series.connect(sys.stranger).cancelSeries(seriesId, ethers.id("x")))
        .to.be.revertedWithCustomError(sys.series, "NotSeriesSeller")
        .withArgs(seriesId, sys.stranger.address);
      await expect(sys.series.cancelSeries(seriesId, ethers.id("policy")))
        .to.emit(sys.series, "SeriesCancelled")
        .withArgs(seriesId, sys.admin.address, 0n, ethers.id("policy"));
      await expect(sys.series.cancelSeries(seriesId, ethers.id("again")))
        .to.be.revertedWithCustomError(sys.series, "WrongSeriesStatus")
        .withArgs(seriesId, SeriesStatus.Cancelled);
    });

    it("the active set stays consistent when a series in the middle leaves it", async () => {
      const a = await createSeries(sys, 2);
      const b = await createSeries(sys, 2);
      const c = await createSeries(sys, 2);
      expect(await sys.series.activeSeriesCount()).to.equal(3n);
      await sys.series.connect(sys.seller).cancelSeries(a.seriesId, ethers.id("x"));
      expect(await sys.series.activeSeriesCount()).to.equal(2n);
      // The two left are still scanned: once their listings ended and the gap passed, both are due.
      for (const id of [b.seriesId, c.seriesId]) await failCurrent(sys, id);
      await networkHelpers.time.increase(Number(b.template.gap));
      const due = await sys.series.dueSeries();
      expect([b.seriesId, c.seriesId]).to.include(due);
      await sys.series.openNextInSeries(due);
      const other = due === b.seriesId ? c.seriesId : b.seriesId;
      expect(await sys.series.dueSeries()).to.equal(other);
    });
  });
});
