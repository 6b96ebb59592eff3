import { expect } from "chai";
import { buy, createListing, deployFixture, ethers, networkHelpers, signPermit, USDC } from "../fixtures.js";
import type { System } from "../fixtures.js";
import { lastPurchaseIndex, topUp } from "../helpers.js";
import type { Listing } from "../../typechain-types/index.js";

/** Issue 12, items 1–4: the weaknesses an independent review found in listings and bid tokens, each closed. */

enum Mode {
  Wallet,
  Credit,
  WalletMinusFee,
}
const policy = (over: Record<string, unknown> = {}) => ({
  cancelWindow: 3_600,
  refundMode: Mode.Wallet,
  feeBps: 0,
  rewardBps: 0,
  autoRelist: false,
  ...over,
});


describe("Hardening: listings and bid tokens (issue 12)", () => {
  let sys: System;
  let listing: Listing;
  let terms: Awaited<ReturnType<typeof createListing>>["terms"];
  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(deployFixture);
    ({ listing, terms } = await createListing(sys)); // 200 stakes of 10 USDC, T = 100, P = 1,000 USDC
  });

  describe("1. duplicate position lanes", () => {
    it("three buy/cancel cycles keep the listing in one lane, and the token still joins three other listings", async () => {
      const address = await listing.getAddress();
      await buy(sys, listing, sys.bob, 100n); // others hold stakes: the cycles stay well inside the free budget
      const token = await buy(sys, listing, sys.alice, 5n);
      for (let cycle = 0; cycle < 3; ++cycle) {
        await listing.connect(sys.alice).cancelPurchase(await lastPurchaseIndex(listing));
        await buy(sys, listing, sys.alice, 5n, token);
      }
      expect(await sys.bidToken.openPositions(token)).to.deep.equal([address]);

      const others: string[] = [];
      for (let i = 0; i < 3; ++i) {
        const { listing: other } = await createListing(sys);
        await buy(sys, other, sys.alice, 1n, token);
        others.push(await other.getAddress());
      }
      expect(await sys.bidToken.openPositions(token)).to.deep.equal([address, ...others]);
      // A fifth listing is one too many, as for any token with four open positions.
      const { listing: fifth } = await createListing(sys);
      await sys.usdc.connect(sys.alice).approve(await fifth.getAddress(), 10n * USDC);
      await expect(fifth.connect(sys.alice).buy(token, 1n))
        .to.be.revertedWithCustomError(sys.bidToken, "TooManyOpenPositions")
        .withArgs(token, 4n);
    });
  });

  describe("2. buyWithPermit blocked for one unit", () => {
    it("a stranger's 1-unit top-up before the purchase cannot make the signed permit fail", async () => {
      const address = await listing.getAddress();
      const token = await buy(sys, listing, sys.alice, 1n);
      await topUp(sys, sys.alice, token, 30n * USDC);
      // Alice signs for what her wallet pays now: 5 stakes × 10 USDC − 30 USDC of credit.
      const signed = 20n * USDC;
      const deadline = BigInt((await networkHelpers.time.latest()) + 3_600);
      const sig = await signPermit(sys, sys.alice, address, signed, deadline);
      // A stranger tops her token up by one unit first: her wallet's share drops below what she signed.
      await topUp(sys, sys.stranger, token, 1n);
      const share = 50n * USDC - (30n * USDC + 1n);

      const tx = listing.connect(sys.alice).buyWithPermit(token, 5n, signed, deadline, sig.v, sig.r, sig.s);
      await expect(tx).to.emit(listing, "StakesPurchased").withArgs(token, sys.alice.address, 1n, 2n, 5n);
      await expect(tx).to.changeTokenBalances(ethers, sys.usdc, [sys.alice, listing], [-share, share]);
      expect(await sys.bidToken.creditOf(token)).to.equal(0n);
      // The signed-but-unused unit stays approved to this listing, which pulls only from the caller of a purchase:
      // a stranger's purchase is paid by the stranger, and only Alice's own next purchase here can use it.
      expect(await sys.usdc.allowance(sys.alice.address, address)).to.equal(1n);
      const aliceBefore = await sys.usdc.balanceOf(sys.alice.address);
      await buy(sys, listing, sys.stranger, 1n);
      expect(await sys.usdc.balanceOf(sys.alice.address)).to.equal(aliceBefore);
      expect(await sys.usdc.allowance(sys.alice.address, address)).to.equal(1n);
    });

    it("a permit signed for less than the wallet's share is not used, and the purchase names the missing allowance", async () => {
      const address = await listing.getAddress();
      const deadline = BigInt((await networkHelpers.time.latest()) + 3_600);
      const sig = await signPermit(sys, sys.alice, address, 49n * USDC, deadline);
      await expect(listing.connect(sys.alice).buyWithPermit(0n, 5n, 49n * USDC, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(sys.usdc, "ERC20InsufficientAllowance")
        .withArgs(address, 0n, 50n * USDC);
    });
  });

  describe("3. cancellation budget used up for free", () => {
    it("a stranger who buys T stakes and cancels them at once pays the budget fee on half the budget", async () => {
      await buy(sys, listing, sys.bob, 20n);
      const stranger = await buy(sys, listing, sys.stranger, 100n); // T stakes
      const index = await lastPurchaseIndex(listing);
      // Budget max(20 held, T = 100) = 100: the first 50 cancelled stakes are free, the other 50 pay 10 %.
      const fee = (50n * 10n * USDC * 1_000n) / 10_000n;
      const tx = listing.connect(sys.stranger).cancelPurchase(index);
      await expect(tx)
        .to.emit(listing, "PurchaseCancelled")
        .withArgs(index, stranger, sys.stranger.address, 100n, 1_000n * USDC - fee, 0n, fee, Mode.Wallet);
      await expect(tx).to.changeTokenBalance(ethers, sys.usdc, sys.stranger, 1_000n * USDC - fee);
      expect(await listing.cancellations()).to.deep.equal([100n, fee]);
      expect(await sys.usdc.balanceOf(await listing.getAddress())).to.equal(await listing.owed());
    });

    it("cancelling within the free half leaves every other holder's cancellation possible", async () => {
      const bob = await buy(sys, listing, sys.bob, 20n);
      const bobIndex = await lastPurchaseIndex(listing);
      await buy(sys, listing, sys.stranger, 50n);
      await listing.connect(sys.stranger).cancelPurchase(await lastPurchaseIndex(listing)); // 50 of 100: free
      expect(await listing.cancellations()).to.deep.equal([50n, 0n]);
      // Bob is not blocked: his 20 stakes go beyond the free half and pay the budget fee on those 20.
      const fee = (20n * 10n * USDC * 1_000n) / 10_000n;
      await expect(listing.connect(sys.bob).cancelPurchase(bobIndex))
        .to.emit(listing, "PurchaseCancelled")
        .withArgs(bobIndex, bob, sys.bob.address, 20n, 200n * USDC - fee, 0n, fee, Mode.Wallet);
    });

    it("a stranger with two addresses pays the same budget fee as with one", async () => {
      await buy(sys, listing, sys.bob, 20n);
      const first = await buy(sys, listing, sys.stranger, 50n);
      const firstIndex = await lastPurchaseIndex(listing);
      const second = await buy(sys, listing, sys.carol, 50n); // the stranger's second address
      const secondIndex = await lastPurchaseIndex(listing);
      await expect(listing.connect(sys.stranger).cancelPurchase(firstIndex))
        .to.emit(listing, "PurchaseCancelled")
        .withArgs(firstIndex, first, sys.stranger.address, 50n, 500n * USDC, 0n, 0n, Mode.Wallet);
      const fee = (50n * 10n * USDC * 1_000n) / 10_000n;
      await expect(listing.connect(sys.carol).cancelPurchase(secondIndex))
        .to.emit(listing, "PurchaseCancelled")
        .withArgs(secondIndex, second, sys.carol.address, 50n, 500n * USDC - fee, 0n, fee, Mode.Wallet);
      // Only now, the whole budget used and paid for, is Bob refused.
      await expect(listing.connect(sys.bob).cancelPurchase(0n))
        .to.be.revertedWithCustomError(listing, "CancellationCapReached")
        .withArgs(100n, 20n);
      // The fee reaches the vault with the listing's other revenue (here: the listing fails).
      await networkHelpers.time.increaseTo(terms.deadline);
      await listing.settle();
      await expect(sys.vault.collect(await listing.getAddress()))
        .to.emit(sys.vault, "RevenueCollected")
        .withArgs(await listing.getAddress(), fee);
    });
  });

  describe("4. credit becomes cash", () => {
    it("cancellation in wallet mode: the wallet gets back only what the wallet paid, the credit part returns as credit", async () => {
      await buy(sys, listing, sys.bob, 100n);
      const token = await buy(sys, listing, sys.alice, 1n); // 10 USDC from the wallet
      await topUp(sys, sys.bob, token, 25n * USDC); // reward-like credit, not Alice's money
      await sys.usdc.connect(sys.alice).approve(await listing.getAddress(), 15n * USDC);
      await listing.connect(sys.alice).buy(token, 4n); // 40 USDC: 25 of credit, 15 from the wallet
      const index = await lastPurchaseIndex(listing);
      // Wallet paid 25 in all (10 + 15): the 40 USDC refund is 25 to the wallet and 15 back as credit.
      const tx = listing.connect(sys.alice).cancelPurchase(index);
      await expect(tx)
        .to.emit(listing, "PurchaseCancelled")
        .withArgs(index, token, sys.alice.address, 4n, 40n * USDC, 15n * USDC, 0n, Mode.Wallet);
      await expect(tx).to.changeTokenBalance(ethers, sys.usdc, sys.alice, 25n * USDC);
      expect(await sys.bidToken.creditOf(token)).to.equal(15n * USDC);
      // The remaining stake was paid with credit (10 of the 25): a failure refunds it as credit, not cash.
      expect(await listing.oddsOf(token)).to.deep.equal([1n, 101n]);
      await listing.connect(sys.bob).voteToDissolve(1n);
      await listing.connect(sys.alice).voteToDissolve(token); // unanimous: dissolved
      const refund = listing.connect(sys.alice).claimRefund(token);
      await expect(refund).to.emit(listing, "RefundClaimed").withArgs(token, sys.alice.address, 10n * USDC, 10n * USDC);
      await expect(refund).to.changeTokenBalance(ethers, sys.usdc, sys.alice, 0n);
      expect(await sys.bidToken.creditOf(token)).to.equal(25n * USDC);
    });

    it("failure: a position bought with reward credit is refunded as credit; the wallet receives what it paid", async () => {
      const token = await buy(sys, listing, sys.alice, 2n); // 20 USDC from the wallet
      await topUp(sys, sys.bob, token, 30n * USDC);
      await listing.connect(sys.alice).buy(token, 3n); // all from credit
      await networkHelpers.time.increaseTo(terms.deadline);
      await listing.settle(); // 5 held < T: failed
      const tx = listing.connect(sys.alice).claimRefund(token);
      await expect(tx).to.emit(listing, "RefundClaimed").withArgs(token, sys.alice.address, 50n * USDC, 30n * USDC);
      await expect(tx).to.changeTokenBalance(ethers, sys.usdc, sys.alice, 20n * USDC);
      expect(await sys.bidToken.creditOf(token)).to.equal(30n * USDC);
      expect(await sys.usdc.balanceOf(await listing.getAddress())).to.equal(await listing.owed());
    });

    it("dissolution: the credit part of every refund goes back to the token", async () => {
      const token = await buy(sys, listing, sys.alice, 1n);
      await topUp(sys, sys.bob, token, 40n * USDC);
      await listing.connect(sys.alice).buy(token, 4n); // all from credit
      await listing.connect(sys.alice).voteToDissolve(token); // the only holder: dissolved
      await expect(listing.connect(sys.alice).claimRefund(token)).to.changeTokenBalance(
        ethers,
        sys.usdc,
        sys.alice,
        10n * USDC,
      );
      expect(await sys.bidToken.creditOf(token)).to.equal(40n * USDC);
    });

    it("the fee mode never pays credit out either: the fee comes out of the wallet part first", async () => {
      await buy(sys, listing, sys.bob, 100n);
      await sys.membership.setTier(0, 0, 0, policy({ refundMode: Mode.WalletMinusFee, feeBps: 1_000 }));
      const token = await buy(sys, listing, sys.alice, 1n);
      await topUp(sys, sys.bob, token, 50n * USDC);
      await listing.connect(sys.alice).buy(token, 5n); // all from credit
      const index = await lastPurchaseIndex(listing);
      // The position's wallet paid 10 USDC, credit 50: of the 50 USDC cancelled, 10 are the wallet's and 40 the
      // credit's; the 5 USDC fee comes out of the wallet part, so 5 go to the wallet and 40 back as credit.
      const tx = listing.connect(sys.alice).cancelPurchase(index);
      await expect(tx)
        .to.emit(listing, "PurchaseCancelled")
        .withArgs(index, token, sys.alice.address, 5n, 45n * USDC, 40n * USDC, 5n * USDC, Mode.WalletMinusFee);
      await expect(tx).to.changeTokenBalance(ethers, sys.usdc, sys.alice, 5n * USDC);
      expect(await sys.bidToken.creditOf(token)).to.equal(40n * USDC);
      // The stake left was paid with credit: refunded as credit too, the wallet gets nothing more.
      await listing.connect(sys.bob).voteToDissolve(1n);
      await listing.connect(sys.alice).voteToDissolve(token);
      await expect(listing.connect(sys.alice).claimRefund(token))
        .to.emit(listing, "RefundClaimed")
        .withArgs(token, sys.alice.address, 10n * USDC, 10n * USDC);
      expect(await sys.bidToken.creditOf(token)).to.equal(50n * USDC);
      expect(await sys.usdc.balanceOf(await listing.getAddress())).to.equal(await listing.owed());
    });
  });
});
