import { expect } from "chai";
import {
  buy,
  createListing,
  DAY,
  deployFixture,
  ethers,
  fulfil,
  networkHelpers,
  USDC,
} from "../fixtures.js";
import type { System } from "../fixtures.js";
import { lastPurchaseIndex } from "../helpers.js";
import type { Listing } from "../../typechain-types/index.js";

/** SPEC §4.6 applied to stakes: cancel within the tier's window, never in the cut-off; refunds by tier mode. */

enum Mode {
  Wallet,
  Credit,
  WalletMinusFee,
}
const HOUR = 3_600;
const defaultPolicy = (over: Record<string, unknown> = {}) => ({
  cancelWindow: HOUR,
  refundMode: Mode.Wallet,
  feeBps: 0,
  rewardBps: 0,
  autoRelist: false,
  ...over,
});

/** Buys and returns the purchase index of the new purchase. */
async function buyIndexed(
  sys: System,
  listing: Listing,
  who: System["alice"],
  count: bigint,
  tokenId = 0n,
) {
  const token = await buy(sys, listing, who, count, tokenId);
  return { token, index: await lastPurchaseIndex(listing) };
}

describe("Stake cancellation", () => {
  let sys: System;
  let listing: Listing;
  let terms: Awaited<ReturnType<typeof createListing>>["terms"];
  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(deployFixture);
    ({ listing, terms } = await createListing(sys)); // 200 stakes of 10 USDC, T = 100, P = 1,000 USDC
  });

  it("refunds the whole purchase to the wallet within the window; the stakes can be bought again", async () => {
    await buy(sys, listing, sys.bob, 50n);
    const { token, index } = await buyIndexed(sys, listing, sys.alice, 30n);
    const tx = listing.connect(sys.alice).cancelPurchase(index);
    await expect(tx)
      .to.emit(listing, "PurchaseCancelled")
      .withArgs(index, token, sys.alice.address, 30n, 300n * USDC, 0n, 0n, Mode.Wallet);
    await expect(tx).to.changeTokenBalances(
      ethers,
      sys.usdc,
      [sys.alice, listing],
      [300n * USDC, -300n * USDC],
    );
    expect(await listing.oddsOf(token)).to.deep.equal([0n, 50n]);
    expect(await listing.sales()).to.deep.equal([50n, 2n]);
    expect(await listing.cancellations()).to.deep.equal([30n, 0n]);
    expect(await listing.isCancelled(index)).to.equal(true);
    expect((await sys.membership.countersOf(sys.alice.address)).stakeCancellations).to.equal(1n);
    expect(await sys.usdc.balanceOf(await listing.getAddress())).to.equal(await listing.owed());
    // 150 stakes remain on sale, numbered after the cancelled ones.
    await buy(sys, listing, sys.carol, 150n);
    expect(await listing.purchase(2n)).to.deep.equal([3n, 81n, 230n]);
  });

  it("refuses outside the window, inside the cut-off, for a non-holder, twice, and for an earlier purchase", async () => {
    const { token, index: first } = await buyIndexed(sys, listing, sys.alice, 5n);
    await expect(listing.connect(sys.bob).cancelPurchase(first))
      .to.be.revertedWithCustomError(sys.bidToken, "NotTokenHolder")
      .withArgs(token, sys.bob.address);
    const { index: second } = await buyIndexed(sys, listing, sys.alice, 5n, token);
    await expect(listing.connect(sys.alice).cancelPurchase(first))
      .to.be.revertedWithCustomError(listing, "NotLatestPurchase")
      .withArgs(first, second);
    await expect(listing.connect(sys.alice).cancelPurchase(99n))
      .to.be.revertedWithCustomError(listing, "UnknownPurchase")
      .withArgs(99n);
    await listing.connect(sys.alice).cancelPurchase(second);
    await expect(listing.connect(sys.alice).cancelPurchase(second))
      .to.be.revertedWithCustomError(listing, "PurchaseAlreadyCancelled")
      .withArgs(second);

    // The window (1 hour by default) runs from the purchase.
    const { index: third } = await buyIndexed(sys, listing, sys.alice, 5n, token);
    const boughtAt = BigInt(await networkHelpers.time.latest());
    await networkHelpers.time.increase(HOUR + 1);
    await expect(listing.connect(sys.alice).cancelPurchase(third))
      .to.be.revertedWithCustomError(listing, "CancellationWindowPassed")
      .withArgs(boughtAt + BigInt(HOUR));

    // A long window does not reach into the last 24 hours before Time-Date A.
    await sys.membership.setTier(0, 0, 0, defaultPolicy({ cancelWindow: 30 * DAY }));
    const closesAt = BigInt(terms.deadline) - BigInt(DAY);
    await networkHelpers.time.increaseTo(closesAt);
    await expect(listing.connect(sys.alice).cancelPurchase(third))
      .to.be.revertedWithCustomError(listing, "CancellationClosed")
      .withArgs(closesAt);
  });

  it("refunds as bid-token credit when the tier says so", async () => {
    await sys.membership.setTier(0, 0, 0, defaultPolicy({ refundMode: Mode.Credit }));
    const { token, index } = await buyIndexed(sys, listing, sys.alice, 20n);
    await expect(listing.connect(sys.alice).cancelPurchase(index)).to.changeTokenBalance(
      ethers,
      sys.usdc,
      sys.alice,
      0n,
    );
    expect(await sys.bidToken.creditOf(token)).to.equal(200n * USDC);
    // The credit buys the next stakes without touching the wallet.
    await expect(listing.connect(sys.alice).buy(token, 20n)).to.changeTokenBalance(
      ethers,
      sys.usdc,
      sys.alice,
      0n,
    );
  });

  it("keeps a fee for the revenue vault when the tier refunds minus a fee; the vault collects it with the markup", async () => {
    await sys.membership.setTier(0, 0, 0, defaultPolicy({ refundMode: Mode.WalletMinusFee, feeBps: 250 }));
    await buy(sys, listing, sys.bob, 100n);
    const { index } = await buyIndexed(sys, listing, sys.alice, 40n);
    await expect(listing.connect(sys.alice).cancelPurchase(index))
      .to.emit(listing, "PurchaseCancelled")
      .withArgs(index, 2n, sys.alice.address, 40n, 390n * USDC, 0n, 10n * USDC, Mode.WalletMinusFee);
    expect(await listing.cancellations()).to.deep.equal([40n, 10n * USDC]);
    expect(await sys.usdc.balanceOf(await listing.getAddress())).to.equal(await listing.owed());

    await networkHelpers.time.increaseTo(terms.deadline);
    await listing.settle();
    await fulfil(sys, listing);
    await listing.finalize();
    // Markup: 100 held × 10 − 1,000 = 0, plus the 10 USDC fee.
    await expect(sys.vault.collect(await listing.getAddress()))
      .to.emit(sys.vault, "RevenueCollected")
      .withArgs(await listing.getAddress(), 10n * USDC);
    expect(await sys.usdc.balanceOf(await listing.getAddress())).to.equal(0n);
  });

  it("a failed listing's cancellation fees still reach the vault, and every other unit goes back to the buyers", async () => {
    await sys.membership.setTier(0, 0, 0, defaultPolicy({ refundMode: Mode.WalletMinusFee, feeBps: 1_000 }));
    const b = await buy(sys, listing, sys.bob, 30n);
    const { index } = await buyIndexed(sys, listing, sys.alice, 10n);
    await listing.connect(sys.alice).cancelPurchase(index); // 100 USDC: 90 back, 10 kept
    await networkHelpers.time.increaseTo(terms.deadline);
    await listing.settle(); // 30 held < T = 100: failed
    expect(await listing.owed()).to.equal(300n * USDC + 10n * USDC);
    await expect(listing.connect(sys.bob).claimRefund(b)).to.changeTokenBalance(ethers, sys.usdc, sys.bob, 300n * USDC);
    await expect(sys.vault.collect(await listing.getAddress()))
      .to.emit(sys.vault, "RevenueCollected")
      .withArgs(await listing.getAddress(), 10n * USDC);
    expect(await listing.owed()).to.equal(0n);
    expect(await sys.usdc.balanceOf(await listing.getAddress())).to.equal(0n);
    await expect(sys.vault.collect(await listing.getAddress()))
      .to.be.revertedWithCustomError(listing, "MarkupUnavailable")
      .withArgs(await sys.vault.getAddress());
  });

  it("refunds stakes bought with credit that the bid token still holds for the listing, as credit", async () => {
    const token = await buy(sys, listing, sys.alice, 1n);
    await sys.usdc.connect(sys.alice).approve(await sys.bidToken.getAddress(), 50n * USDC);
    await sys.bidToken.connect(sys.alice).topUp(token, 50n * USDC);
    await listing.connect(sys.alice).buy(token, 5n); // all from credit: the listing holds 10 USDC itself
    const [, purchases] = await listing.sales();
    // The position's wallet paid 10 USDC (the first stake), credit 50: the wallet's 10 come back to the wallet
    // first, the other 40 as credit; the stake left is the credit's.
    await expect(listing.connect(sys.alice).cancelPurchase(purchases - 1n)).to.changeTokenBalance(
      ethers,
      sys.usdc,
      sys.alice,
      10n * USDC,
    );
    expect(await sys.bidToken.creditOf(token)).to.equal(40n * USDC);
    expect(await sys.bidToken.creditPendingFor(await listing.getAddress())).to.equal(0n);
    expect(await sys.usdc.balanceOf(await listing.getAddress())).to.equal(await listing.owed());
  });

  it("never lets cancelled stakes outnumber both the held stakes and T", async () => {
    await buy(sys, listing, sys.bob, 100n); // T = 100
    const { token, index } = await buyIndexed(sys, listing, sys.alice, 60n);
    await listing.connect(sys.alice).cancelPurchase(index); // 60 cancelled, 100 held
    const { index: again } = await buyIndexed(sys, listing, sys.alice, 50n, token);
    await expect(listing.connect(sys.alice).cancelPurchase(again))
      .to.be.revertedWithCustomError(listing, "CancellationCapReached")
      .withArgs(60n, 150n);
  });

  it("a voter's cancellation lowers the votes, and the last holdout's cancellation dissolves the listing", async () => {
    const a = await buy(sys, listing, sys.alice, 20n);
    const { index } = await buyIndexed(sys, listing, sys.bob, 10n);
    await listing.connect(sys.alice).voteToDissolve(a);
    await expect(listing.connect(sys.bob).cancelPurchase(index)).to.emit(listing, "ListingDissolved").withArgs(20n);
    expect(await listing.status()).to.equal(4n); // Dissolved
    expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.seller.address);
    await expect(listing.connect(sys.alice).claimRefund(a)).to.changeTokenBalance(
      ethers,
      sys.usdc,
      sys.alice,
      200n * USDC,
    );
  });

  it("the draw never picks a cancelled purchase: a word landing in one is redrawn, and hints are checked", async () => {
    const { listing: l, terms: t } = await createListing(sys, { stakeCount: 100n, threshold: 10n, price: 100n * USDC });
    const a = await buy(sys, l, sys.alice, 10n); // stakes 1-10
    const { index: cancelled } = await buyIndexed(sys, l, sys.bob, 5n); // stakes 11-15, cancelled
    const c = await buy(sys, l, sys.carol, 10n); // stakes 16-25
    await l.connect(sys.bob).cancelPurchase(cancelled);
    await networkHelpers.time.increaseTo(t.deadline);
    await l.settle();
    // word mod 25 + 1 = 12: attempt 0 lands in the cancelled purchase.
    const word = 11n;
    await fulfil(sys, l, word);
    // The verifier's view of the draw: attempt i is keccak256(word, i) mod 25 + 1 until a held purchase is hit.
    const purchaseOf = (stake: bigint) => (stake <= 10n ? 0n : stake <= 15n ? 1n : 2n);
    const hints: bigint[] = [];
    let stake: bigint;
    for (let i = 0n; ; i++) {
      const sample =
        i === 0n
          ? word
          : BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [word, i])));
      stake = (sample % 25n) + 1n;
      hints.push(purchaseOf(stake));
      if (purchaseOf(stake) !== cancelled) break;
    }
    expect(hints[0]).to.equal(cancelled);
    const index = hints[hints.length - 1];
    expect(await l.winningStake()).to.deep.equal([true, stake, index]);
    // Attempt 0's stake is 12, held by the cancelled purchase 1: any other hint for it is wrong.
    await expect(l.finalizeWithHint(0n)).to.be.revertedWithCustomError(l, "WrongHint").withArgs(0n, 12n);
    const winnerToken = index === 0n ? a : c;
    const owner = await sys.bidToken.ownerOf(winnerToken);
    await expect(l.finalizeWithHints(hints))
      .to.emit(l, "WinnerDrawn")
      .withArgs(stake, winnerToken, owner, index, word);
  });
});
