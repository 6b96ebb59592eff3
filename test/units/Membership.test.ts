import { expect } from "chai";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  buy,
  createListing,
  DAY,
  deployFixture,
  deployWithToken,
  ethers,
  networkHelpers,
  openDirect,
  USDC,
  tierPolicy as policy,
  conditionBits as bits,
} from "../fixtures.js";
import type { System } from "../fixtures.js";
import { CONDITION_KIND, PARTY, REFUND_MODE } from "../../core/enums.js";
import { FeeToken__factory } from "../../typechain-types/index.js";
import { impersonate } from "../helpers.js";

/**
 * Membership, one external function at a time: its happy path and every custom error with its arguments. Reports are
 * sent as the escrow (impersonated) or an enrolled listing, so each counter, ring lane and condition is set exactly.
 * The flows through the real escrow are in test/flows/membership.test.ts and escrow-cancellation.test.ts.
 */

const Kind = Object.fromEntries(CONDITION_KIND.map((k, i) => [k, i])) as Record<(typeof CONDITION_KIND)[number], number>;
const Party = Object.fromEntries(PARTY.map((p, i) => [p, i])) as Record<(typeof PARTY)[number], number>;
const Mode = Object.fromEntries(REFUND_MODE.map((m, i) => [m, i])) as Record<(typeof REFUND_MODE)[number], number>;
const ADMIN_ROLE = ethers.ZeroHash;


