import { expect } from "chai";
import {
  buy,
  createListing,
  DAY,
  deployFixture,
  ethers,
  fulfil,
  networkHelpers,
  openDirect,
  USDC,
  tierPolicy as policy,
} from "../fixtures.js";
import type { System } from "../fixtures.js";

/**
 * Escrow cancellation by tier policy (SPEC §4.5/§4.6, source document 001 FIG. 28, 29A, 29B): static rules, the
 * initiator's window, attribution by reason, refunds by the buyer's refund mode, rewards booked / reversed /
 * claimed as bid-token credit, relisting requests.
 */

const Party = { None: 0n, Buyer: 1n, Seller: 2n, Both: 3n };
const Mode = { Wallet: 0, Credit: 1, WalletMinusFee: 2 };
const Status = { AwaitingShipment: 2n, Shipped: 3n, Released: 4n, Refunded: 5n };
const Kind = { MinCancellationRateBps: 3, Registered: 6 };
const Reason = { ChangedMind: 16, Mistake: 17, OutOfStock: 18, CannotShip: 19, Terms: 20 };
const AMOUNT = 100n * USDC;


describe("Escrow cancellation by tier policy", () => {
  let sys: System;
  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(deployFixture);
    // Bob sells direct orders here; only orders with a verified seller count toward tiers.
    await sys.marketplace.verifySeller(sys.bob.address, ethers.id("kyc:bob"));
  });

  /** The default tier's policy (every member without conditions is in it). */
  const setDefault = (over: Partial<Record<string, unknown>> = {}) => sys.membership.setTier(0, 0, 0, policy(over));

  /** Alice buys a paid-in-full direct order from Bob. */
  async function order(amount = AMOUNT) {
    await (await openDirect(sys, { buyer: sys.alice, seller: sys.bob, amount })).wait();
    return sys.escrow.orderCount();
  }

  /** Alice opens a paid-in-full direct order from Bob; returns the transaction. */
  async function openTx(amount = AMOUNT) {
    return openDirect(sys, { buyer: sys.alice, seller: sys.bob, amount });
  }

  /** A bid token held by `who` (one stake in a fresh listing). */
  async function bidTokenOf(who = sys.alice) {
    const { listing } = await createListing(sys);
    return buy(sys, listing, who, 1n);
  }

  async function expectEscrowBooks() {
    expect(await sys.usdc.balanceOf(await sys.escrow.getAddress())).to.equal(await sys.escrow.totalHeld());
  }

  async function expectVaultBooks() {
    expect(await sys.usdc.balanceOf(await sys.vault.getAddress())).to.equal(await sys.vault.totalOwed());
  }

  async function expectRewardBooks() {
    expect(await sys.usdc.balanceOf(await sys.membership.getAddress())).to.equal(await sys.membership.rewardPool());
  }

  describe("refund modes (the buyer's tier)", () => {
    it("Wallet: what was paid is owed to the buyer; the buyer is charged, the seller only counts an order", async () => {
      const m = sys.membership;
      const id = await order();
      const openedAt = (await sys.escrow.order(id)).openedAt;
      expect(openedAt).to.equal(BigInt(await networkHelpers.time.latest()));
      const tx = m.connect(sys.alice).requestCancellation(id, Reason.ChangedMind, 0);
      await expect(tx)
        .to.emit(m, "CancellationRequested")
        .withArgs(id, sys.alice.address, Reason.ChangedMind, Party.Buyer, Mode.Wallet);
      await expect(tx)
        .to.emit(sys.escrow, "OrderRefunded")
        .withArgs(id, sys.alice.address, AMOUNT, Party.Buyer, Reason.ChangedMind);
      expect((await sys.escrow.order(id)).status).to.equal(Status.Refunded);
      expect(await sys.escrow.owedTo(sys.alice.address)).to.equal(AMOUNT);
      const a = await m.countersOf(sys.alice.address);
      expect([a.orders, a.cancelledAsBuyer, a.cancelledAsSeller]).to.deep.equal([1n, 1n, 0n]);
      const b = await m.countersOf(sys.bob.address);
      expect([b.orders, b.cancelledAsBuyer, b.cancelledAsSeller]).to.deep.equal([1n, 0n, 0n]);
      await expect(sys.escrow.connect(sys.alice).withdraw(sys.alice.address)).to.changeTokenBalance(
        ethers,
        sys.usdc,
        sys.alice,
        AMOUNT,
      );
      await expectEscrowBooks();
    });

    it("Credit: what was paid becomes credit on a bid token the buyer holds (escrow → topUp)", async () => {
      await setDefault({ refundMode: Mode.Credit });
      const token = await bidTokenOf(sys.alice);
      const bobToken = await bidTokenOf(sys.bob);
      const id = await order();
      await expect(sys.membership.connect(sys.alice).requestCancellation(id, Reason.ChangedMind, bobToken))
        .to.be.revertedWithCustomError(sys.escrow, "CreditTokenNotHeld")
        .withArgs(bobToken, sys.alice.address);
      const creditBefore = await sys.bidToken.creditOf(token);
      const heldBefore = await sys.escrow.totalHeld();
      const tx = sys.membership.connect(sys.alice).requestCancellation(id, Reason.ChangedMind, token);
      await expect(tx).to.emit(sys.escrow, "RefundSplit").withArgs(id, Mode.Credit, 0n, AMOUNT, token, 0n);
      await expect(tx).to.changeTokenBalances(
        ethers,
        sys.usdc,
        [sys.escrow, sys.bidToken, sys.alice],
        [-AMOUNT, AMOUNT, 0n],
      );
      expect(await sys.bidToken.creditOf(token)).to.equal(creditBefore + AMOUNT);
      expect(await sys.escrow.owedTo(sys.alice.address)).to.equal(0n);
      expect(await sys.escrow.totalHeld()).to.equal(heldBefore - AMOUNT);
      expect(await sys.usdc.allowance(await sys.escrow.getAddress(), await sys.bidToken.getAddress())).to.equal(0n);
      await expectEscrowBooks();
    });

    it("WalletMinusFee: the fee goes to the vault's recipients by share, the rest is owed to the buyer", async () => {
      await setDefault({ refundMode: Mode.WalletMinusFee, feeBps: 500 });
      await sys.vault.setRecipients([
        { account: sys.admin.address, shareBps: 7_000 },
        { account: sys.dave.address, shareBps: 3_000 },
      ]);
      const id = await order(101n * USDC + 7n);
      const paid = 101n * USDC + 7n;
      const fee = (paid * 500n) / 10_000n;
      const tx = sys.membership.connect(sys.alice).requestCancellation(id, Reason.Mistake, 0);
      await expect(tx).to.emit(sys.escrow, "RefundSplit").withArgs(id, Mode.WalletMinusFee, paid - fee, 0n, 0n, fee);
      await expect(tx).to.emit(sys.vault, "FeeCollected").withArgs(await sys.escrow.getAddress(), fee);
      await expect(tx).to.changeTokenBalances(ethers, sys.usdc, [sys.escrow, sys.vault], [-fee, fee]);
      expect(await sys.escrow.owedTo(sys.alice.address)).to.equal(paid - fee);
      const toDave = (fee * 3_000n) / 10_000n;
      expect(await sys.vault.owedTo(sys.dave.address)).to.equal(toDave);
      expect(await sys.vault.owedTo(sys.admin.address)).to.equal(fee - toDave);
      await expectVaultBooks();
      await expectEscrowBooks();
      await sys.vault.connect(sys.dave).withdraw(sys.dave.address);
      await expectVaultBooks();
    });

    it("a seller's cancellation refunds the buyer in full to its wallet, whatever the buyer's mode", async () => {
      await setDefault({ refundMode: Mode.WalletMinusFee, feeBps: 2_000 });
      const id = await order();
      await expect(sys.membership.connect(sys.bob).requestCancellation(id, Reason.OutOfStock, 0))
        .to.emit(sys.membership, "CancellationRequested")
        .withArgs(id, sys.bob.address, Reason.OutOfStock, Party.Seller, Mode.Wallet);
      expect(await sys.escrow.owedTo(sys.alice.address)).to.equal(AMOUNT);
      expect((await sys.membership.countersOf(sys.bob.address)).cancelledAsSeller).to.equal(1n);
      expect((await sys.membership.countersOf(sys.alice.address)).cancelledAsBuyer).to.equal(0n);
    });

    it("a deposit order refunds only the deposit", async () => {
      await setDefault({ refundMode: Mode.WalletMinusFee, feeBps: 1_000 });
      await (await openDirect(sys, { buyer: sys.alice, seller: sys.bob, amount: AMOUNT, upfrontBps: 1_000n })).wait();
      const id = await sys.escrow.orderCount();
      await sys.membership.connect(sys.alice).requestCancellation(id, Reason.ChangedMind, 0);
      expect(await sys.escrow.owedTo(sys.alice.address)).to.equal(9n * USDC); // 10 paid, 1 fee
      await expectEscrowBooks();
      await expectVaultBooks();
    });
  });

  describe("static rules, windows and attribution", () => {
    it("only the buyer or the seller, only before shipment, never after release", async () => {
      const m = sys.membership;
      const id = await order();
      await expect(m.connect(sys.stranger).requestCancellation(id, Reason.ChangedMind, 0))
        .to.be.revertedWithCustomError(m, "NotAParty")
        .withArgs(id, sys.stranger.address);
      await sys.escrow.connect(sys.bob).markShipped(id, ethers.id("track"));
      await expect(m.connect(sys.alice).requestCancellation(id, Reason.ChangedMind, 0))
        .to.be.revertedWithCustomError(m, "OrderNotCancellable")
        .withArgs(id, Status.Shipped);
      // Once shipped, the parties can still agree in the escrow.
      await sys.escrow.connect(sys.alice).agreeToCancel(id, Party.Both, 20);
      await sys.escrow.connect(sys.bob).agreeToCancel(id, Party.Both, 20);
      expect((await sys.escrow.order(id)).status).to.equal(Status.Refunded);

      const released = await order();
      await sys.escrow.connect(sys.alice).release(released);
      await expect(m.connect(sys.alice).requestCancellation(released, Reason.ChangedMind, 0))
        .to.be.revertedWithCustomError(m, "OrderNotCancellable")
        .withArgs(released, Status.Released);
      await expect(m.connect(sys.alice).requestCancellation(99, Reason.ChangedMind, 0))
        .to.be.revertedWithCustomError(m, "NotAParty")
        .withArgs(99n, sys.alice.address);
    });

    it("the reason must be known and charge the initiator; Both charges both parties", async () => {
      const m = sys.membership;
      const id = await order();
      await expect(m.connect(sys.alice).requestCancellation(id, 30, 0))
        .to.be.revertedWithCustomError(m, "UnknownReason")
        .withArgs(30);
      await expect(m.connect(sys.alice).requestCancellation(id, Reason.OutOfStock, 0))
        .to.be.revertedWithCustomError(m, "ReasonBlamesOtherParty")
        .withArgs(Reason.OutOfStock, Party.Seller);
      await expect(m.connect(sys.bob).requestCancellation(id, Reason.ChangedMind, 0))
        .to.be.revertedWithCustomError(m, "ReasonBlamesOtherParty")
        .withArgs(Reason.ChangedMind, Party.Buyer);
      await m.connect(sys.bob).requestCancellation(id, Reason.Terms, 0);
      expect((await m.countersOf(sys.alice.address)).cancelledAsBuyer).to.equal(1n);
      expect((await m.countersOf(sys.bob.address)).cancelledAsSeller).to.equal(1n);
    });

    it("the reason table is the admin's: defaults, new codes, disabled codes, reserved codes", async () => {
      const m = sys.membership;
      expect(await m.reasonRule(Reason.ChangedMind)).to.deep.equal([true, Party.Buyer]);
      expect(await m.reasonRule(Reason.OutOfStock)).to.deep.equal([true, Party.Seller]);
      expect(await m.reasonRule(Reason.Terms)).to.deep.equal([true, Party.Both]);
      await expect(m.setReason(40, true, Party.Both)).to.emit(m, "ReasonSet").withArgs(40, true, Party.Both);
      await m.setReason(Reason.ChangedMind, false, Party.Buyer);
      await expect(m.setReason(5, true, Party.Buyer)).to.be.revertedWithCustomError(m, "ReasonOutOfRange").withArgs(5n);
      await expect(m.connect(sys.stranger).setReason(41, true, Party.Buyer))
        .to.be.revertedWithCustomError(m, "AccessControlUnauthorizedAccount")
        .withArgs(sys.stranger.address, ethers.ZeroHash);
      const id = await order();
      await expect(m.connect(sys.alice).requestCancellation(id, Reason.ChangedMind, 0))
        .to.be.revertedWithCustomError(m, "UnknownReason")
        .withArgs(Reason.ChangedMind);
      await m.connect(sys.alice).requestCancellation(id, 40, 0);
      expect((await m.countersOf(sys.bob.address)).cancelledAsSeller).to.equal(1n);
    });

    it("the window is the initiator's tier's, counted from the order's opening; 0 allows none", async () => {
      const m = sys.membership;
      // Registered sellers get a two-day window; everyone else the default hour.
      await m.setCondition(0, { kind: Kind.Registered, threshold: 0 });
      await m.setTier(1, 1, 10, policy({ cancelWindow: 2 * DAY }));
      await m.connect(sys.bob).register();
      const id = await order();
      const openedAt = (await sys.escrow.order(id)).openedAt;
      await networkHelpers.time.increaseTo(openedAt + 3_600n);
      // At the hour's last second the buyer may still cancel (simulated), one second later not.
      await m.connect(sys.alice).requestCancellation.staticCall(id, Reason.ChangedMind, 0);
      await networkHelpers.time.increaseTo(openedAt + 3_601n);
      await expect(m.connect(sys.alice).requestCancellation(id, Reason.ChangedMind, 0))
        .to.be.revertedWithCustomError(m, "CancelWindowClosed")
        .withArgs(id, openedAt + 3_600n);
      await networkHelpers.time.increaseTo(openedAt + BigInt(DAY));
      await expect(m.connect(sys.bob).requestCancellation(id, Reason.CannotShip, 0))
        .to.emit(sys.escrow, "OrderRefunded")
        .withArgs(id, sys.alice.address, AMOUNT, Party.Seller, Reason.CannotShip);

      await setDefault({ cancelWindow: 0 });
      const other = await order();
      await expect(m.connect(sys.alice).requestCancellation(other, Reason.ChangedMind, 0))
        .to.be.revertedWithCustomError(m, "CancelWindowClosed")
        .withArgs(other, (await sys.escrow.order(other)).openedAt);
    });

    it("cancellations move tiers: an abusive buyer drops to the abuser tier and its stricter policy", async () => {
      const m = sys.membership;
      await m.setCondition(0, { kind: Kind.MinCancellationRateBps, threshold: 5_000 });
      await m.setTier(1, 1, 99, policy({ cancelWindow: 600, refundMode: Mode.WalletMinusFee, feeBps: 1_000 }));
      const first = await order();
      const tx = m.connect(sys.alice).requestCancellation(first, Reason.ChangedMind, 0);
      await expect(tx).to.emit(m, "TierChanged").withArgs(sys.alice.address, 0n, 1n);
      expect((await m.countersOf(sys.bob.address)).tier).to.equal(0n);
      expect(await sys.escrow.owedTo(sys.alice.address)).to.equal(AMOUNT);
      // Its next cancellation is judged by the abuser tier: a ten-minute window and a 10% fee.
      const second = await order();
      await networkHelpers.time.increase(601);
      await expect(m.connect(sys.alice).requestCancellation(second, Reason.ChangedMind, 0)).to.be.revertedWithCustomError(
        m,
        "CancelWindowClosed",
      );
      const third = await order();
      await m.connect(sys.alice).requestCancellation(third, Reason.ChangedMind, 0);
      expect(await sys.escrow.owedTo(sys.alice.address)).to.equal(AMOUNT + 90n * USDC);
    });

    it("the escrow's policy entry point is for POLICY_ROLE holders and checks the fee", async () => {
      const id = await order();
      const role = await sys.escrow.POLICY_ROLE();
      expect(await sys.marketplace.hasRole(role, await sys.membership.getAddress())).to.equal(true);
      const refund = { mode: Mode.WalletMinusFee, feeBps: 10_001, creditTokenId: 0 };
      await expect(sys.escrow.connect(sys.stranger).cancelByPolicy(id, Party.Buyer, 16, refund))
        .to.be.revertedWithCustomError(sys.escrow, "AccessControlUnauthorizedAccount")
        .withArgs(sys.stranger.address, role);
      await sys.marketplace.grantRole(role, sys.admin.address);
      await expect(sys.escrow.cancelByPolicy(id, Party.Buyer, 16, refund))
        .to.be.revertedWithCustomError(sys.escrow, "FeeTooHigh")
        .withArgs(10_001n);
      await expect(sys.escrow.cancelByPolicy(id, Party.Buyer, 3, { ...refund, feeBps: 0 }))
        .to.be.revertedWithCustomError(sys.escrow, "ReasonReserved")
        .withArgs(3);
      await sys.escrow.cancelByPolicy(id, Party.Buyer, 16, { ...refund, feeBps: 10_000 });
      expect(await sys.escrow.owedTo(sys.alice.address)).to.equal(0n);
      await expectEscrowBooks();
      await expectVaultBooks();
    });

    it("the vault's fee intake refuses zero and books any payer exactly", async () => {
      await expect(sys.vault.collectFee(0)).to.be.revertedWithCustomError(sys.vault, "ZeroAmount");
      await sys.usdc.connect(sys.carol).approve(await sys.vault.getAddress(), 5n);
      await expect(sys.vault.connect(sys.carol).collectFee(5n))
        .to.emit(sys.vault, "FeeCollected")
        .withArgs(sys.carol.address, 5n);
      await expectVaultBooks();
    });
  });

  describe("rewards", () => {
    // Rewards never exceed the platform fee of the order (README "Rewards"): the highest fee, 10%.
    beforeEach(async () => {
      await sys.escrow.setDirectFee(1_000);
    });

    it("booked at opening, reversed on cancellation, claimable on completion as bid-token credit", async () => {
      const m = sys.membership;
      await setDefault({ rewardBps: 100 }); // 1%
      const reward = AMOUNT / 100n;
      const cancelled = await order();
      expect(await m.pendingReward(cancelled)).to.equal(reward);
      await expect(m.connect(sys.alice).requestCancellation(cancelled, Reason.ChangedMind, 0))
        .to.emit(m, "RewardReversed")
        .withArgs(sys.alice.address, cancelled, reward);
      expect(await m.pendingReward(cancelled)).to.equal(0n);
      expect(await m.claimableRewards(sys.alice.address)).to.equal(0n);

      // A pending reward is also reversed when the seller cancels or the order is refunded otherwise.
      const unshipped = await order();
      await networkHelpers.time.increase(11 * DAY);
      await expect(sys.escrow.connect(sys.alice).refundUnshipped(unshipped))
        .to.emit(m, "RewardReversed")
        .withArgs(sys.alice.address, unshipped, reward);

      const completed = (await sys.escrow.orderCount()) + 1n;
      await expect(openTx())
        .to.emit(m, "RewardPending")
        .withArgs(sys.alice.address, completed, reward);
      // The tier changing after opening does not change the booked reward.
      await setDefault({ rewardBps: 5_000 });
      await expect(sys.escrow.connect(sys.alice).release(completed))
        .to.emit(m, "RewardEarned")
        .withArgs(sys.alice.address, completed, reward);
      expect(await m.claimableRewards(sys.alice.address)).to.equal(reward);
      expect(await m.totalClaimable()).to.equal(reward);
      expect(await m.rewardsEarned(sys.alice.address)).to.equal(reward);

      const token = await bidTokenOf(sys.alice);
      const bobToken = await bidTokenOf(sys.bob);
      await expect(m.connect(sys.alice).claimRewards(token))
        .to.be.revertedWithCustomError(m, "RewardPoolShort")
        .withArgs(reward, 0n);
      await sys.usdc.approve(await m.getAddress(), 10n * USDC);
      await sys.usdc.mint(sys.admin.address, 10n * USDC);
      await expect(m.fundRewards(10n * USDC)).to.emit(m, "RewardsFunded").withArgs(sys.admin.address, 10n * USDC);
      await expectRewardBooks();
      await expect(m.connect(sys.alice).claimRewards(bobToken))
        .to.be.revertedWithCustomError(m, "NotTokenHolder")
        .withArgs(bobToken, sys.alice.address);
      const creditBefore = await sys.bidToken.creditOf(token);
      await expect(m.connect(sys.alice).claimRewards(token))
        .to.emit(m, "RewardsClaimed")
        .withArgs(sys.alice.address, token, reward);
      expect(await sys.bidToken.creditOf(token)).to.equal(creditBefore + reward);
      expect(await m.claimableRewards(sys.alice.address)).to.equal(0n);
      expect(await m.rewardPool()).to.equal(10n * USDC - reward);
      await expectRewardBooks();
      await expect(m.connect(sys.alice).claimRewards(token))
        .to.be.revertedWithCustomError(m, "NothingToClaim")
        .withArgs(sys.alice.address);

      // Surplus beyond what members can claim is the admin's to withdraw, and no more.
      const surplus = 10n * USDC - reward;
      await expect(m.connect(sys.stranger).withdrawRewardSurplus(sys.stranger.address, 1n)).to.be.revertedWithCustomError(
        m,
        "AccessControlUnauthorizedAccount",
      );
      await expect(m.withdrawRewardSurplus(sys.admin.address, surplus + 1n))
        .to.be.revertedWithCustomError(m, "RewardPoolShort")
        .withArgs(surplus + 1n, surplus);
      await expect(m.withdrawRewardSurplus(sys.admin.address, surplus)).to.changeTokenBalance(
        ethers,
        sys.usdc,
        sys.admin,
        surplus,
      );
      await expectRewardBooks();
      await expect(m.fundRewards(0)).to.be.revertedWithCustomError(m, "ZeroInput");
    });

    it("the pool's books stay exact over many funds, completions, cancellations and claims", async () => {
      const m = sys.membership;
      await setDefault({ rewardBps: 250 });
      const token = await bidTokenOf(sys.alice);
      await sys.usdc.connect(sys.carol).approve(await m.getAddress(), ethers.MaxUint256);
      let claimed = 0n;
      for (let i = 0; i < 6; i++) {
        const id = await order(AMOUNT + BigInt(i) * 3n);
        if (i % 3 === 0) await m.connect(sys.alice).requestCancellation(id, Reason.ChangedMind, 0);
        else await sys.escrow.connect(sys.alice).release(id);
        await m.connect(sys.carol).fundRewards(5n * USDC + BigInt(i));
        const claimable = await m.claimableRewards(sys.alice.address);
        if (i % 2 === 1 && claimable <= (await m.rewardPool())) {
          await m.connect(sys.alice).claimRewards(token);
          claimed += claimable;
        }
        await expectRewardBooks();
        expect(await m.totalClaimable()).to.equal(await m.claimableRewards(sys.alice.address));
        expect(await m.rewardsEarned(sys.alice.address)).to.equal(claimed + (await m.claimableRewards(sys.alice.address)));
      }
      expect(claimed).to.be.greaterThan(0n);
    });
  });

  describe("relisting", () => {
    it("requested only when the seller's tier relists, it opted in and it is not charged", async () => {
      const m = sys.membership;
      await expect(m.connect(sys.bob).setAutoRelist(true)).to.emit(m, "AutoRelistSet").withArgs(sys.bob.address, true);
      expect(await m.autoRelistOf(sys.bob.address)).to.equal(true);
      // Tier without autoRelist: no request.
      let id = await order();
      await expect(m.connect(sys.alice).requestCancellation(id, Reason.ChangedMind, 0)).not.to.emit(m, "RelistRequested");
      await setDefault({ autoRelist: true });
      id = await order();
      await expect(m.connect(sys.alice).requestCancellation(id, Reason.ChangedMind, 0))
        .to.emit(m, "RelistRequested")
        .withArgs(sys.bob.address, id, ethers.ZeroAddress, 0n);
      // The seller is charged: no relisting.
      id = await order();
      await expect(m.connect(sys.bob).requestCancellation(id, Reason.OutOfStock, 0)).not.to.emit(m, "RelistRequested");
      // Opted out: none.
      await m.connect(sys.bob).setAutoRelist(false);
      id = await order();
      await expect(m.connect(sys.alice).requestCancellation(id, Reason.ChangedMind, 0)).not.to.emit(m, "RelistRequested");
    });

    it("a settlement order's window counts from settlement; the deed returns and its relisting is requested", async () => {
      const m = sys.membership;
      await setDefault({ autoRelist: true, cancelWindow: DAY });
      await m.connect(sys.seller).setAutoRelist(true);
      const { listing, terms, deedId } = await createListing(sys, { stakeCount: 100n, threshold: 1n, price: 10n * USDC });
      await buy(sys, listing, sys.alice, 1n);
      await networkHelpers.time.increaseTo(terms.deadline);
      await listing.settle();
      const settledAt = BigInt(await networkHelpers.time.latest());
      await fulfil(sys, listing, 1n);
      await listing.finalize();
      const id = await listing.escrowOrderId();
      const o = await sys.escrow.order(id);
      expect(o.deedId).to.equal(deedId);
      expect(o.openedAt).to.equal(settledAt);
      const tx = m.connect(sys.alice).requestCancellation(id, Reason.ChangedMind, 0);
      await expect(tx)
        .to.emit(m, "RelistRequested")
        .withArgs(sys.seller.address, id, await listing.getAddress(), deedId);
      expect(await sys.deed.ownerOf(deedId)).to.equal(sys.seller.address);
      expect(await sys.escrow.owedTo(sys.alice.address)).to.equal(10n * USDC);
      await expectEscrowBooks();
    });
  });
});
