import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import {
  buy,
  createListing,
  DAY,
  deployFixture,
  deployUsdcLikeFixture,
  ethers,
  fulfil,
  networkHelpers,
  signPermit,
  USDC,
} from "../fixtures.js";
import type { System, Terms } from "../fixtures.js";
import { deployWithoutMembership, impersonate, lastPurchaseIndex, latest } from "../helpers.js";
import type { Listing } from "../../typechain-types/index.js";
import { LISTING_STATUS, REFUND_MODE } from "../../core/enums.js";

/** One test per external function's happy path and per custom error, with its arguments (issue 16 item 7). */

const status = (name: (typeof LISTING_STATUS)[number]) => BigInt(LISTING_STATUS.indexOf(name));
/** IListing.FailureReason (core/enums.ts has them as sentences). */
const REASON = { ThresholdNotMet: 0n, SellerRevoked: 1n, RandomnessTimedOut: 2n, Stalled: 4n } as const;
const reason = (name: keyof typeof REASON) => REASON[name];
const ACTION = { None: 0n, Settle: 1n, Finalize: 2n, Expire: 3n } as const;
const HOUR = 3_600;
/** The Marketplace's default draw timeout and settlement grace (Ignition module defaults). */
const DRAW_TIMEOUT = DAY;
const GRACE = 7 * DAY;

