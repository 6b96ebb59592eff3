import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import {
  buy,
  createSeries,
  defaultTerms,
  DAY,
  deployFixture,
  ethers,
  fulfil,
  networkHelpers,
  seriesTemplate,
  submitAssets,
  USDC,
} from "../fixtures.js";
import type { SeriesTemplate, System } from "../fixtures.js";
import { currentListing, failAtDeadline } from "../helpers.js";

const SeriesStatus = { None: 0n, Proposed: 1n, Approved: 2n, Active: 3n, Completed: 4n, Cancelled: 5n };
const ListingStatus = { Open: 0n, Drawing: 1n, Settled: 2n, Failed: 3n, Dissolved: 4n };
const AppStatus = { Pending: 1n, Approved: 2n, Rejected: 3n, Listed: 4n };
const OPEN_SERIES = 5; // IMarketplace.UpkeepAction.OpenSeries
const coder = ethers.AbiCoder.defaultAbiCoder();
const template = seriesTemplate;
const approvedSeries = (sys: System, n: number, overrides: Partial<SeriesTemplate> = {}) =>
  createSeries(sys, n, overrides, false);
const registeredSeries = (sys: System, n: number, overrides: Partial<SeriesTemplate> = {}) =>
  createSeries(sys, n, overrides);


describe("recurring listings (ListingSeries)", () => {
  let sys: System;
  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(deployFixture);
  });

  describe("registration", () => {
    it("proposes, approves and accepts: every deed deposited up front, the first listing opens at once", async () => {
      const { applicationIds, deedIds } = await submitAssets(sys, 3);
      const seriesAddress = await sys.series.getAddress();
      await expect(sys.series.connect(sys.seller).proposeSeries(applicationIds))
        .to.emit(sys.series, "SeriesProposed")
        .withArgs(1n, sys.seller.address, applicationIds);
      const t = template();
      const termsHash = ethers.keccak256(
        coder.encode(
          ["tuple(uint96,uint96,uint64,uint64,uint40,uint40,uint40,uint32,bool)"],
          [[t.price, t.stakePrice, t.stakeCount, t.threshold, t.duration, t.gap, t.startsAt, t.category, t.drawAtSellOut]],
        ),
      );
      await expect(sys.series.approveSeries(1n, t)).to.emit(sys.series, "SeriesApproved").withArgs(1n, termsHash, anyValue);
      expect((await sys.series.seriesOf(1n)).termsHash).to.equal(termsHash);
      await sys.deed.connect(sys.seller).setApprovalForAll(seriesAddress, true);

      const tx = sys.series.connect(sys.seller).acceptSeries(1n, t);
      await expect(tx).to.emit(sys.series, "SeriesAccepted").withArgs(1n, sys.seller.address, 3n, 0n);
      await expect(tx).to.emit(sys.marketplace, "ListingCreated");
      const opensAt = BigInt(await networkHelpers.time.latest());
      const listing = await currentListing(sys, 1n);
      const address = await listing.getAddress();
      await expect(tx)
        .to.emit(sys.series, "SeriesListingOpened")
        .withArgs(1n, 0n, address, applicationIds[0], opensAt + BigInt(t.duration) + BigInt(t.gap));

      // The first deed is with its listing, the other two in the series' custody.
      expect(await sys.deed.ownerOf(deedIds[0])).to.equal(address);
      expect(await sys.deed.ownerOf(deedIds[1])).to.equal(seriesAddress);
      expect(await sys.deed.ownerOf(deedIds[2])).to.equal(seriesAddress);
      // The charter is the template, dated now, with the deed's own content hash; the application is Listed.
      const [listingId, charter] = await listing.charter();
      expect(listingId).to.equal(1n);
      expect(charter.seller).to.equal(sys.seller.address);
      expect(charter.deedId).to.equal(deedIds[0]);
      expect([charter.price, charter.stakePrice, charter.stakeCount, charter.threshold]).to.deep.equal([
        t.price,
        t.stakePrice,
        t.stakeCount,
        t.threshold,
      ]);
      expect([charter.opensAt, charter.deadline]).to.deep.equal([opensAt, opensAt + BigInt(t.duration)]);
      expect(charter.category).to.equal(t.category);
      expect(charter.contentHash).to.equal(await sys.deed.contentHash(deedIds[0]));
      const app = await sys.marketplace.application(applicationIds[0]);
      expect([app.status, app.listing]).to.deep.equal([AppStatus.Listed, address]);
      expect(await sys.marketplace.isListing(address)).to.equal(true);
      expect(await sys.bidToken.isEnrolled(address)).to.equal(true);

      const s = await sys.series.seriesOf(1n);
      expect([s.status, s.count, s.opened]).to.deep.equal([SeriesStatus.Active, 3n, 1n]);
      expect(await sys.series.activeSeriesCount()).to.equal(1n);
      expect(await sys.series.applicationsOf(1n)).to.deep.equal(applicationIds);
      expect((await sys.series.templateOf(1n)).duration).to.equal(t.duration);
    });

    it("a listing of the series sells like any other", async () => {
      await registeredSeries(sys, 2);
      const listing = await currentListing(sys, 1n);
      const tokenId = await buy(sys, listing, sys.alice, 5n);
      expect(await listing.oddsOf(tokenId)).to.deep.equal([5n, 5n]);
    });

    it("rejects bad proposals with named errors: empty, too long, unordered, others' or closed applications", async () => {
      const series = sys.series.connect(sys.seller);
      await expect(series.proposeSeries([])).to.be.revertedWithCustomError(sys.series, "EmptySeries");
      const tooMany = Array.from({ length: 101 }, (_, i) => BigInt(i + 1));
      await expect(series.proposeSeries(tooMany))
        .to.be.revertedWithCustomError(sys.series, "SeriesTooLong")
        .withArgs(101n, 100n);
      const { applicationIds } = await submitAssets(sys, 3);
      await expect(series.proposeSeries([applicationIds[1], applicationIds[0]]))
        .to.be.revertedWithCustomError(sys.series, "ApplicationsNotAscending")
        .withArgs(1n);
      await expect(series.proposeSeries([applicationIds[0], applicationIds[0]]))
        .to.be.revertedWithCustomError(sys.series, "ApplicationsNotAscending")
        .withArgs(1n);
      await expect(series.proposeSeries([999n]))
        .to.be.revertedWithCustomError(sys.series, "ApplicationNotOpen")
        .withArgs(999n, 0n);
      await sys.marketplace.rejectApplication(applicationIds[2], ethers.id("blurry photos"));
      await expect(series.proposeSeries([applicationIds[2]]))
        .to.be.revertedWithCustomError(sys.series, "ApplicationNotOpen")
        .withArgs(applicationIds[2], AppStatus.Rejected);
      // Another verified seller cannot put this seller's assets in its series.
      await sys.marketplace.verifySeller(sys.dave.address, ethers.id("kyc:dave"));
      await expect(sys.series.connect(sys.dave).proposeSeries([applicationIds[0]]))
        .to.be.revertedWithCustomError(sys.series, "ApplicationOfAnotherSeller")
        .withArgs(applicationIds[0], sys.seller.address);
      await expect(sys.series.connect(sys.stranger).proposeSeries([applicationIds[0]]))
        .to.be.revertedWithCustomError(sys.series, "NotVerifiedSeller")
        .withArgs(sys.stranger.address);
    });

    it("rejects bad templates with the Marketplace's named errors and its own bounds; operator only", async () => {
      const { applicationIds } = await submitAssets(sys, 2);
      await sys.series.connect(sys.seller).proposeSeries(applicationIds);
      await expect(sys.series.connect(sys.stranger).approveSeries(1n, template()))
        .to.be.revertedWithCustomError(sys.series, "NotOperator")
        .withArgs(sys.stranger.address);
      await expect(sys.series.approveSeries(1n, template({ price: 0n }))).to.be.revertedWithCustomError(
        sys.marketplace,
        "ZeroPrice",
      );
      await expect(sys.series.approveSeries(1n, template({ threshold: 201n })))
        .to.be.revertedWithCustomError(sys.marketplace, "InvalidThreshold")
        .withArgs(201n, 200n);
      await expect(sys.series.approveSeries(1n, template({ threshold: 50n })))
        .to.be.revertedWithCustomError(sys.marketplace, "StakesBelowPrice")
        .withArgs(500n * USDC, 1_000n * USDC);
      await expect(sys.series.approveSeries(1n, template({ duration: 0n }))).to.be.revertedWithCustomError(
        sys.marketplace,
        "InvalidSchedule",
      );
      await expect(sys.series.approveSeries(1n, template({ duration: 367n * BigInt(DAY) })))
        .to.be.revertedWithCustomError(sys.series, "SaleTooLong")
        .withArgs(367n * BigInt(DAY));
      await expect(sys.series.approveSeries(1n, template({ gap: 367n * BigInt(DAY) })))
        .to.be.revertedWithCustomError(sys.series, "GapTooLong")
        .withArgs(367n * BigInt(DAY), 366n * BigInt(DAY));
      const far = BigInt(await networkHelpers.time.latest()) + 400n * BigInt(DAY);
      await expect(sys.series.approveSeries(1n, template({ startsAt: far }))).to.be.revertedWithCustomError(
        sys.series,
        "StartTooLate",
      );
      await expect(sys.series.approveSeries(2n, template()))
        .to.be.revertedWithCustomError(sys.series, "WrongSeriesStatus")
        .withArgs(2n, SeriesStatus.None);
    });

    it("acceptance needs the seller, the approved template, an approved series and an unpaused marketplace", async () => {
      const { seriesId, template: t } = await approvedSeries(sys, 2);
      await expect(sys.series.connect(sys.stranger).acceptSeries(seriesId, t))
        .to.be.revertedWithCustomError(sys.series, "NotSeriesSeller")
        .withArgs(seriesId, sys.stranger.address);
      const other = template({ price: 999n * USDC });
      await expect(sys.series.connect(sys.seller).acceptSeries(seriesId, other)).to.be.revertedWithCustomError(
        sys.series,
        "TemplateMismatch",
      );
      await sys.marketplace.pause();
      await expect(sys.series.connect(sys.seller).acceptSeries(seriesId, t)).to.be.revertedWithCustomError(
        sys.series,
        "MarketplacePaused",
      );
      await sys.marketplace.unpause();
      // The operator may replace the approval before acceptance; the old template no longer matches.
      await sys.series.approveSeries(seriesId, other);
      await expect(sys.series.connect(sys.seller).acceptSeries(seriesId, t)).to.be.revertedWithCustomError(
        sys.series,
        "TemplateMismatch",
      );
      await sys.series.connect(sys.seller).acceptSeries(seriesId, other);
      await expect(sys.series.connect(sys.seller).acceptSeries(seriesId, other))
        .to.be.revertedWithCustomError(sys.series, "WrongSeriesStatus")
        .withArgs(seriesId, SeriesStatus.Active);
      // A proposal is not accepted before approval.
      const { applicationIds } = await submitAssets(sys, 1);
      await sys.series.connect(sys.seller).proposeSeries(applicationIds);
      await expect(sys.series.connect(sys.seller).acceptSeries(2n, other))
        .to.be.revertedWithCustomError(sys.series, "WrongSeriesStatus")
        .withArgs(2n, SeriesStatus.Proposed);
    });

    it("acceptance re-checks the applications; an asset in custody cannot also be listed on its own", async () => {
      const { seriesId, applicationIds, deedIds, template: t } = await approvedSeries(sys, 2);
      await sys.marketplace.rejectApplication(applicationIds[1], ethers.id("recall"));
      await expect(sys.series.connect(sys.seller).acceptSeries(seriesId, t))
        .to.be.revertedWithCustomError(sys.series, "ApplicationNotOpen")
        .withArgs(applicationIds[1], AppStatus.Rejected);
      await sys.series.connect(sys.seller).cancelSeries(seriesId, ethers.ZeroHash);

      const other = await createSeries(sys, 1, { startsAt: BigInt(await networkHelpers.time.latest()) + BigInt(DAY) });
      const single = await defaultTerms(sys, other.deedIds[0], {
        contentHash: await sys.deed.contentHash(other.deedIds[0]),
      });
      await sys.marketplace.approveListing(other.applicationIds[0], single);
      await expect(sys.marketplace.connect(sys.seller).acceptTerms(other.applicationIds[0], single))
        .to.be.revertedWithCustomError(sys.deed, "ERC721IncorrectOwner")
        .withArgs(sys.seller.address, other.deedIds[0], await sys.series.getAddress());
      expect(await sys.deed.ownerOf(deedIds[0])).to.equal(sys.seller.address);
    });

    it("only the series module may open series listings on the Marketplace", async () => {
      const { deedIds, applicationIds } = await submitAssets(sys, 1);
      const terms = await defaultTerms(sys, deedIds[0], { contentHash: ethers.id("car-0") });
      await expect(sys.marketplace.connect(sys.seller).openSeriesListing(applicationIds[0], terms))
        .to.be.revertedWithCustomError(sys.marketplace, "NotSeriesModule")
        .withArgs(sys.seller.address);
      await expect(sys.marketplace.setSeriesModule(await sys.series.getAddress())).to.be.revertedWithCustomError(
        sys.marketplace,
        "ModulesAlreadySet",
      );
      expect(await sys.marketplace.seriesModule()).to.equal(await sys.series.getAddress());
    });
  });

  describe("#openNextInSeries", () => {
    it("opens the next listing once the previous failed and the gap passed, by anyone", async () => {
      const { seriesId, deedIds, applicationIds, template: t } = await registeredSeries(sys, 3);
      const first = await currentListing(sys, seriesId);
      const firstAddress = await first.getAddress();
      await expect(sys.series.connect(sys.stranger).openNextInSeries(seriesId))
        .to.be.revertedWithCustomError(sys.series, "PreviousListingRunning")
        .withArgs(seriesId, firstAddress, ListingStatus.Open);
      await failAtDeadline(first);
      // The deed came back to the seller with the failure; the next deed is still in custody.
      expect(await sys.deed.ownerOf(deedIds[0])).to.equal(sys.seller.address);
      const deadline = (await first.charter())[1].deadline;
      await expect(sys.series.connect(sys.stranger).openNextInSeries(seriesId))
        .to.be.revertedWithCustomError(sys.series, "ScheduleNotReached")
        .withArgs(seriesId, deadline + BigInt(t.gap));
      expect(await sys.series.isDue(seriesId)).to.equal(false);

      await networkHelpers.time.increaseTo(deadline + BigInt(t.gap));
      expect(await sys.series.isDue(seriesId)).to.equal(true);
      const tx = sys.series.connect(sys.stranger).openNextInSeries(seriesId);
      await expect(tx).to.emit(sys.marketplace, "ListingCreated");
      const second = await currentListing(sys, seriesId);
      const secondAddress = await second.getAddress();
      const opensAt = BigInt(await networkHelpers.time.latest());
      await expect(tx)
        .to.emit(sys.series, "SeriesListingOpened")
        .withArgs(seriesId, 1n, secondAddress, applicationIds[1], opensAt + BigInt(t.duration) + BigInt(t.gap));
      expect(secondAddress).to.not.equal(firstAddress);
      expect(await sys.deed.ownerOf(deedIds[1])).to.equal(secondAddress);
      expect((await second.charter())[1].deadline).to.equal(opensAt + BigInt(t.duration));
      expect((await sys.series.seriesOf(seriesId)).opened).to.equal(2n);
    });

    it("waits for a draw to finish: Drawing blocks, Settled lets the next open (by the upkeep)", async () => {
      const { seriesId, deedIds } = await registeredSeries(sys, 2, { gap: 0n });
      const first = await currentListing(sys, seriesId);
      const firstAddress = await first.getAddress();
      await buy(sys, first, sys.alice, 150n);
      await networkHelpers.time.increaseTo((await first.charter())[1].deadline);
      await first.settle();
      await expect(sys.series.openNextInSeries(seriesId))
        .to.be.revertedWithCustomError(sys.series, "PreviousListingRunning")
        .withArgs(seriesId, firstAddress, ListingStatus.Drawing);
      await fulfil(sys, first, 7n);
      await first.finalize();
      expect(await first.status()).to.equal(ListingStatus.Settled);

      // The keeper does listing work first (retiring the settled listing), then opens the series' next listing.
      const seriesAddress = await sys.series.getAddress();
      let opened = false;
      for (let i = 0; i < 5 && !opened; i++) {
        const [needed, data] = await sys.marketplace.checkUpkeep.staticCall("0x");
        expect(needed).to.equal(true);
        const [target, action] = coder.decode(["address", "uint8"], data);
        if (Number(action) === OPEN_SERIES) {
          expect(target).to.equal(seriesAddress);
          expect(data).to.equal(coder.encode(["address", "uint8", "uint256"], [seriesAddress, OPEN_SERIES, seriesId]));
          await expect(sys.marketplace.connect(sys.stranger).performUpkeep(data)).to.emit(
            sys.series,
            "SeriesListingOpened",
          );
          opened = true;
        } else {
          await sys.marketplace.performUpkeep(data);
        }
      }
      expect(opened).to.equal(true);
      const second = await currentListing(sys, seriesId);
      expect(await sys.deed.ownerOf(deedIds[1])).to.equal(await second.getAddress());
      expect(await second.status()).to.equal(ListingStatus.Open);
    });

    it("opens after a unanimous dissolution too", async () => {
      const { seriesId } = await registeredSeries(sys, 2, { gap: 0n });
      const first = await currentListing(sys, seriesId);
      const tokenId = await buy(sys, first, sys.alice, 5n);
      await first.connect(sys.alice).voteToDissolve(tokenId);
      expect(await first.status()).to.equal(ListingStatus.Dissolved);
      // The schedule still holds: the next opens from the dissolved listing's Time-Date A (gap 0).
      await expect(sys.series.openNextInSeries(seriesId)).to.be.revertedWithCustomError(
        sys.series,
        "ScheduleNotReached",
      );
      await networkHelpers.time.increaseTo((await first.charter())[1].deadline);
      await expect(sys.series.openNextInSeries(seriesId)).to.emit(sys.series, "SeriesListingOpened");
    });

    it("completes with the last listing; opening more reverts SeriesExhausted", async () => {
      const { seriesId, template: t } = await registeredSeries(sys, 2, { gap: 0n });
      await failAtDeadline(await currentListing(sys, seriesId));
      const tx = sys.series.openNextInSeries(seriesId);
      await expect(tx).to.emit(sys.series, "SeriesCompleted").withArgs(seriesId);
      const s = await sys.series.seriesOf(seriesId);
      expect([s.status, s.opened]).to.deep.equal([SeriesStatus.Completed, 2n]);
      expect(await sys.series.activeSeriesCount()).to.equal(0n);
      await failAtDeadline(await currentListing(sys, seriesId));
      await networkHelpers.time.increase(BigInt(t.duration));
      await expect(sys.series.openNextInSeries(seriesId))
        .to.be.revertedWithCustomError(sys.series, "SeriesExhausted")
        .withArgs(seriesId, 2n);
      expect(await sys.series.isDue(seriesId)).to.equal(false);
      await expect(sys.series.connect(sys.seller).cancelSeries(seriesId, ethers.ZeroHash))
        .to.be.revertedWithCustomError(sys.series, "WrongSeriesStatus")
        .withArgs(seriesId, SeriesStatus.Completed);
    });

    it("a series starting later opens nothing at acceptance and nothing before its start", async () => {
      const startsAt = BigInt(await networkHelpers.time.latest()) + 3n * BigInt(DAY);
      const { seriesId, deedIds } = await approvedSeries(sys, 2, { startsAt });
      const tx = sys.series.connect(sys.seller).acceptSeries(seriesId, template({ startsAt }));
      await expect(tx).to.emit(sys.series, "SeriesAccepted").withArgs(seriesId, sys.seller.address, 2n, startsAt);
      await expect(tx).to.not.emit(sys.series, "SeriesListingOpened");
      expect(await sys.deed.ownerOf(deedIds[0])).to.equal(await sys.series.getAddress());
      expect((await sys.series.seriesOf(seriesId)).current).to.equal(ethers.ZeroAddress);
      await expect(sys.series.openNextInSeries(seriesId))
        .to.be.revertedWithCustomError(sys.series, "ScheduleNotReached")
        .withArgs(seriesId, startsAt);
      expect((await sys.marketplace.checkUpkeep.staticCall("0x"))[0]).to.equal(false);
      await networkHelpers.time.increaseTo(startsAt);
      const [needed, data] = await sys.marketplace.checkUpkeep.staticCall("0x");
      expect(needed).to.equal(true);
      await expect(sys.marketplace.performUpkeep(data)).to.emit(sys.series, "SeriesListingOpened");
      expect((await (await currentListing(sys, seriesId)).charter())[1].opensAt).to.equal(
        BigInt(await networkHelpers.time.latest()),
      );
    });

    it("a revoked seller's series stops (SellerRevoked) and resumes once verified again", async () => {
      const { seriesId } = await registeredSeries(sys, 2, { gap: 0n });
      const first = await currentListing(sys, seriesId);
      await sys.marketplace.revokeSeller(sys.seller.address, ethers.id("fraud"));
      await failAtDeadline(first);
      expect(await first.status()).to.equal(ListingStatus.Failed);
      await expect(sys.series.connect(sys.stranger).openNextInSeries(seriesId))
        .to.be.revertedWithCustomError(sys.series, "SellerRevoked")
        .withArgs(seriesId, sys.seller.address);
      expect(await sys.series.isDue(seriesId)).to.equal(false);
      // The keeper retires the failed listing but has no series work.
      const [, data] = await sys.marketplace.checkUpkeep.staticCall("0x");
      await sys.marketplace.performUpkeep(data);
      expect((await sys.marketplace.checkUpkeep.staticCall("0x"))[0]).to.equal(false);
      await sys.marketplace.verifySeller(sys.seller.address, ethers.id("kyc:again"));
      await expect(sys.series.openNextInSeries(seriesId)).to.emit(sys.series, "SeriesListingOpened");
    });

    it("pause stops openings (MarketplacePaused) and the upkeep's series work; unpause resumes", async () => {
      const { seriesId } = await registeredSeries(sys, 2, { gap: 0n });
      const first = await currentListing(sys, seriesId);
      await failAtDeadline(first);
      const [, retire] = await sys.marketplace.checkUpkeep.staticCall("0x");
      await sys.marketplace.performUpkeep(retire);
      await sys.marketplace.pause();
      await expect(sys.series.openNextInSeries(seriesId)).to.be.revertedWithCustomError(
        sys.series,
        "MarketplacePaused",
      );
      expect(await sys.series.isDue(seriesId)).to.equal(false);
      expect(await sys.marketplace.checkUpkeep.staticCall("0x")).to.deep.equal([false, "0x"]);
      // A forged upkeep call reaches the same check.
      const forged = coder.encode(["address", "uint8", "uint256"], [await sys.series.getAddress(), OPEN_SERIES, seriesId]);
      await expect(sys.marketplace.performUpkeep(forged)).to.be.revertedWithCustomError(
        sys.series,
        "MarketplacePaused",
      );
      await sys.marketplace.unpause();
      await expect(sys.marketplace.performUpkeep(forged)).to.emit(sys.series, "SeriesListingOpened");
    });

    it("performUpkeep rejects series work it was not asked for: other targets, stale data (A16)", async () => {
      const { seriesId } = await registeredSeries(sys, 2);
      const seriesAddress = await sys.series.getAddress();
      const stale = coder.encode(["address", "uint8", "uint256"], [seriesAddress, OPEN_SERIES, seriesId]);
      await expect(sys.marketplace.performUpkeep(stale)).to.be.revertedWithCustomError(
        sys.series,
        "PreviousListingRunning",
      );
      const other = coder.encode(["address", "uint8", "uint256"], [sys.stranger.address, OPEN_SERIES, seriesId]);
      await expect(sys.marketplace.performUpkeep(other))
        .to.be.revertedWithCustomError(sys.marketplace, "UnknownListing")
        .withArgs(sys.stranger.address);
      const retireSeries = coder.encode(["address", "uint8"], [seriesAddress, 4]);
      await expect(sys.marketplace.performUpkeep(retireSeries))
        .to.be.revertedWithCustomError(sys.marketplace, "UnknownListing")
        .withArgs(seriesAddress);
    });

    it("an application the operator rejects mid-series is never due; cancelling returns its deed", async () => {
      const { seriesId, applicationIds, deedIds } = await registeredSeries(sys, 2, { gap: 0n });
      await failAtDeadline(await currentListing(sys, seriesId));
      await sys.marketplace.rejectApplication(applicationIds[1], ethers.id("recall"));
      expect(await sys.series.isDue(seriesId)).to.equal(false);
      await expect(sys.series.openNextInSeries(seriesId))
        .to.be.revertedWithCustomError(sys.marketplace, "WrongApplicationStatus")
        .withArgs(applicationIds[1], AppStatus.Rejected);
      await sys.series.cancelSeries(seriesId, ethers.id("recall")); // the operator
      expect(await sys.deed.ownerOf(deedIds[1])).to.equal(sys.seller.address);
    });
  });

  describe("#cancelSeries", () => {
    it("returns the deeds not yet listed to the seller; the running listing runs on", async () => {
      const { seriesId, deedIds } = await registeredSeries(sys, 3);
      const first = await currentListing(sys, seriesId);
      const firstAddress = await first.getAddress();
      await expect(sys.series.connect(sys.stranger).cancelSeries(seriesId, ethers.ZeroHash))
        .to.be.revertedWithCustomError(sys.series, "NotSeriesSeller")
        .withArgs(seriesId, sys.stranger.address);
      const reason = ethers.id("sold the rest privately");
      await expect(sys.series.connect(sys.seller).cancelSeries(seriesId, reason))
        .to.emit(sys.series, "SeriesCancelled")
        .withArgs(seriesId, sys.seller.address, 2n, reason);
      expect(await sys.deed.ownerOf(deedIds[0])).to.equal(firstAddress);
      expect(await sys.deed.ownerOf(deedIds[1])).to.equal(sys.seller.address);
      expect(await sys.deed.ownerOf(deedIds[2])).to.equal(sys.seller.address);
      expect((await sys.series.seriesOf(seriesId)).status).to.equal(SeriesStatus.Cancelled);
      expect(await sys.series.activeSeriesCount()).to.equal(0n);
      expect(await first.status()).to.equal(ListingStatus.Open);
      await buy(sys, first, sys.alice, 3n);

      await failAtDeadline(first);
      await expect(sys.series.openNextInSeries(seriesId))
        .to.be.revertedWithCustomError(sys.series, "WrongSeriesStatus")
        .withArgs(seriesId, SeriesStatus.Cancelled);
      await expect(sys.series.connect(sys.seller).cancelSeries(seriesId, reason))
        .to.be.revertedWithCustomError(sys.series, "WrongSeriesStatus")
        .withArgs(seriesId, SeriesStatus.Cancelled);
    });

    it("returns every deed of a series that has not started; proposals are cancelled with nothing to return", async () => {
      const startsAt = BigInt(await networkHelpers.time.latest()) + 10n * BigInt(DAY);
      const { seriesId, deedIds } = await registeredSeries(sys, 2, { startsAt });
      await expect(sys.series.cancelSeries(seriesId, ethers.ZeroHash)) // an operator may cancel too
        .to.emit(sys.series, "SeriesCancelled")
        .withArgs(seriesId, sys.admin.address, 2n, ethers.ZeroHash);
      for (const id of deedIds) expect(await sys.deed.ownerOf(id)).to.equal(sys.seller.address);

      const { applicationIds } = await submitAssets(sys, 1);
      await sys.series.connect(sys.seller).proposeSeries(applicationIds);
      await expect(sys.series.connect(sys.seller).cancelSeries(2n, ethers.ZeroHash))
        .to.emit(sys.series, "SeriesCancelled")
        .withArgs(2n, sys.seller.address, 0n, ethers.ZeroHash);
      // The application is free again for a single listing.
      expect((await sys.marketplace.application(applicationIds[0])).status).to.equal(AppStatus.Pending);
    });
  });

  describe("upkeep bounds", () => {
    it("dueSeries inspects at most 20 active series per call, rotating with the block so none starves (A15)", async function () {
      this.timeout(120_000);
      const later = BigInt(await networkHelpers.time.latest()) + 30n * BigInt(DAY);
      for (let i = 0; i < 24; i++) await registeredSeries(sys, 1, { startsAt: later });
      const { seriesId } = await registeredSeries(sys, 1, { startsAt: later - BigInt(DAY) });
      expect(await sys.series.activeSeriesCount()).to.equal(25n);
      await networkHelpers.time.increaseTo(later - BigInt(DAY));
      const seen = new Set<bigint>();
      for (let i = 0; i < 25; i++) {
        seen.add(await sys.series.dueSeries());
        await networkHelpers.mine();
      }
      // Only the one due series is ever reported, and some blocks' windows of 20 miss it.
      expect([...seen].sort()).to.deep.equal([0n, seriesId]);
      const gas = await sys.series.dueSeries.estimateGas();
      expect(gas).to.be.lessThan(1_000_000n);
    });
  });
});