describe("Membership (unit)", () => {
  let sys: System;
  let asEscrow: HardhatEthersSigner;
  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(deployFixture);
    // Bob sells here; only orders whose seller is verified move counters.
    await sys.marketplace.verifySeller(sys.bob.address, ethers.id("kyc:bob"));
    asEscrow = await impersonate(await sys.escrow.getAddress());
  });

  /** The escrow reports a completed direct order between alice (buyer) and bob (seller). */
  const completed = (orderId: bigint, fee = 0n, seller = sys.bob.address) =>
    sys.membership.connect(asEscrow).onOrderCompleted(orderId, sys.alice.address, seller, 100n * USDC, fee, ethers.ZeroAddress);

  describe("wiring and defaults", () => {
    it("reports its marketplace, escrow, bounds and the default tier, reasons and cut-off", async () => {
      const m = sys.membership;
      expect(await m.marketplace()).to.equal(await sys.marketplace.getAddress());
      expect(await m.escrow()).to.equal(await sys.escrow.getAddress());
      expect([await m.MAX_CONDITIONS(), await m.MAX_TIERS(), await m.RECENT_DAYS()]).to.deep.equal([32n, 16n, 10n]);
      expect(await m.tierCount()).to.equal(1n);
      expect((await m.tier(0)).exists).to.equal(true);
      expect(await m.stakeCancelCutoff()).to.equal(BigInt(DAY));
      expect(await m.reasonRule(16)).to.deep.equal([true, BigInt(Party.Buyer)]);
      expect(await m.reasonRule(18)).to.deep.equal([true, BigInt(Party.Seller)]);
      expect(await m.reasonRule(20)).to.deep.equal([true, BigInt(Party.Both)]);
      expect(await m.reasonRule(21)).to.deep.equal([false, 0n]);
    });
  });

  describe("#setCondition", () => {
    it("stores the kind and 24-bit threshold, eight to a word, and emits", async () => {
      const m = sys.membership;
      await expect(m.setCondition(9, { kind: Kind.MinOrders, threshold: 16_777_215 }))
        .to.emit(m, "ConditionSet")
        .withArgs(9n, BigInt(Kind.MinOrders), 16_777_215n);
      await m.setCondition(8, { kind: Kind.Registered, threshold: 0 });
      await m.setCondition(15, { kind: Kind.MaxCancellationRateBps, threshold: 10_000 });
      expect(await m.condition(9)).to.deep.equal([BigInt(Kind.MinOrders), 16_777_215n]);
      expect(await m.condition(8)).to.deep.equal([BigInt(Kind.Registered), 0n]);
      expect(await m.condition(15)).to.deep.equal([BigInt(Kind.MaxCancellationRateBps), 10_000n]);
      // Overwriting one lane leaves its neighbours alone.
      await m.setCondition(9, { kind: Kind.MinCompleted, threshold: 3 });
      expect(await m.condition(9)).to.deep.equal([BigInt(Kind.MinCompleted), 3n]);
      expect(await m.condition(8)).to.deep.equal([BigInt(Kind.Registered), 0n]);
      expect(await m.condition(10)).to.deep.equal([0n, 0n]);
    });

    it("refuses ids out of range, unset kinds, rates above 10,000 bps, thresholds above 24 bits and strangers", async () => {
      const m = sys.membership;
      await expect(m.setCondition(32, { kind: Kind.MinOrders, threshold: 1 }))
        .to.be.revertedWithCustomError(m, "ConditionOutOfRange")
        .withArgs(32n);
      await expect(m.setCondition(0, { kind: Kind.Unset, threshold: 1 }))
        .to.be.revertedWithCustomError(m, "ConditionOutOfRange")
        .withArgs(0n);
      await expect(m.setCondition(0, { kind: Kind.MinCancellationRateBps, threshold: 10_001 }))
        .to.be.revertedWithCustomError(m, "BpsTooHigh")
        .withArgs(10_001n);
      await expect(m.setCondition(0, { kind: Kind.MinOrders, threshold: 16_777_216 }))
        .to.be.revertedWithCustomError(m, "ThresholdTooLarge")
        .withArgs(16_777_216n);
      await expect(m.connect(sys.stranger).setCondition(0, { kind: Kind.MinOrders, threshold: 1 }))
        .to.be.revertedWithCustomError(m, "AccessControlUnauthorizedAccount")
        .withArgs(sys.stranger.address, ADMIN_ROLE);
    });
  });

  describe("#setTier", () => {
    it("adds tiers in order, replaces them in place and emits; the priority decides between met tiers", async () => {
      const m = sys.membership;
      await m.setCondition(0, { kind: Kind.Registered, threshold: 0 });
      await m.setCondition(1, { kind: Kind.MinOrders, threshold: 1 });
      const p = policy({ rewardBps: 100 });
      await expect(m.setTier(1, bits(0), 10, p))
        .to.emit(m, "TierSet")
        .withArgs(1n, bits(0), 10n, Object.values(p));
      await m.setTier(2, bits(0, 1), 20, policy());
      expect(await m.tierCount()).to.equal(3n);
      const t = await m.tier(2);
      expect([t.required, t.priority, t.exists]).to.deep.equal([BigInt(bits(0, 1)), 20n, true]);
      expect(await m.tierFor(bits(0))).to.equal(1n);
      expect(await m.tierFor(bits(0, 1))).to.equal(2n);
      expect(await m.tierFor(bits(1))).to.equal(0n);
      await m.setTier(2, bits(0, 1), 5, policy()); // now below tier 1
      expect(await m.tierCount()).to.equal(3n);
      expect(await m.tierFor(bits(0, 1))).to.equal(1n);
    });

    it("refuses gaps, ids past MAX_TIERS, conditions on the default tier, unset conditions, equal priorities, fees above 10,000 bps", async () => {
      const m = sys.membership;
      await m.setCondition(0, { kind: Kind.Registered, threshold: 0 });
      await m.setTier(1, bits(0), 10, policy());
      await expect(m.setTier(3, bits(0), 20, policy())).to.be.revertedWithCustomError(m, "TierOutOfRange").withArgs(3n);
      await expect(m.setTier(16, bits(0), 20, policy())).to.be.revertedWithCustomError(m, "TierOutOfRange").withArgs(16n);
      await expect(m.setTier(0, bits(0), 0, policy())).to.be.revertedWithCustomError(m, "DefaultTierHasConditions");
      await expect(m.setTier(2, bits(30), 20, policy())).to.be.revertedWithCustomError(m, "ConditionOutOfRange").withArgs(30n);
      await expect(m.setTier(2, bits(0), 10, policy())).to.be.revertedWithCustomError(m, "DuplicatePriority").withArgs(10n, 1n);
      await expect(m.setTier(2, bits(0), 20, policy({ feeBps: 10_001 })))
        .to.be.revertedWithCustomError(m, "BpsTooHigh")
        .withArgs(10_001n);
      await expect(m.setTier(2, bits(0), 20, policy({ rewardBps: 10_001 })))
        .to.be.revertedWithCustomError(m, "BpsTooHigh")
        .withArgs(10_001n);
      await expect(m.connect(sys.stranger).setTier(2, bits(0), 20, policy()))
        .to.be.revertedWithCustomError(m, "AccessControlUnauthorizedAccount")
        .withArgs(sys.stranger.address, ADMIN_ROLE);
    });
  });

  describe("#setStakeCancelCutoff, #setHelpfulThreshold, #setReason", () => {
    it("set and emit; refuse out-of-range values, the escrow's own reason codes and strangers", async () => {
      const m = sys.membership;
      await expect(m.setStakeCancelCutoff(30 * DAY)).to.emit(m, "StakeCancelCutoffSet").withArgs(BigInt(30 * DAY));
      expect(await m.stakeCancelCutoff()).to.equal(BigInt(30 * DAY));
      await expect(m.setStakeCancelCutoff(30 * DAY + 1))
        .to.be.revertedWithCustomError(m, "CutoffTooLong")
        .withArgs(BigInt(30 * DAY + 1));
      await expect(m.setHelpfulThreshold(100)).to.emit(m, "HelpfulThresholdSet").withArgs(100n);
      await expect(m.setHelpfulThreshold(101)).to.be.revertedWithCustomError(m, "HelpfulnessOutOfRange").withArgs(101n);
      await expect(m.setReason(40, true, Party.Seller)).to.emit(m, "ReasonSet").withArgs(40n, true, BigInt(Party.Seller));
      expect(await m.reasonRule(40)).to.deep.equal([true, BigInt(Party.Seller)]);
      await expect(m.setReason(15, true, Party.Buyer)).to.be.revertedWithCustomError(m, "ReasonOutOfRange").withArgs(15n);
      for (const call of [
        m.connect(sys.stranger).setStakeCancelCutoff(0),
        m.connect(sys.stranger).setHelpfulThreshold(0),
        m.connect(sys.stranger).setReason(40, false, Party.None),
      ]) {
        await expect(call)
          .to.be.revertedWithCustomError(m, "AccessControlUnauthorizedAccount")
          .withArgs(sys.stranger.address, ADMIN_ROLE);
      }
    });
  });

  describe("#register, #recordReview, #refresh, #setAutoRelist", () => {
    it("register sets the flag once and moves the tier that requires it", async () => {
      const m = sys.membership;
      await m.setCondition(0, { kind: Kind.Registered, threshold: 0 });
      await m.setTier(1, bits(0), 10, policy());
      await expect(m.connect(sys.alice).register()).to.emit(m, "TierChanged").withArgs(sys.alice.address, 0n, 1n);
      const c = await m.countersOf(sys.alice.address);
      expect([c.registered, c.tier]).to.deep.equal([true, 1n]);
      await expect(m.connect(sys.alice).register())
        .to.be.revertedWithCustomError(m, "AlreadyRegistered")
        .withArgs(sys.alice.address);
    });

    it("recordReview counts helpful reviews only, for REVIEWER_ROLE only", async () => {
      const m = sys.membership;
      const reviewer = await m.REVIEWER_ROLE();
      await sys.marketplace.grantRole(reviewer, sys.dave.address);
      await expect(m.connect(sys.dave).recordReview(sys.carol.address, 59))
        .to.emit(m, "ReviewRecorded")
        .withArgs(sys.dave.address, sys.carol.address, 59n, false);
      await expect(m.connect(sys.dave).recordReview(sys.carol.address, 60))
        .to.emit(m, "ReviewRecorded")
        .withArgs(sys.dave.address, sys.carol.address, 60n, true);
      expect((await m.countersOf(sys.carol.address)).helpfulReviews).to.equal(1n);
      await expect(m.connect(sys.dave).recordReview(sys.carol.address, 101))
        .to.be.revertedWithCustomError(m, "HelpfulnessOutOfRange")
        .withArgs(101n);
      await expect(m.connect(sys.stranger).recordReview(sys.carol.address, 90))
        .to.be.revertedWithCustomError(m, "AccessControlUnauthorizedAccount")
        .withArgs(sys.stranger.address, reviewer);
    });

    it("refresh re-evaluates a member against a changed configuration and returns the tier", async () => {
      const m = sys.membership;
      await m.connect(sys.alice).register();
      expect((await m.countersOf(sys.alice.address)).tier).to.equal(0n);
      await m.setCondition(0, { kind: Kind.Registered, threshold: 0 });
      await m.setTier(1, bits(0), 10, policy({ cancelWindow: 7_200 }));
      expect(await m.refresh.staticCall(sys.alice.address)).to.equal(1n);
      await expect(m.connect(sys.stranger).refresh(sys.alice.address))
        .to.emit(m, "TierChanged")
        .withArgs(sys.alice.address, 0n, 1n);
      expect((await m.policyOf(sys.alice.address)).cancelWindow).to.equal(7_200n);
    });

    it("setAutoRelist records the seller's opt-in", async () => {
      const m = sys.membership;
      await expect(m.connect(sys.bob).setAutoRelist(true)).to.emit(m, "AutoRelistSet").withArgs(sys.bob.address, true);
      expect(await m.autoRelistOf(sys.bob.address)).to.equal(true);
      await m.connect(sys.bob).setAutoRelist(false);
      expect(await m.autoRelistOf(sys.bob.address)).to.equal(false);
    });
  });

  describe("reports from the escrow", () => {
    it("onOrderOpened books the reward at the buyer's tier, capped by the fee", async () => {
      const m = sys.membership;
      await m.setTier(0, 0, 0, policy({ rewardBps: 100 })); // 1% of 100 USDC = 1 USDC
      await expect(m.connect(asEscrow).onOrderOpened(1, sys.alice.address, sys.bob.address, 100n * USDC, USDC / 2n))
        .to.emit(m, "RewardPending")
        .withArgs(sys.alice.address, 1n, USDC / 2n);
      expect(await m.pendingReward(1)).to.equal(USDC / 2n);
      await m.connect(asEscrow).onOrderOpened(2, sys.alice.address, sys.bob.address, 100n * USDC, 5n * USDC);
      expect(await m.pendingReward(2)).to.equal(USDC);
    });

    it("onOrderCompleted counts both parties, records the seller's sale and makes the reward claimable", async () => {
      const m = sys.membership;
      await m.setTier(0, 0, 0, policy({ rewardBps: 100 }));
      await m.connect(asEscrow).onOrderOpened(1, sys.alice.address, sys.bob.address, 100n * USDC, USDC);
      await expect(completed(1n, USDC))
        .to.emit(m, "RewardEarned")
        .withArgs(sys.alice.address, 1n, USDC)
        .and.to.emit(m, "RecentSaleRecorded")
        .withArgs(sys.bob.address, 1n);
      expect(await m.pendingReward(1)).to.equal(0n);
      expect(await m.claimableRewards(sys.alice.address)).to.equal(USDC);
      expect(await m.rewardsEarned(sys.alice.address)).to.equal(USDC);
      expect(await m.totalClaimable()).to.equal(USDC);
      const [b, s] = [await m.countersOf(sys.alice.address), await m.countersOf(sys.bob.address)];
      expect([b.orders, b.completed, s.orders, s.completed]).to.deep.equal([1n, 1n, 1n, 1n]);
      expect(await m.recentSales(sys.bob.address)).to.equal(1n);
    });

    it("an unverified seller's orders move no counters (the reward still counts)", async () => {
      const m = sys.membership;
      await completed(1n, 0n, sys.stranger.address);
      expect((await m.countersOf(sys.alice.address)).orders).to.equal(0n);
      expect(await m.recentSales(sys.stranger.address)).to.equal(0n);
    });

    it("onOrderCancelled charges the responsible party, reverses the pending reward and asks for a relisting", async () => {
      const m = sys.membership;
      await m.setTier(0, 0, 0, policy({ rewardBps: 100, autoRelist: true }));
      await m.connect(sys.bob).setAutoRelist(true);
      await m.connect(asEscrow).onOrderOpened(1, sys.alice.address, sys.bob.address, 100n * USDC, USDC);
      await expect(m.connect(asEscrow).onOrderCancelled(1, sys.alice.address, sys.bob.address, Party.Buyer, 16))
        .to.emit(m, "RewardReversed")
        .withArgs(sys.alice.address, 1n, USDC)
        .and.to.emit(m, "RelistRequested")
        .withArgs(sys.bob.address, 1n, ethers.ZeroAddress, 0n);
      await m.connect(asEscrow).onOrderCancelled(2, sys.alice.address, sys.bob.address, Party.Both, 20);
      const [b, s] = [await m.countersOf(sys.alice.address), await m.countersOf(sys.bob.address)];
      expect([b.orders, b.cancelledAsBuyer, b.cancelledAsSeller]).to.deep.equal([2n, 2n, 0n]);
      expect([s.orders, s.cancelledAsBuyer, s.cancelledAsSeller]).to.deep.equal([2n, 0n, 1n]);
      // A dispute split (reason 4) never asks for a relisting: the asset was delivered.
      await expect(
        m.connect(asEscrow).onOrderCancelled(3, sys.alice.address, sys.bob.address, Party.None, 4),
      ).not.to.emit(m, "RelistRequested");
    });

    it("refuses reports from anyone but the escrow", async () => {
      const m = sys.membership;
      const who = sys.stranger;
      await expect(m.connect(who).onOrderOpened(1, sys.alice.address, sys.bob.address, 1, 1))
        .to.be.revertedWithCustomError(m, "NotAReporter")
        .withArgs(who.address);
      await expect(m.connect(who).onOrderCompleted(1, sys.alice.address, sys.bob.address, 1, 1, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(m, "NotAReporter")
        .withArgs(who.address);
      await expect(m.connect(who).onOrderCancelled(1, sys.alice.address, sys.bob.address, Party.Buyer, 16))
        .to.be.revertedWithCustomError(m, "NotAReporter")
        .withArgs(who.address);
    });
  });

  describe("#onStakeCancelled", () => {
    it("answers an enrolled listing with the buyer's tier terms and counts the cancellation; refuses anyone else", async () => {
      const m = sys.membership;
      await m.setTier(0, 0, 0, policy({ cancelWindow: 600, refundMode: Mode.WalletMinusFee, feeBps: 250 }));
      const { listing } = await createListing(sys);
      const asListing = await impersonate(await listing.getAddress());
      expect(await m.connect(asListing).onStakeCancelled.staticCall(sys.alice.address)).to.deep.equal([
        600n,
        BigInt(DAY),
        BigInt(Mode.WalletMinusFee),
        250n,
      ]);
      await m.connect(asListing).onStakeCancelled(sys.alice.address);
      expect((await m.countersOf(sys.alice.address)).stakeCancellations).to.equal(1n);
      await expect(m.connect(sys.stranger).onStakeCancelled(sys.alice.address))
        .to.be.revertedWithCustomError(m, "NotAReporter")
        .withArgs(sys.stranger.address);
    });
  });

  describe("recent sales ring and conditions", () => {
    it("counts the sales of the last RECENT_DAYS days and forgets older ones", async () => {
      const m = sys.membership;
      // Start a minute into a day, so that the sales below fall on the days they are meant to.
      await networkHelpers.time.increaseTo((Math.floor((await networkHelpers.time.latest()) / DAY) + 1) * DAY + 60);
      await completed(1n);
      await completed(2n);
      await networkHelpers.time.increase(3 * DAY);
      await completed(3n);
      expect(await m.recentSales(sys.bob.address)).to.equal(3n);
      await networkHelpers.time.increase(7 * DAY); // the first day's two sales are now 10 days old
      expect(await m.recentSales(sys.bob.address)).to.equal(1n);
      await expect(completed(4n)).to.emit(m, "RecentSaleRecorded").withArgs(sys.bob.address, 2n);
      await networkHelpers.time.increase(10 * DAY);
      expect(await m.recentSales(sys.bob.address)).to.equal(0n);
      await expect(completed(5n)).to.emit(m, "RecentSaleRecorded").withArgs(sys.bob.address, 1n);
    });

    it("conditionsMet and status say what a member meets and what the next tier misses", async () => {
      const m = sys.membership;
      await m.setCondition(0, { kind: Kind.MinCompleted, threshold: 1 });
      await m.setCondition(1, { kind: Kind.MinRecentSales, threshold: 2 });
      await m.setCondition(2, { kind: Kind.MaxCancellationRateBps, threshold: 0 });
      await m.setCondition(3, { kind: Kind.MinCancellationRateBps, threshold: 5_000 });
      await m.setTier(1, bits(0, 2), 10, policy());
      await m.setTier(2, bits(0, 1, 2), 20, policy());
      await completed(1n);
      expect(await m.conditionsMet(sys.bob.address)).to.equal(BigInt(bits(0, 2)));
      expect(await m.status(sys.bob.address)).to.deep.equal([1n, BigInt(bits(0, 2)), 2n, BigInt(bits(1))]);
      await completed(2n);
      expect(await m.conditionsMet(sys.bob.address)).to.equal(BigInt(bits(0, 1, 2)));
      expect((await m.countersOf(sys.bob.address)).tier).to.equal(2n);
      // A member without orders has a rate of 0: it meets the maximum rate, not the minimum.
      expect(await m.conditionsMet(sys.carol.address)).to.equal(BigInt(bits(2)));
    });
  });

  describe("#requestCancellation", () => {
    async function order() {
      await sys.membership.setTier(0, 0, 0, policy()); // a one-hour window for everyone
      await (await openDirect(sys, { buyer: sys.alice, seller: sys.bob, amount: 100n * USDC })).wait();
      return sys.escrow.orderCount();
    }

    it("refunds by the buyer's refund mode within the initiator's window", async () => {
      const m = sys.membership;
      const id = await order();
      await expect(m.connect(sys.alice).requestCancellation(id, 16, 0))
        .to.emit(m, "CancellationRequested")
        .withArgs(id, sys.alice.address, 16n, BigInt(Party.Buyer), BigInt(Mode.Wallet));
      expect((await sys.escrow.order(id)).status).to.equal(5n); // Refunded
      expect(await sys.escrow.owedTo(sys.alice.address)).to.equal(100n * USDC);
    });

    it("refuses strangers, closed orders, unknown reasons, blaming the other party and a closed window", async () => {
      const m = sys.membership;
      const id = await order();
      await expect(m.connect(sys.stranger).requestCancellation(id, 16, 0))
        .to.be.revertedWithCustomError(m, "NotAParty")
        .withArgs(id, sys.stranger.address);
      await expect(m.connect(sys.alice).requestCancellation(id, 30, 0))
        .to.be.revertedWithCustomError(m, "UnknownReason")
        .withArgs(30n);
      await expect(m.connect(sys.alice).requestCancellation(id, 18, 0))
        .to.be.revertedWithCustomError(m, "ReasonBlamesOtherParty")
        .withArgs(18n, BigInt(Party.Seller));
      const opened = (await sys.escrow.order(id)).openedAt;
      await networkHelpers.time.increase(3_601);
      await expect(m.connect(sys.alice).requestCancellation(id, 16, 0))
        .to.be.revertedWithCustomError(m, "CancelWindowClosed")
        .withArgs(id, opened + 3_600n);
      await sys.escrow.connect(sys.bob).markShipped(id, ethers.id("tracking"));
      await expect(m.connect(sys.bob).requestCancellation(id, 18, 0))
        .to.be.revertedWithCustomError(m, "OrderNotCancellable")
        .withArgs(id, 3n); // Shipped
    });
  });

  describe("rewards: #fundRewards, #claimRewards, #withdrawRewardSurplus", () => {
    it("funds the pool, pays claims as bid-token credit and lets the admin take only the surplus", async () => {
      const m = sys.membership;
      const address = await m.getAddress();
      await sys.usdc.connect(sys.carol).approve(address, 10n * USDC);
      await expect(m.connect(sys.carol).fundRewards(10n * USDC))
        .to.emit(m, "RewardsFunded")
        .withArgs(sys.carol.address, 10n * USDC);
      expect(await m.rewardPool()).to.equal(10n * USDC);
      await m.setTier(0, 0, 0, policy({ rewardBps: 100 }));
      await m.connect(asEscrow).onOrderOpened(1, sys.alice.address, sys.bob.address, 100n * USDC, USDC);
      await completed(1n, USDC);
      const { listing } = await createListing(sys);
      const token = await buy(sys, listing, sys.alice, 1n);
      await expect(m.connect(sys.alice).claimRewards(token))
        .to.emit(m, "RewardsClaimed")
        .withArgs(sys.alice.address, token, USDC);
      expect(await sys.bidToken.creditOf(token)).to.equal(USDC);
      expect([await m.rewardPool(), await m.totalClaimable()]).to.deep.equal([9n * USDC, 0n]);
      await expect(m.withdrawRewardSurplus(sys.dave.address, 9n * USDC))
        .to.emit(m, "RewardSurplusWithdrawn")
        .withArgs(sys.dave.address, 9n * USDC);
      expect(await sys.usdc.balanceOf(address)).to.equal(0n);
    });

    it("refuses zero amounts, claims without a token or a reward, a short pool, more than the surplus, strangers", async () => {
      const m = sys.membership;
      await expect(m.connect(sys.carol).fundRewards(0)).to.be.revertedWithCustomError(m, "ZeroInput");
      await expect(m.withdrawRewardSurplus(ethers.ZeroAddress, 1)).to.be.revertedWithCustomError(m, "ZeroInput");
      const { listing } = await createListing(sys);
      const token = await buy(sys, listing, sys.alice, 1n);
      await expect(m.connect(sys.bob).claimRewards(token))
        .to.be.revertedWithCustomError(m, "NotTokenHolder")
        .withArgs(token, sys.bob.address);
      await expect(m.connect(sys.alice).claimRewards(token))
        .to.be.revertedWithCustomError(m, "NothingToClaim")
        .withArgs(sys.alice.address);
      await m.setTier(0, 0, 0, policy({ rewardBps: 100 }));
      await m.connect(asEscrow).onOrderOpened(1, sys.alice.address, sys.bob.address, 100n * USDC, USDC);
      await completed(1n, USDC);
      await expect(m.connect(sys.alice).claimRewards(token))
        .to.be.revertedWithCustomError(m, "RewardPoolShort")
        .withArgs(USDC, 0n);
      await sys.usdc.connect(sys.carol).approve(await m.getAddress(), 3n * USDC);
      await m.connect(sys.carol).fundRewards(3n * USDC);
      await expect(m.withdrawRewardSurplus(sys.dave.address, 2n * USDC + 1n))
        .to.be.revertedWithCustomError(m, "RewardPoolShort")
        .withArgs(2n * USDC + 1n, 2n * USDC);
      await expect(m.connect(sys.stranger).withdrawRewardSurplus(sys.dave.address, 1))
        .to.be.revertedWithCustomError(m, "AccessControlUnauthorizedAccount")
        .withArgs(sys.stranger.address, ADMIN_ROLE);
    });

    it("refuses a fee-on-transfer funding with what arrived", async () => {
      const base = sys;
      const fee = await new FeeToken__factory(base.admin).deploy();
      const other = await deployWithToken(base, await fee.getAddress());
      await fee.setFeeBps(100);
      await other.usdc.connect(other.alice).approve(await other.membership.getAddress(), 100n * USDC);
      await expect(other.membership.connect(other.alice).fundRewards(100n * USDC))
        .to.be.revertedWithCustomError(other.membership, "TransferAmountMismatch")
        .withArgs(100n * USDC, 99n * USDC);
    });
  });
});