describe("Listing (unit)", () => {
  let sys: System;
  let listing: Listing;
  let terms: Terms;
  let address: string;
  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(deployFixture);
    ({ listing, terms } = await createListing(sys)); // P = 1,000 USDC, N = 200 stakes of 10 USDC, T = 100, 7 days
    address = await listing.getAddress();
  });

  /** Alice holds `held` stakes; settles at Time-Date A (Drawing). Returns her token. */
  async function drawing(held = 110n) {
    const token = await buy(sys, listing, sys.alice, held);
    await networkHelpers.time.increaseTo(terms.deadline);
    await listing.settle();
    return token;
  }

  /** Alice's stakes are below T at Time-Date A: settled as failed. Returns her token. */
  async function failed(held = 10n) {
    const token = await buy(sys, listing, sys.alice, held);
    await networkHelpers.time.increaseTo(terms.deadline);
    await listing.settle();
    return token;
  }

  describe("clones only", () => {
    it("the implementation refuses every state-changing call and the charter (ImplementationNotUsable)", async () => {
      const impl = sys.listingImplementation;
      await expect(impl.buy(0n, 1n)).to.be.revertedWithCustomError(impl, "ImplementationNotUsable").withArgs();
      await expect(impl.settle()).to.be.revertedWithCustomError(impl, "ImplementationNotUsable").withArgs();
      await expect(impl.charter()).to.be.revertedWithCustomError(impl, "ImplementationNotUsable").withArgs();
      expect(await impl.marketplace()).to.equal(await sys.marketplace.getAddress());
    });
  });

  describe("#buy", () => {
    it("records the stakes against a new token, pulls the cost and numbers the stakes", async () => {
      await sys.usdc.connect(sys.alice).approve(address, 30n * USDC);
      const tx = listing.connect(sys.alice).buy(0n, 3n);
      await expect(tx).to.emit(listing, "StakesPurchased").withArgs(1n, sys.alice.address, 0n, 1n, 3n);
      await expect(tx).to.changeTokenBalances(ethers, sys.usdc, [sys.alice, listing], [-30n * USDC, 30n * USDC]);
      await buy(sys, listing, sys.alice, 2n, 1n);
      expect(await listing.sales()).to.deep.equal([5n, 2n]);
      expect(await listing.oddsOf(1n)).to.deep.equal([5n, 5n]);
      expect(await listing.purchase(1n)).to.deep.equal([1n, 4n, 5n]);
      expect(await listing.purchase(2n)).to.deep.equal([0n, 0n, 0n]); // past the end
      expect(await listing.holdsPosition(1n)).to.equal(true);
      expect(await listing.owed()).to.equal(50n * USDC);
    });

    it("before the opening: NotOpenYet(opensAt)", async () => {
      const opensAt = (await latest()) + BigInt(DAY);
      const { listing: later } = await createListing(sys, { opensAt, deadline: opensAt + 7n * BigInt(DAY) });
      await expect(later.connect(sys.alice).buy(0n, 1n))
        .to.be.revertedWithCustomError(later, "NotOpenYet")
        .withArgs(opensAt);
    });

    it("at or after Time-Date A: SalesClosed(deadline)", async () => {
      await networkHelpers.time.increaseTo(terms.deadline);
      await expect(listing.connect(sys.alice).buy(0n, 1n))
        .to.be.revertedWithCustomError(listing, "SalesClosed")
        .withArgs(terms.deadline);
    });

    it("zero stakes: ZeroStakes; more than remain: ExceedsRemaining(requested, remaining)", async () => {
      await expect(listing.connect(sys.alice).buy(0n, 0n)).to.be.revertedWithCustomError(listing, "ZeroStakes").withArgs();
      await buy(sys, listing, sys.bob, 150n);
      await expect(listing.connect(sys.alice).buy(0n, 51n))
        .to.be.revertedWithCustomError(listing, "ExceedsRemaining")
        .withArgs(51n, 50n);
    });

    it("the seller cannot buy: SellerCannotBuy(seller)", async () => {
      await expect(listing.connect(sys.seller).buy(0n, 1n))
        .to.be.revertedWithCustomError(listing, "SellerCannotBuy")
        .withArgs(sys.seller.address);
    });

    it("once the listing left Open: WrongStatus(current)", async () => {
      await failed();
      await expect(listing.connect(sys.bob).buy(0n, 1n))
        .to.be.revertedWithCustomError(listing, "WrongStatus")
        .withArgs(status("Failed"));
    });
  });

  describe("#buyWithPermit", () => {
    it("uses the signed permit and buys in one transaction", async () => {
      const deadline = (await latest()) + BigInt(HOUR);
      const sig = await signPermit(sys, sys.dave, address, 40n * USDC, deadline);
      const tx = listing.connect(sys.dave).buyWithPermit(0n, 4n, 40n * USDC, deadline, sig.v, sig.r, sig.s);
      await expect(tx).to.emit(listing, "StakesPurchased").withArgs(1n, sys.dave.address, 0n, 1n, 4n);
      await expect(tx).to.changeTokenBalance(ethers, sys.usdc, sys.dave, -40n * USDC);
      expect(await sys.usdc.allowance(sys.dave.address, address)).to.equal(0n);
    });

    it("a count above N skips the permit and names the error: ExceedsRemaining(requested, remaining)", async () => {
      const deadline = (await latest()) + BigInt(HOUR);
      const sig = await signPermit(sys, sys.dave, address, 2_010n * USDC, deadline);
      await expect(listing.connect(sys.dave).buyWithPermit(0n, 201n, 2_010n * USDC, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(listing, "ExceedsRemaining")
        .withArgs(201n, 200n);
    });
  });

  describe("#settle", () => {
    it("held ≥ T at Time-Date A: opens the escrow order with P and the deed, requests a word (Drawing)", async () => {
      await buy(sys, listing, sys.alice, 110n);
      await networkHelpers.time.increaseTo(terms.deadline);
      const tx = await listing.settle();
      const { requestId } = await sys.marketplace.drawOf(address);
      const orderId = await listing.escrowOrderId();
      const expiresAt = (await latest()) + BigInt(DRAW_TIMEOUT);
      await expect(tx).to.emit(listing, "DrawRequested").withArgs(requestId, orderId, 110n, expiresAt);
      await expect(tx).to.changeTokenBalances(ethers, sys.usdc, [listing, sys.escrow], [-terms.price, terms.price]);
      expect(orderId).to.not.equal(0n);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(await sys.escrow.getAddress());
      expect(await listing.status()).to.equal(status("Drawing"));
      expect(await listing.pendingAction()).to.equal(ACTION.None);
      expect(await listing.owed()).to.equal(100n * USDC); // the markup: 110 × 10 − 1,000
    });

    it("held < T: fails the listing, the deed goes back to the seller", async () => {
      await buy(sys, listing, sys.alice, 10n);
      await networkHelpers.time.increaseTo(terms.deadline);
      await expect(listing.settle())
        .to.emit(listing, "ListingFailed")
        .withArgs(reason("ThresholdNotMet"), 10n);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.seller.address);
      expect(await listing.status()).to.equal(status("Failed"));
    });

    it("a revoked seller: fails with SellerRevoked", async () => {
      await buy(sys, listing, sys.alice, 110n);
      await sys.marketplace.revokeSeller(sys.seller.address, ethers.id("fraud"));
      await networkHelpers.time.increaseTo(terms.deadline);
      await expect(listing.settle())
        .to.emit(listing, "ListingFailed")
        .withArgs(reason("SellerRevoked"), 110n);
    });

    it("before Time-Date A and not sold out: SettlementNotDue(deadline, held)", async () => {
      await buy(sys, listing, sys.alice, 110n);
      expect(await listing.pendingAction()).to.equal(ACTION.None);
      await expect(listing.settle())
        .to.be.revertedWithCustomError(listing, "SettlementNotDue")
        .withArgs(terms.deadline, 110n);
    });

    it("a charter drawing at sell-out is due as soon as all N stakes are held", async () => {
      const { listing: l } = await createListing(sys, { drawAtSellOut: true });
      await buy(sys, l, sys.alice, 200n);
      expect(await l.pendingAction()).to.equal(ACTION.Settle);
      await expect(l.settle()).to.emit(l, "DrawRequested");
    });

    it("twice: WrongStatus(Drawing)", async () => {
      await drawing();
      await expect(listing.settle())
        .to.be.revertedWithCustomError(listing, "WrongStatus")
        .withArgs(status("Drawing"));
    });
  });

  describe("#finalize, #finalizeWithHint, #finalizeWithHints", () => {
    // Alice holds stakes 1–50, Bob 51–110; word 41 draws stake 41 mod 110 + 1 = 42, in purchase 0.
    async function twoHolders() {
      const a = await buy(sys, listing, sys.alice, 50n);
      const b = await buy(sys, listing, sys.bob, 60n);
      await networkHelpers.time.increaseTo(terms.deadline);
      await listing.settle();
      return { a, b };
    }

    it("finalize: draws the winner by search, settles and assigns the escrow order's buyer", async () => {
      const { a } = await twoHolders();
      await fulfil(sys, listing, 41n);
      expect(await listing.pendingAction()).to.equal(ACTION.Finalize);
      expect(await listing.winningStake()).to.deep.equal([true, 42n, 0n]);
      const tx = listing.finalize();
      await expect(tx).to.emit(listing, "WinnerDrawn").withArgs(42n, a, sys.alice.address, 0n, 41n);
      expect(await listing.status()).to.equal(status("Settled"));
      expect((await sys.escrow.order(await listing.escrowOrderId())).buyer).to.equal(sys.alice.address);
      expect(await listing.holdsPosition(a)).to.equal(false);
    });

    it("finalizeWithHint: the hinted purchase holds the stake", async () => {
      const { b } = await twoHolders();
      await fulfil(sys, listing, 99n); // stake 100, Bob's purchase 1
      await expect(listing.finalizeWithHint(1n))
        .to.emit(listing, "WinnerDrawn")
        .withArgs(100n, b, sys.bob.address, 1n, 99n);
    });

    it("finalizeWithHints: one hint per attempt", async () => {
      const { a } = await twoHolders();
      await fulfil(sys, listing, 41n);
      await expect(listing.finalizeWithHints([0n]))
        .to.emit(listing, "WinnerDrawn")
        .withArgs(42n, a, sys.alice.address, 0n, 41n);
    });

    it("a hint that does not hold the stake: WrongHint(purchaseIndex, stake)", async () => {
      await twoHolders();
      await fulfil(sys, listing, 41n);
      await expect(listing.finalizeWithHint(1n))
        .to.be.revertedWithCustomError(listing, "WrongHint")
        .withArgs(1n, 42n);
    });

    it("before the word: RandomnessPending(requestId); while Open: WrongStatus(Open)", async () => {
      await expect(listing.finalize())
        .to.be.revertedWithCustomError(listing, "WrongStatus")
        .withArgs(status("Open"));
      await twoHolders();
      const { requestId } = await sys.marketplace.drawOf(address);
      expect(await listing.winningStake()).to.deep.equal([false, 0n, 0n]);
      await expect(listing.finalize())
        .to.be.revertedWithCustomError(listing, "RandomnessPending")
        .withArgs(requestId);
    });
  });

  describe("#expireDraw", () => {
    it("after the draw timeout without a word: fails, abandons the draw, voids the escrow order", async () => {
      await drawing();
      const { requestId } = await sys.marketplace.drawOf(address);
      const expiresAt = (await latest()) + BigInt(DRAW_TIMEOUT);
      await expect(listing.expireDraw())
        .to.be.revertedWithCustomError(listing, "DrawNotExpired")
        .withArgs(expiresAt);
      await networkHelpers.time.increaseTo(expiresAt);
      expect(await listing.pendingAction()).to.equal(ACTION.Expire);
      const tx = listing.expireDraw();
      await expect(tx).to.emit(listing, "ListingFailed").withArgs(reason("RandomnessTimedOut"), 110n);
      await expect(tx).to.emit(sys.marketplace, "RandomnessAbandoned").withArgs(address, requestId);
      await expect(tx).to.changeTokenBalance(ethers, sys.usdc, listing, terms.price);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.seller.address);
      expect(await listing.owed()).to.equal(1_100n * USDC); // every held stake's refund
    });

    it("once the word arrived: RandomnessArrived(requestId)", async () => {
      await drawing();
      const { requestId } = await sys.marketplace.drawOf(address);
      await fulfil(sys, listing);
      await networkHelpers.time.increase(DRAW_TIMEOUT);
      await expect(listing.expireDraw())
        .to.be.revertedWithCustomError(listing, "RandomnessArrived")
        .withArgs(requestId);
    });
  });

  describe("#failStalled", () => {
    it("before Time-Date A + the grace: NotStalledYet(stalledAt); then a healthy listing settles instead", async () => {
      await buy(sys, listing, sys.alice, 110n);
      const stalledAt = BigInt(terms.deadline) + BigInt(GRACE);
      await expect(listing.failStalled())
        .to.be.revertedWithCustomError(listing, "NotStalledYet")
        .withArgs(stalledAt);
      await networkHelpers.time.increaseTo(stalledAt);
      await expect(listing.failStalled()).to.emit(listing, "DrawRequested").and.not.to.emit(listing, "ListingFailed");
      expect(await listing.status()).to.equal(status("Drawing"));
    });

    it("a drawing listing whose word arrived: RandomnessArrived(requestId); a failed one: WrongStatus(Failed)", async () => {
      await drawing();
      const { requestId } = await sys.marketplace.drawOf(address);
      await fulfil(sys, listing);
      await networkHelpers.time.increase(DRAW_TIMEOUT + GRACE);
      await expect(listing.failStalled())
        .to.be.revertedWithCustomError(listing, "RandomnessArrived")
        .withArgs(requestId);
      const { listing: other, terms: otherTerms } = await createListing(sys);
      await networkHelpers.time.increaseTo(otherTerms.deadline);
      await other.settle(); // nothing sold: failed
      await expect(other.failStalled())
        .to.be.revertedWithCustomError(other, "WrongStatus")
        .withArgs(status("Failed"));
    });
  });

  describe("#recoverFunds", () => {
    it("a listing that failed without leaving anything outside: NothingToRecover; not failed: WrongStatus", async () => {
      await expect(listing.recoverFunds())
        .to.be.revertedWithCustomError(listing, "WrongStatus")
        .withArgs(status("Open"));
      await failed();
      await expect(listing.recoverFunds()).to.be.revertedWithCustomError(listing, "NothingToRecover").withArgs();
    });

    it("after a Stalled failure of a draw (token paused), voids the escrow order once the token allows", async () => {
      const usys = await networkHelpers.loadFixture(deployUsdcLikeFixture);
      const { listing: l, terms: t } = await createListing(usys);
      const token = await buy(usys, l, usys.alice, 110n);
      await networkHelpers.time.increaseTo(t.deadline);
      await l.settle();
      const expiresAt = (await latest()) + BigInt(DRAW_TIMEOUT);
      await usys.usdcLike.pause();
      await networkHelpers.time.increaseTo(expiresAt + BigInt(GRACE));
      await expect(l.failStalled()).to.emit(l, "ListingFailed").withArgs(reason("Stalled"), 110n);
      await usys.usdcLike.unpause();
      const tx = l.recoverFunds();
      await expect(tx).to.emit(l, "FundsRecovered").withArgs(0n, t.price);
      await expect(tx).to.changeTokenBalance(ethers, usys.usdc, l, t.price);
      await expect(l.recoverFunds()).to.be.revertedWithCustomError(l, "NothingToRecover").withArgs();
      await expect(l.connect(usys.alice).claimRefund(token)).to.changeTokenBalance(
        ethers,
        usys.usdc,
        usys.alice,
        1_100n * USDC,
      );
    });
  });

  describe("#claimRefund", () => {
    it("after a failure: pays the wallet what it paid, once per token", async () => {
      const token = await failed(10n);
      expect(await listing.holdsPosition(token)).to.equal(true); // an unclaimed refund keeps the position
      const tx = listing.connect(sys.alice).claimRefund(token);
      await expect(tx).to.emit(listing, "RefundClaimed").withArgs(token, sys.alice.address, 100n * USDC, 0n);
      await expect(tx).to.changeTokenBalance(ethers, sys.usdc, sys.alice, 100n * USDC);
      expect(await listing.holdsPosition(token)).to.equal(false);
      expect(await listing.owed()).to.equal(0n);
      await expect(listing.connect(sys.alice).claimRefund(token))
        .to.be.revertedWithCustomError(listing, "NothingToRefund")
        .withArgs(token);
    });

    it("while open: WrongStatus(Open); not the token's holder: the bid token's NotTokenHolder", async () => {
      const token = await buy(sys, listing, sys.alice, 10n);
      await expect(listing.connect(sys.alice).claimRefund(token))
        .to.be.revertedWithCustomError(listing, "WrongStatus")
        .withArgs(status("Open"));
      await networkHelpers.time.increaseTo(terms.deadline);
      await listing.settle();
      await expect(listing.connect(sys.bob).claimRefund(token))
        .to.be.revertedWithCustomError(sys.bidToken, "NotTokenHolder")
        .withArgs(token, sys.bob.address);
    });
  });

  describe("#voteToDissolve, #withdrawDissolutionVote", () => {
    it("every held stake voting dissolves the listing: the deed goes back, refunds open", async () => {
      const a = await buy(sys, listing, sys.alice, 10n);
      const b = await buy(sys, listing, sys.bob, 30n);
      await expect(listing.connect(sys.alice).voteToDissolve(a))
        .to.emit(listing, "DissolutionVoted")
        .withArgs(a, sys.alice.address, 10n, 10n, 40n);
      const tx = listing.connect(sys.bob).voteToDissolve(b);
      await expect(tx).to.emit(listing, "DissolutionVoted").withArgs(b, sys.bob.address, 30n, 40n, 40n);
      await expect(tx).to.emit(listing, "ListingDissolved").withArgs(40n);
      expect(await listing.status()).to.equal(status("Dissolved"));
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.seller.address);
      await expect(listing.connect(sys.bob).claimRefund(b)).to.changeTokenBalance(ethers, sys.usdc, sys.bob, 300n * USDC);
    });

    it("a vote is withdrawn; voting twice or withdrawing no vote: VoteUnchanged(tokenId)", async () => {
      const a = await buy(sys, listing, sys.alice, 10n);
      await buy(sys, listing, sys.bob, 30n);
      await expect(listing.connect(sys.alice).withdrawDissolutionVote(a))
        .to.be.revertedWithCustomError(listing, "VoteUnchanged")
        .withArgs(a);
      await listing.connect(sys.alice).voteToDissolve(a);
      await expect(listing.connect(sys.alice).voteToDissolve(a))
        .to.be.revertedWithCustomError(listing, "VoteUnchanged")
        .withArgs(a);
      await expect(listing.connect(sys.alice).withdrawDissolutionVote(a))
        .to.emit(listing, "DissolutionVoteWithdrawn")
        .withArgs(a, 0n);
      // New stakes after a vote count once the token votes again.
      await listing.connect(sys.alice).voteToDissolve(a);
      await buy(sys, listing, sys.alice, 5n, a);
      await expect(listing.connect(sys.alice).voteToDissolve(a))
        .to.emit(listing, "DissolutionVoted")
        .withArgs(a, sys.alice.address, 15n, 15n, 45n);
    });

    it("a token without stakes here: NoStakes(tokenId); after Time-Date A: SalesClosed(deadline)", async () => {
      const { listing: other } = await createListing(sys);
      const c = await buy(sys, other, sys.carol, 1n);
      await expect(listing.connect(sys.carol).voteToDissolve(c))
        .to.be.revertedWithCustomError(listing, "NoStakes")
        .withArgs(c);
      const a = await buy(sys, listing, sys.alice, 10n);
      await networkHelpers.time.increaseTo(terms.deadline);
      await expect(listing.connect(sys.alice).voteToDissolve(a))
        .to.be.revertedWithCustomError(listing, "SalesClosed")
        .withArgs(terms.deadline);
    });

    it("once the listing left Open: WrongStatus(current)", async () => {
      const a = await failed();
      await expect(listing.connect(sys.alice).voteToDissolve(a))
        .to.be.revertedWithCustomError(listing, "WrongStatus")
        .withArgs(status("Failed"));
      await expect(listing.connect(sys.alice).withdrawDissolutionVote(a))
        .to.be.revertedWithCustomError(listing, "WrongStatus")
        .withArgs(status("Failed"));
    });
  });

  describe("#cancelPurchase", () => {
    it("refunds the token's latest purchase to the wallet; the stakes are for sale again", async () => {
      await buy(sys, listing, sys.bob, 50n);
      const a = await buy(sys, listing, sys.alice, 30n);
      const index = await lastPurchaseIndex(listing);
      const tx = listing.connect(sys.alice).cancelPurchase(index);
      await expect(tx)
        .to.emit(listing, "PurchaseCancelled")
        .withArgs(index, a, sys.alice.address, 30n, 300n * USDC, 0n, 0n, REFUND_MODE.indexOf("Wallet"));
      await expect(tx).to.changeTokenBalance(ethers, sys.usdc, sys.alice, 300n * USDC);
      expect(await listing.isCancelled(index)).to.equal(true);
      expect(await listing.isCancelled(0n)).to.equal(false);
      expect(await listing.sales()).to.deep.equal([50n, 2n]);
      expect(await listing.cancellations()).to.deep.equal([30n, 0n]);
      expect(await listing.oddsOf(a)).to.deep.equal([0n, 50n]);
      expect(await listing.holdsPosition(a)).to.equal(false); // its only purchase cancelled: nothing left here
      await buy(sys, listing, sys.carol, 150n);
      expect(await listing.sales()).to.deep.equal([200n, 3n]);
    });

    it("past the log: UnknownPurchase; twice: PurchaseAlreadyCancelled; not the latest: NotLatestPurchase", async () => {
      await buy(sys, listing, sys.bob, 50n);
      const a = await buy(sys, listing, sys.alice, 5n);
      await buy(sys, listing, sys.alice, 5n, a);
      await expect(listing.connect(sys.alice).cancelPurchase(3n))
        .to.be.revertedWithCustomError(listing, "UnknownPurchase")
        .withArgs(3n);
      await expect(listing.connect(sys.alice).cancelPurchase(1n))
        .to.be.revertedWithCustomError(listing, "NotLatestPurchase")
        .withArgs(1n, 2n);
      await listing.connect(sys.alice).cancelPurchase(2n);
      await expect(listing.connect(sys.alice).cancelPurchase(2n))
        .to.be.revertedWithCustomError(listing, "PurchaseAlreadyCancelled")
        .withArgs(2n);
    });

    it("beyond the budget max(held, T): CancellationCapReached(cancelled, held)", async () => {
      const { listing: l } = await createListing(sys, { threshold: 1n, price: 10n * USDC });
      await buy(sys, l, sys.alice, 10n);
      await expect(l.connect(sys.alice).cancelPurchase(0n))
        .to.be.revertedWithCustomError(l, "CancellationCapReached")
        .withArgs(0n, 10n);
    });

    it("after the tier's window: CancellationWindowPassed(windowEnd)", async () => {
      await buy(sys, listing, sys.alice, 10n);
      const purchasedAt = await latest();
      await networkHelpers.time.increase(HOUR + 1);
      await expect(listing.connect(sys.alice).cancelPurchase(0n))
        .to.be.revertedWithCustomError(listing, "CancellationWindowPassed")
        .withArgs(purchasedAt + BigInt(HOUR));
    });

    it("within the membership's cut-off before Time-Date A: CancellationClosed(closedAt)", async () => {
      const closedAt = BigInt(terms.deadline) - BigInt(DAY);
      await networkHelpers.time.increaseTo(closedAt - 60n);
      await buy(sys, listing, sys.alice, 10n);
      await networkHelpers.time.increaseTo(closedAt);
      await expect(listing.connect(sys.alice).cancelPurchase(0n))
        .to.be.revertedWithCustomError(listing, "CancellationClosed")
        .withArgs(closedAt);
    });

    it("on a system deployed without a Membership: CancellationUnavailable(), and nothing moves", async () => {
      const bare = await deployWithoutMembership(sys);
      const plain: System = { ...sys, marketplace: bare.marketplace, bidToken: bare.bidToken, deed: bare.deed };
      const { listing: l } = await createListing(plain);
      expect((await l.wiring())[4]).to.equal(ethers.ZeroAddress);
      await buy(plain, l, sys.bob, 50n);
      const a = await buy(plain, l, sys.alice, 30n);
      const index = await lastPurchaseIndex(l);
      const snapshot = async () => ({
        wallet: await sys.usdc.balanceOf(sys.alice.address),
        held: await sys.usdc.balanceOf(await l.getAddress()),
        credit: await bare.bidToken.creditOf(a),
        odds: await l.oddsOf(a),
        sales: await l.sales(),
        cancellations: await l.cancellations(),
        cancelled: await l.isCancelled(index),
        owed: await l.owed(),
      });
      const before = await snapshot();
      expect(before.odds).to.deep.equal([30n, 80n]);
      await expect(l.connect(sys.alice).cancelPurchase(index))
        .to.be.revertedWithCustomError(l, "CancellationUnavailable")
        .withArgs();
      expect(await snapshot()).to.deep.equal(before);
      expect(before.sales).to.deep.equal([80n, 2n]);
      expect(before.cancelled).to.equal(false);
    });

    it("once the listing left Open: WrongStatus(current)", async () => {
      await failed();
      await expect(listing.connect(sys.alice).cancelPurchase(0n))
        .to.be.revertedWithCustomError(listing, "WrongStatus")
        .withArgs(status("Failed"));
    });
  });

  describe("#releaseMarkup", () => {
    it("hands the markup to the revenue vault once settled, once", async () => {
      await drawing(110n);
      await fulfil(sys, listing);
      await listing.finalize();
      const vault = await sys.vault.getAddress();
      const asVault = listing.connect(await impersonate(vault));
      expect(await listing.owed()).to.equal(100n * USDC);
      const tx = asVault.releaseMarkup();
      await expect(tx).to.emit(listing, "MarkupReleased").withArgs(100n * USDC);
      await expect(tx).to.changeTokenBalances(ethers, sys.usdc, [listing, sys.vault], [-100n * USDC, 100n * USDC]);
      expect(await listing.owed()).to.equal(0n);
      await expect(asVault.releaseMarkup()).to.be.revertedWithCustomError(listing, "MarkupUnavailable").withArgs(vault);
    });

    it("anyone but the vault: MarkupUnavailable(caller); the vault before settlement: WrongStatus(current)", async () => {
      await expect(listing.connect(sys.stranger).releaseMarkup())
        .to.be.revertedWithCustomError(listing, "MarkupUnavailable")
        .withArgs(sys.stranger.address);
      await expect(listing.connect(await impersonate(await sys.vault.getAddress())).releaseMarkup())
        .to.be.revertedWithCustomError(listing, "WrongStatus")
        .withArgs(status("Open"));
    });
  });

  describe("views", () => {
    it("charter, wiring, marketplace and the budget fee read back what the listing was built with", async () => {
      const [listingId, charter] = await listing.charter();
      expect(await sys.marketplace.listingAt(listingId)).to.equal(address);
      expect(charter.seller).to.equal(terms.seller);
      expect(charter.deedId).to.equal(terms.deedId);
      expect([charter.price, charter.stakePrice, charter.stakeCount, charter.threshold]).to.deep.equal([
        terms.price,
        terms.stakePrice,
        terms.stakeCount,
        terms.threshold,
      ]);
      expect([charter.opensAt, charter.deadline, charter.drawAtSellOut]).to.deep.equal([
        terms.opensAt,
        terms.deadline,
        terms.drawAtSellOut,
      ]);
      expect(await listing.wiring()).to.deep.equal([
        await sys.bidToken.getAddress(),
        await sys.deed.getAddress(),
        await sys.escrow.getAddress(),
        await sys.vault.getAddress(),
        await sys.membership.getAddress(),
      ]);
      expect(await listing.marketplace()).to.equal(await sys.marketplace.getAddress());
      expect(await listing.BUDGET_FEE_BPS()).to.equal(1_000n);
      expect(await listing.escrowOrderId()).to.equal(0n);
      expect(await listing.status()).to.equal(status("Open"));
    });

    it("pendingAction follows the life cycle: None, Settle, None while drawing, Finalize", async () => {
      await buy(sys, listing, sys.alice, 110n);
      expect(await listing.pendingAction()).to.equal(ACTION.None);
      await networkHelpers.time.increaseTo(terms.deadline);
      expect(await listing.pendingAction()).to.equal(ACTION.Settle);
      await listing.settle();
      expect(await listing.pendingAction()).to.equal(ACTION.None);
      await fulfil(sys, listing);
      expect(await listing.pendingAction()).to.equal(ACTION.Finalize);
      await expect(listing.finalize()).to.emit(listing, "WinnerDrawn").withArgs(anyValue, 1n, sys.alice.address, 0n, anyValue);
      expect(await listing.pendingAction()).to.equal(ACTION.None);
    });
  });
});
