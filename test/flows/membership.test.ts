import { expect } from "chai";
import {
  DAY,
  deployFixture,
  ethers,
  networkHelpers,
  openDirect,
  USDC,
  tierPolicy as policy,
  conditionBits as bits,
} from "../fixtures.js";
import type { System } from "../fixtures.js";

/** SPEC §4.6: counters, conditions, tiers by priority, policies, and the escrow's reports moving tiers. */

enum Kind {
  Unset,
  MinCompleted,
  MaxCancellationRateBps,
  MinCancellationRateBps,
  MinRecentSales,
  MinHelpfulReviews,
  Registered,
  MinOrders,
  MaxStakeCancellations,
}
enum Party {
  None,
  Buyer,
  Seller,
  Both,
}

describe("Membership tiers and policies", () => {
  let sys: System;
  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(deployFixture);
    // Bob sells direct orders here; only orders with a verified seller count toward tiers.
    await sys.marketplace.verifySeller(sys.bob.address, ethers.id("kyc:bob"));
  });

  describe("tier resolution (source document 001's example)", () => {
    // Conditions 1 … 9 of the source are ids 0 … 8 here. Prerequisites: A [1,2,4,5], B [1,2,3,6],
    // C [1,2,3,6,8], D [9], E [1,3,4,7]; priorities A > B > E, and D lowest.
    const A = bits(0, 1, 3, 4);
    const B = bits(0, 1, 2, 5);
    const C = bits(0, 1, 2, 5, 7);
    const D = bits(8);
    const E = bits(0, 2, 3, 6);
    async function configure(cPriority: number) {
      for (let i = 0; i < 9; i++)
        await sys.membership.setCondition(i, { kind: Kind.MinCompleted, threshold: i + 1 });
      await sys.membership.setTier(1, A, 50, policy());
      await sys.membership.setTier(2, B, 40, policy());
      await sys.membership.setTier(3, C, cPriority, policy());
      await sys.membership.setTier(4, D, 10, policy());
      await sys.membership.setTier(5, E, 30, policy());
    }

    it("overlapping prerequisites go to the highest priority; a member meeting none has the default tier", async () => {
      await configure(45);
      const m = sys.membership;
      expect(await m.tierFor(bits(0, 1, 2, 3, 4, 5, 6))).to.equal(1n); // meets A, B and E: A wins
      expect(await m.tierFor(bits(0, 1, 2, 3, 5, 6))).to.equal(2n); // meets B and E: B wins
      expect(await m.tierFor(bits(0, 2, 3, 6))).to.equal(5n); // E only
      expect(await m.tierFor(bits(8))).to.equal(4n); // D
      expect(await m.tierFor(bits(0, 1, 2))).to.equal(0n); // none complete
      expect(await m.tierFor(0)).to.equal(0n);
    });

    it("a superset prerequisite wins only with a higher priority than its subset", async () => {
      await configure(45); // C above B
      expect(await sys.membership.tierFor(C)).to.equal(3n);
      await sys.membership.setTier(3, C, 35, policy()); // C below B
      expect(await sys.membership.tierFor(C)).to.equal(2n);
      // Gaining condition 8 moves a B member to C only when C outranks B.
      await sys.membership.setTier(3, C, 45, policy());
      expect(await sys.membership.tierFor(B)).to.equal(2n);
      expect(await sys.membership.tierFor(B | bits(7))).to.equal(3n);
    });
  });

  describe("configuration bad input", () => {
    it("refuses equal priorities, out-of-range or unset conditions, fees above 10,000 bps, gaps and strangers", async () => {
      const m = sys.membership;
      await m.setCondition(0, { kind: Kind.MinCompleted, threshold: 1 });
      await m.setTier(1, bits(0), 10, policy());
      await expect(m.setTier(2, bits(0), 10, policy()))
        .to.be.revertedWithCustomError(m, "DuplicatePriority")
        .withArgs(10n, 1n);
      await expect(m.setCondition(32, { kind: Kind.MinCompleted, threshold: 1 }))
        .to.be.revertedWithCustomError(m, "ConditionOutOfRange")
        .withArgs(32n);
      await expect(m.setCondition(3, { kind: Kind.Unset, threshold: 1 }))
        .to.be.revertedWithCustomError(m, "ConditionOutOfRange")
        .withArgs(3n);
      await expect(m.setTier(2, bits(5), 20, policy()))
        .to.be.revertedWithCustomError(m, "ConditionOutOfRange")
        .withArgs(5n);
      await expect(m.setTier(2, bits(0), 20, policy({ feeBps: 10_001 })))
        .to.be.revertedWithCustomError(m, "BpsTooHigh")
        .withArgs(10_001n);
      await expect(m.setTier(2, bits(0), 20, policy({ rewardBps: 20_000 })))
        .to.be.revertedWithCustomError(m, "BpsTooHigh")
        .withArgs(20_000n);
      await expect(m.setCondition(1, { kind: Kind.MaxCancellationRateBps, threshold: 10_001 }))
        .to.be.revertedWithCustomError(m, "BpsTooHigh")
        .withArgs(10_001n);
      await expect(m.setTier(3, bits(0), 20, policy()))
        .to.be.revertedWithCustomError(m, "TierOutOfRange")
        .withArgs(3n);
      await expect(m.setTier(0, bits(0), 0, policy())).to.be.revertedWithCustomError(
        m,
        "DefaultTierHasConditions",
      );
      await expect(m.connect(sys.stranger).setTier(2, 0, 20, policy()))
        .to.be.revertedWithCustomError(m, "AccessControlUnauthorizedAccount")
        .withArgs(sys.stranger.address, ethers.ZeroHash);
      const reviewer = await m.REVIEWER_ROLE();
      await expect(m.connect(sys.stranger).recordReview(sys.alice.address, 90))
        .to.be.revertedWithCustomError(m, "AccessControlUnauthorizedAccount")
        .withArgs(sys.stranger.address, reviewer);
      await expect(m.connect(sys.stranger).onOrderCompleted(1, sys.alice.address, sys.bob.address, 1, 0, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(m, "NotAReporter")
        .withArgs(sys.stranger.address);
      await expect(m.connect(sys.stranger).onStakeCancelled(sys.alice.address))
        .to.be.revertedWithCustomError(m, "NotAReporter")
        .withArgs(sys.stranger.address);
      await expect(m.setStakeCancelCutoff(31 * DAY))
        .to.be.revertedWithCustomError(m, "CutoffTooLong")
        .withArgs(BigInt(31 * DAY));
    });
  });

  describe("counters from the escrow's reports", () => {
    // Tier 1 "trusted": ≥ 2 completed and a cancellation rate ≤ 20%. Tier 2 "abuser": rate ≥ 70%, top priority.
    // Tier 3 "top seller": ≥ 3 sales in the last 10 days.
    beforeEach(async () => {
      const m = sys.membership;
      // Rewards never exceed the platform fee of the order (README "Rewards"): a 10% fee leaves the 1% reward whole.
      await sys.escrow.setDirectFee(1_000);
      await m.setCondition(0, { kind: Kind.MinCompleted, threshold: 2 });
      await m.setCondition(1, { kind: Kind.MaxCancellationRateBps, threshold: 2_000 });
      await m.setCondition(2, { kind: Kind.MinCancellationRateBps, threshold: 7_000 });
      await m.setCondition(3, { kind: Kind.MinRecentSales, threshold: 3 });
      await m.setTier(1, bits(0, 1), 10, policy({ cancelWindow: 86_400, rewardBps: 100 }));
      await m.setTier(2, bits(2), 99, policy({ cancelWindow: 0, refundMode: 2, feeBps: 500 }));
      await m.setTier(3, bits(0, 1, 3), 20, policy({ autoRelist: true }));
    });

    async function order(amount = 100n * USDC) {
      await (await openDirect(sys, { buyer: sys.alice, seller: sys.bob, amount })).wait();
      return sys.escrow.orderCount();
    }

    it("completions move both parties up; rewards follow the buyer's tier; the status screen says what is missing", async () => {
      const m = sys.membership;
      const first = await order();
      await expect(sys.escrow.connect(sys.alice).release(first))
        .to.emit(m, "CountersUpdated")
        .and.not.to.emit(m, "RewardEarned");
      let [tier, met, next, missing] = await m.status(sys.alice.address);
      expect(tier).to.equal(0n);
      expect(next).to.equal(1n);
      expect(missing).to.equal(BigInt(bits(0))); // one more completion
      expect(met & BigInt(bits(1))).to.equal(BigInt(bits(1)));

      const second = await order();
      const tx = sys.escrow.connect(sys.alice).release(second);
      await expect(tx).to.emit(m, "TierChanged").withArgs(sys.alice.address, 0n, 1n);
      await expect(tx).to.emit(m, "TierChanged").withArgs(sys.bob.address, 0n, 1n);
      const counters = await m.countersOf(sys.alice.address);
      expect([counters.orders, counters.completed, counters.tier]).to.deep.equal([2n, 2n, 1n]);
      expect((await m.policyOf(sys.alice.address)).cancelWindow).to.equal(86_400n);

      // Now in tier 1, the buyer earns 1% of the next order as reward credit.
      const third = await order(200n * USDC);
      await expect(sys.escrow.connect(sys.alice).release(third))
        .to.emit(m, "RewardEarned")
        .withArgs(sys.alice.address, third, 2n * USDC);
      expect(await m.rewardsEarned(sys.alice.address)).to.equal(2n * USDC);
      // Bob made three sales within ten days: the top-seller tier outranks tier 1.
      expect(await m.recentSales(sys.bob.address)).to.equal(3n);
      expect((await m.countersOf(sys.bob.address)).tier).to.equal(3n);
      // The next tier by priority is the abuser tier (it outranks everything so that it always applies).
      [tier, , next, missing] = await m.status(sys.bob.address);
      expect([tier, next, missing]).to.deep.equal([3n, 2n, BigInt(bits(2))]);

      // Eleven days on, the sales have aged out; a refresh moves Bob back down.
      await networkHelpers.time.increase(11 * DAY);
      expect(await m.recentSales(sys.bob.address)).to.equal(0n);
      await expect(m.refresh(sys.bob.address)).to.emit(m, "TierChanged").withArgs(sys.bob.address, 3n, 1n);
    });

    it("cancellations attributed to the buyer drive it down to the abuser tier; the seller is not charged", async () => {
      const m = sys.membership;
      for (let i = 0; i < 3; i++) {
        const id = await order();
        await sys.escrow.connect(sys.alice).agreeToCancel(id, Party.Buyer, 16);
        await sys.escrow.connect(sys.bob).agreeToCancel(id, Party.Buyer, 16);
      }
      const a = await m.countersOf(sys.alice.address);
      expect([a.orders, a.cancelledAsBuyer, a.tier]).to.deep.equal([3n, 3n, 2n]);
      const b = await m.countersOf(sys.bob.address);
      expect([b.orders, b.cancelledAsSeller, b.tier]).to.deep.equal([3n, 0n, 0n]);
      expect((await m.policyOf(sys.alice.address)).feeBps).to.equal(500n);
    });

    it("a missed ship-by is charged to the seller", async () => {
      const id = await order();
      await networkHelpers.time.increase(11 * DAY);
      await sys.escrow.connect(sys.alice).refundUnshipped(id);
      expect((await sys.membership.countersOf(sys.bob.address)).cancelledAsSeller).to.equal(1n);
      expect((await sys.membership.countersOf(sys.alice.address)).cancelledAsBuyer).to.equal(0n);
    });
  });

  it("reviews count as helpful at or above the threshold; registration is a condition", async () => {
    const m = sys.membership;
    await sys.marketplace.grantRole(await m.REVIEWER_ROLE(), sys.dave.address);
    await m.setCondition(0, { kind: Kind.MinHelpfulReviews, threshold: 2 });
    await m.setCondition(1, { kind: Kind.Registered, threshold: 0 });
    await m.setTier(1, bits(0, 1), 5, policy());
    await expect(m.connect(sys.dave).recordReview(sys.carol.address, 59))
      .to.emit(m, "ReviewRecorded")
      .withArgs(sys.dave.address, sys.carol.address, 59n, false);
    await m.connect(sys.dave).recordReview(sys.carol.address, 60);
    await m.connect(sys.dave).recordReview(sys.carol.address, 100);
    expect((await m.countersOf(sys.carol.address)).helpfulReviews).to.equal(2n);
    expect((await m.countersOf(sys.carol.address)).tier).to.equal(0n); // not registered yet
    await expect(m.connect(sys.carol).register())
      .to.emit(m, "TierChanged")
      .withArgs(sys.carol.address, 0n, 1n);
    await expect(m.connect(sys.carol).register())
      .to.be.revertedWithCustomError(m, "AlreadyRegistered")
      .withArgs(sys.carol.address);
    await expect(m.connect(sys.dave).recordReview(sys.carol.address, 101))
      .to.be.revertedWithCustomError(m, "HelpfulnessOutOfRange")
      .withArgs(101n);
  });
});
