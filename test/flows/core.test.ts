import { expect } from "chai";
import { buy, createListing, DAY, deployFixture, ethers, fulfil, networkHelpers, signPermit, USDC } from "../fixtures.js";
import type { System } from "../fixtures.js";
import { drawnListing } from "../helpers.js";
import type { Listing } from "../../typechain-types/index.js";

const Status = { Open: 0n, Drawing: 1n, Settled: 2n, Failed: 3n, Dissolved: 4n };

async function expectBooksBalanced(sys: System, listing: Listing) {
  expect(await sys.usdc.balanceOf(await listing.getAddress())).to.equal(await listing.owed());
  expect(await sys.usdc.balanceOf(await sys.escrow.getAddress())).to.equal(await sys.escrow.totalHeld());
  expect(await sys.usdc.balanceOf(await sys.vault.getAddress())).to.equal(await sys.vault.totalOwed());
}

describe("listing life cycle (core)", () => {
  let sys: System;
  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(deployFixture);
  });

  describe("#buy", () => {
    it("numbers stakes in sale order and records them against the bid token", async () => {
      const { listing } = await createListing(sys);
      await sys.usdc.connect(sys.alice).approve(await listing.getAddress(), 100n * USDC);
      await expect(listing.connect(sys.alice).buy(0, 3))
        .to.emit(listing, "StakesPurchased")
        .withArgs(1n, sys.alice.address, 0n, 1n, 3n);
      expect(await sys.bidToken.ownerOf(1n)).to.equal(sys.alice.address);
      await expect(listing.connect(sys.alice).buy(1n, 7))
        .to.emit(listing, "StakesPurchased")
        .withArgs(1n, sys.alice.address, 1n, 4n, 7n);
      expect(await listing.purchase(1)).to.deep.equal([1n, 4n, 10n]);
      expect(await listing.oddsOf(1n)).to.deep.equal([10n, 10n]);
      expect(await sys.usdc.balanceOf(await listing.getAddress())).to.equal(100n * USDC);
    });

    it("rejects zero stakes and dust (A14), more than remains (A8), the seller (A10) and others' tokens", async () => {
      const { listing } = await createListing(sys, { stakeCount: 150n });
      const address = await listing.getAddress();
      await sys.usdc.connect(sys.alice).approve(address, 10_000n * USDC);
      await expect(listing.connect(sys.alice).buy(0, 0)).to.be.revertedWithCustomError(listing, "ZeroStakes");
      await expect(listing.connect(sys.alice).buy(0, 151))
        .to.be.revertedWithCustomError(listing, "ExceedsRemaining")
        .withArgs(151n, 150n);
      await expect(listing.connect(sys.seller).buy(0, 1))
        .to.be.revertedWithCustomError(listing, "SellerCannotBuy")
        .withArgs(sys.seller.address);
      const token = await buy(sys, listing, sys.bob, 1n);
      await expect(listing.connect(sys.alice).buy(token, 1))
        .to.be.revertedWithCustomError(sys.bidToken, "NotTokenHolder")
        .withArgs(token, sys.alice.address);
      const before = await sys.usdc.balanceOf(sys.alice.address);
      await listing.connect(sys.alice).buy(0, 149);
      expect(before - (await sys.usdc.balanceOf(sys.alice.address))).to.equal(1_490n * USDC);
      await expect(listing.connect(sys.alice).buy(2n, 1))
        .to.be.revertedWithCustomError(listing, "ExceedsRemaining")
        .withArgs(1n, 0n);
    });

    it("rejects purchases before opening and from Time-Date A on", async () => {
      const now = await networkHelpers.time.latest();
      const { listing, terms } = await createListing(sys, { opensAt: BigInt(now + DAY) });
      await sys.usdc.connect(sys.alice).approve(await listing.getAddress(), 100n * USDC);
      await expect(listing.connect(sys.alice).buy(0, 1))
        .to.be.revertedWithCustomError(listing, "NotOpenYet")
        .withArgs(terms.opensAt);
      await networkHelpers.time.increaseTo(terms.deadline);
      await expect(listing.connect(sys.alice).buy(0, 1))
        .to.be.revertedWithCustomError(listing, "SalesClosed")
        .withArgs(terms.deadline);
    });

    it("buys with an EIP-2612 permit in one transaction", async () => {
      const { listing } = await createListing(sys);
      const address = await listing.getAddress();
      const value = 50n * USDC;
      const deadline = BigInt((await networkHelpers.time.latest()) + 3600);
      const signature = await signPermit(sys, sys.alice, address, value, deadline);
      await expect(
        listing.connect(sys.alice).buyWithPermit(0, 5, value, deadline, signature.v, signature.r, signature.s),
      ).to.changeTokenBalances(ethers, sys.usdc, [sys.alice, listing], [-value, value]);
      expect(await sys.usdc.allowance(sys.alice.address, address)).to.equal(0n);
    });
  });

  describe("#settle and #finalize", () => {
    it("draws stake word mod (sold + cancelled) + 1, here nothing cancelled, and gives the order to the token's owner at finalize (A12)", async () => {
      const { listing, terms } = await createListing(sys);
      const a = await buy(sys, listing, sys.alice, 60n);
      await buy(sys, listing, sys.bob, 50n);
      await networkHelpers.time.increaseTo(terms.deadline);
      await expect(listing.settle()).to.emit(listing, "DrawRequested");
      expect(await listing.status()).to.equal(Status.Drawing);
      await expectBooksBalanced(sys, listing);
      // Alice sells her token after the request: the buyer of the token wins.
      await sys.bidToken.connect(sys.alice).transferFrom(sys.alice.address, sys.carol.address, a);
      await fulfil(sys, listing, 110n * 1000n + 59n); // 110059 mod 110 = 59 → stake 60, Alice's last
      await expect(listing.finalizeWithHint(1))
        .to.be.revertedWithCustomError(listing, "WrongHint")
        .withArgs(1n, 60n);
      await expect(listing.finalize())
        .to.emit(listing, "WinnerDrawn")
        .withArgs(60n, a, sys.carol.address, 0n, 110059n);
      const order = await sys.escrow.order(await listing.escrowOrderId());
      expect(order.buyer).to.equal(sys.carol.address);
      expect(order.amount).to.equal(terms.price);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(await sys.escrow.getAddress());
      await expect(listing.finalize()).to.be.revertedWithCustomError(listing, "WrongStatus").withArgs(Status.Settled);
      await expectBooksBalanced(sys, listing);
      await sys.vault.collect(await listing.getAddress());
      await expectBooksBalanced(sys, listing);
      expect(await sys.usdc.balanceOf(await listing.getAddress())).to.equal(0n);
    });

    it("rejects purchases and votes once randomness is requested (A2)", async () => {
      const { listing, terms } = await createListing(sys, { stakeCount: 100n, drawAtSellOut: true });
      const a = await buy(sys, listing, sys.alice, 99n);
      await expect(listing.settle())
        .to.be.revertedWithCustomError(listing, "SettlementNotDue")
        .withArgs(terms.deadline, 99n);
      await buy(sys, listing, sys.bob, 1n); // sell-out: the draw may now start, in a later transaction (A10)
      await listing.settle();
      await sys.usdc.connect(sys.alice).approve(await listing.getAddress(), 10n * USDC);
      await expect(listing.connect(sys.alice).buy(a, 1)).to.be.revertedWithCustomError(listing, "WrongStatus").withArgs(Status.Drawing);
      await expect(listing.connect(sys.alice).voteToDissolve(a)).to.be.revertedWithCustomError(listing, "WrongStatus").withArgs(Status.Drawing);
    });

    it("finalize waits for the word; the callback only stores it", async () => {
      const { listing, terms } = await createListing(sys);
      await buy(sys, listing, sys.alice, 100n);
      await networkHelpers.time.increaseTo(terms.deadline);
      await listing.settle();
      const { requestId } = await sys.marketplace.drawOf(await listing.getAddress());
      await expect(listing.finalize()).to.be.revertedWithCustomError(listing, "RandomnessPending").withArgs(requestId);
      await expect(fulfil(sys, listing, 7n))
        .to.emit(sys.marketplace, "RandomnessFulfilled")
        .withArgs(await listing.getAddress(), requestId, 7n);
      expect(await listing.status()).to.equal(Status.Drawing);
      expect(await sys.marketplace.pendingDraws()).to.equal(0n);
    });
  });

  describe("failure, timeout and refunds", () => {
    it("fails below T and refunds every buyer exactly once (A7)", async () => {
      const { listing, terms } = await createListing(sys);
      const a = await buy(sys, listing, sys.alice, 30n);
      const b = await buy(sys, listing, sys.bob, 20n);
      await networkHelpers.time.increaseTo(terms.deadline);
      await expect(listing.settle()).to.emit(listing, "ListingFailed").withArgs(0n, 50n);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.seller.address);
      await expect(listing.connect(sys.bob).claimRefund(a))
        .to.be.revertedWithCustomError(sys.bidToken, "NotTokenHolder")
        .withArgs(a, sys.bob.address);
      await expect(listing.connect(sys.alice).claimRefund(a)).to.changeTokenBalances(
        ethers,
        sys.usdc,
        [sys.alice, listing],
        [300n * USDC, -300n * USDC],
      );
      await expectBooksBalanced(sys, listing);
      await expect(listing.connect(sys.alice).claimRefund(a)).to.be.revertedWithCustomError(listing, "NothingToRefund").withArgs(a);
      await listing.connect(sys.bob).claimRefund(b);
      expect(await sys.usdc.balanceOf(await listing.getAddress())).to.equal(0n);
      expect(await listing.owed()).to.equal(0n);
    });

    it("fails a draw whose word never came, refunds in full and never re-requests (A1, A4)", async () => {
      const { listing, terms } = await createListing(sys);
      const a = await buy(sys, listing, sys.alice, 150n);
      await networkHelpers.time.increaseTo(terms.deadline);
      await listing.settle();
      const address = await listing.getAddress();
      const { requestId } = await sys.marketplace.drawOf(address);
      const expiresAt = BigInt((await networkHelpers.time.latest()) + DAY);
      await expect(listing.expireDraw()).to.be.revertedWithCustomError(listing, "DrawNotExpired").withArgs(expiresAt);
      await networkHelpers.time.increaseTo(expiresAt);
      await expect(listing.expireDraw()).to.emit(listing, "ListingFailed").withArgs(2n, 150n);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.seller.address);
      expect(await sys.marketplace.pendingDraws()).to.equal(0n);
      // The late word is ignored; nothing can ask again.
      await expect(fulfil(sys, listing, 1n)).to.emit(sys.marketplace, "LateRandomnessIgnored").withArgs(requestId);
      expect(await listing.status()).to.equal(Status.Failed);
      await expect(listing.settle()).to.be.revertedWithCustomError(listing, "WrongStatus").withArgs(Status.Failed);
      await expect(listing.connect(sys.alice).claimRefund(a)).to.changeTokenBalance(ethers, sys.usdc, sys.alice, 1_500n * USDC);
      await expectBooksBalanced(sys, listing);
    });

    it("cannot expire a draw once its word arrived", async () => {
      const { listing, terms } = await createListing(sys);
      await buy(sys, listing, sys.alice, 150n);
      await networkHelpers.time.increaseTo(terms.deadline);
      await listing.settle();
      await fulfil(sys, listing, 3n);
      await networkHelpers.time.increase(2 * DAY);
      const { requestId } = await sys.marketplace.drawOf(await listing.getAddress());
      await expect(listing.expireDraw()).to.be.revertedWithCustomError(listing, "RandomnessArrived").withArgs(requestId);
    });

    it("ignores donations: books never read the balance (A11)", async () => {
      const { listing, terms } = await createListing(sys);
      const a = await buy(sys, listing, sys.alice, 20n);
      await sys.usdc.connect(sys.bob).transfer(await listing.getAddress(), 5n * USDC);
      expect(await listing.owed()).to.equal(200n * USDC);
      await networkHelpers.time.increaseTo(terms.deadline);
      await listing.settle();
      await expect(listing.connect(sys.alice).claimRefund(a)).to.changeTokenBalance(ethers, sys.usdc, sys.alice, 200n * USDC);
    });
  });

  describe("unanimous dissolution", () => {
    it("dissolves when every stake voted, counting stakes not tokens (A12)", async () => {
      const { listing, terms } = await createListing(sys);
      const a = await buy(sys, listing, sys.alice, 30n);
      const b = await buy(sys, listing, sys.bob, 10n);
      await expect(listing.connect(sys.alice).voteToDissolve(a))
        .to.emit(listing, "DissolutionVoted")
        .withArgs(a, sys.alice.address, 30n, 30n, 40n);
      // Moving the voted token to another wallet does not let it vote twice.
      await sys.bidToken.connect(sys.alice).transferFrom(sys.alice.address, sys.carol.address, a);
      await expect(listing.connect(sys.carol).voteToDissolve(a)).to.be.revertedWithCustomError(listing, "VoteUnchanged").withArgs(a);
      // New stakes after a vote must vote again.
      await buy(sys, listing, sys.carol, 5n, a);
      await listing.connect(sys.bob).voteToDissolve(b);
      expect(await listing.status()).to.equal(Status.Open);
      await expect(listing.connect(sys.carol).voteToDissolve(a)).to.emit(listing, "ListingDissolved").withArgs(45n);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.seller.address);
      await expect(listing.connect(sys.carol).claimRefund(a)).to.changeTokenBalance(ethers, sys.usdc, sys.carol, 350n * USDC);
      await expectBooksBalanced(sys, listing);
    });
  });

  describe("automation", () => {
    it("performUpkeep re-checks and rejects stale or forged data (A16)", async () => {
      const { listing, terms } = await createListing(sys);
      await buy(sys, listing, sys.alice, 150n);
      expect((await sys.marketplace.checkUpkeep.staticCall("0x"))[0]).to.equal(false);
      await networkHelpers.time.increaseTo(terms.deadline);
      const [needed, data] = await sys.marketplace.checkUpkeep.staticCall("0x");
      expect(needed).to.equal(true);
      await sys.marketplace.connect(sys.stranger).performUpkeep(data);
      const address = await listing.getAddress();
      await expect(sys.marketplace.performUpkeep(data))
        .to.be.revertedWithCustomError(sys.marketplace, "UpkeepNotNeeded")
        .withArgs(address, 1n);
      const forged = ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint8"], [sys.stranger.address, 1]);
      await expect(sys.marketplace.performUpkeep(forged))
        .to.be.revertedWithCustomError(sys.marketplace, "UnknownListing")
        .withArgs(sys.stranger.address);
    });

    it("runs a listing to the end from the upkeep alone and retires it, collecting the markup", async () => {
      const { listing, terms } = await createListing(sys);
      await buy(sys, listing, sys.alice, 120n);
      await networkHelpers.time.increaseTo(terms.deadline);
      const address = await listing.getAddress();
      const step = async () => {
        const [needed, data] = await sys.marketplace.checkUpkeep.staticCall("0x");
        expect(needed).to.equal(true);
        return sys.marketplace.connect(sys.stranger).performUpkeep(data);
      };
      await expect(step()).to.emit(listing, "DrawRequested");
      await fulfil(sys, listing);
      await expect(step()).to.emit(listing, "WinnerDrawn");
      const markup = 120n * 10n * USDC - 1_000n * USDC;
      await expect(step())
        .to.emit(sys.vault, "RevenueCollected")
        .withArgs(address, markup)
        .and.to.emit(sys.marketplace, "ListingRetired")
        .withArgs(address);
      expect(await sys.vault.owedTo(sys.admin.address)).to.equal(markup);
      expect(await listing.owed()).to.equal(0n);
      expect((await sys.marketplace.checkUpkeep.staticCall("0x"))[0]).to.equal(false);
      await expectBooksBalanced(sys, listing);
    });

    it("retires a failed listing without touching the vault", async () => {
      const { listing, terms } = await createListing(sys);
      await buy(sys, listing, sys.alice, 10n);
      await networkHelpers.time.increaseTo(terms.deadline);
      let [, data] = await sys.marketplace.checkUpkeep.staticCall("0x");
      await sys.marketplace.performUpkeep(data);
      expect(await listing.status()).to.equal(Status.Failed);
      [, data] = await sys.marketplace.checkUpkeep.staticCall("0x");
      await expect(sys.marketplace.performUpkeep(data))
        .to.emit(sys.marketplace, "ListingRetired")
        .and.not.to.emit(sys.vault, "RevenueCollected");
      expect(await sys.marketplace.activeListingCount()).to.equal(0n);
    });

    it("a listing cannot request randomness twice, and strangers cannot at all (A1)", async () => {
      await expect(sys.marketplace.connect(sys.stranger).requestRandomness())
        .to.be.revertedWithCustomError(sys.marketplace, "UnknownListing")
        .withArgs(sys.stranger.address);
      await expect(sys.marketplace.connect(sys.stranger).rawFulfillRandomWords(1, [1]))
        .to.be.revertedWithCustomError(sys.marketplace, "OnlyCoordinatorCanFulfill")
        .withArgs(sys.stranger.address, await sys.coordinator.getAddress());
    });
  });

  describe("delivery escrow", () => {
    it("refunds the winner and returns the deed when the seller does not ship in time", async () => {
      const { listing, terms, orderId } = await drawnListing(sys, { word: 0n });
      const { dueAt: shipBy } = await sys.escrow.order(orderId);
      await expect(sys.escrow.connect(sys.alice).refundUnshipped(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "ShipByNotPassed")
        .withArgs(orderId, shipBy);
      await networkHelpers.time.increaseTo(shipBy + 1n);
      await expect(sys.escrow.connect(sys.seller).markShipped(orderId, ethers.id("t")))
        .to.be.revertedWithCustomError(sys.escrow, "ShipByPassed")
        .withArgs(orderId, shipBy);
      await expect(sys.escrow.connect(sys.alice).refundUnshipped(orderId))
        .to.emit(sys.escrow, "OrderRefunded")
        .withArgs(orderId, sys.alice.address, terms.price, 2n, 1n); // attributed to the seller, ship-by missed
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.seller.address);
      await expect(sys.escrow.connect(sys.alice).release(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "WrongOrderStatus")
        .withArgs(orderId, 5n);
      await expect(sys.escrow.connect(sys.alice).withdraw(sys.alice.address)).to.changeTokenBalance(ethers, sys.usdc, sys.alice, terms.price);
      await expect(sys.escrow.connect(sys.alice).withdraw(sys.alice.address))
        .to.be.revertedWithCustomError(sys.escrow, "NothingToWithdraw")
        .withArgs(sys.alice.address);
      await expectBooksBalanced(sys, listing);
    });
  });
});
