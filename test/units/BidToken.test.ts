import { expect } from "chai";
import {
  buy,
  createListing,
  deployFixture,
  ethers,
  networkHelpers,
} from "../fixtures.js";
import type { System } from "../fixtures.js";

describe("BidToken (unit)", () => {
  let sys: System;
  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(deployFixture);
  });

  it("issues ids from 1 upward inside first purchases, and reuses a held token", async () => {
    const { listing } = await createListing(sys);
    expect(await sys.bidToken.nextId()).to.equal(1n);
    const a = await buy(sys, listing, sys.alice, 1n);
    const b = await buy(sys, listing, sys.bob, 1n);
    expect([a, b]).to.deep.equal([1n, 2n]);
    expect(await sys.bidToken.ownerOf(1n)).to.equal(sys.alice.address);
    expect(await sys.bidToken.ownerOf(2n)).to.equal(sys.bob.address);
    expect(await buy(sys, listing, sys.alice, 3n, a)).to.equal(a);
    expect(await sys.bidToken.nextId()).to.equal(3n);
    expect(await listing.oddsOf(a)).to.deep.equal([4n, 5n]);
    expect(await sys.bidToken.MAX_SUPPLY()).to.equal(7_777_777n);
  });

  it("mints only for enrolled listings; only the marketplace enrols and pauses", async () => {
    await expect(
      sys.bidToken
        .connect(sys.stranger)
        .admit(sys.stranger.address, 0, 0, true),
    )
      .to.be.revertedWithCustomError(sys.bidToken, "NotAListing")
      .withArgs(sys.stranger.address);
    await expect(sys.bidToken.connect(sys.stranger).enrol(sys.stranger.address))
      .to.be.revertedWithCustomError(sys.bidToken, "OnlyMarketplace")
      .withArgs(sys.stranger.address);
    await expect(sys.bidToken.connect(sys.stranger).mirrorPauseOfMarketplace(true))
      .to.be.revertedWithCustomError(sys.bidToken, "OnlyMarketplace")
      .withArgs(sys.stranger.address);
    const { listing } = await createListing(sys);
    expect(await sys.bidToken.isEnrolled(await listing.getAddress())).to.equal(
      true,
    );
    expect(await sys.bidToken.marketplace()).to.equal(
      await sys.marketplace.getAddress(),
    );
  });

  it("a holder or an approved operator may use a token; anyone else is refused (A12)", async () => {
    const { listing } = await createListing(sys);
    const a = await buy(sys, listing, sys.alice, 1n);
    await expect(buy(sys, listing, sys.bob, 1n, a))
      .to.be.revertedWithCustomError(sys.bidToken, "NotTokenHolder")
      .withArgs(a, sys.bob.address);
    await sys.bidToken.connect(sys.alice).approve(sys.bob.address, a);
    expect(await sys.bidToken.holderFor(a, sys.bob.address)).to.equal(
      sys.alice.address,
    );
    await buy(sys, listing, sys.bob, 2n, a); // bob pays, the stakes are recorded against alice's token
    expect(await listing.oddsOf(a)).to.deep.equal([3n, 3n]);
    await expect(sys.bidToken.holderFor(99n, sys.alice.address))
      .to.be.revertedWithCustomError(sys.bidToken, "NotTokenHolder")
      .withArgs(99n, sys.alice.address);
  });

  it("the marketplace pause reaches the bid token and stops purchases, then resumes", async () => {
    const { listing } = await createListing(sys);
    await expect(sys.marketplace.pause())
      .to.emit(sys.bidToken, "MarketplacePauseMirrored")
      .withArgs(true);
    expect(await sys.bidToken.marketplacePauseMirror()).to.equal(true);
    await expect(
      buy(sys, listing, sys.alice, 1n),
    ).to.be.revertedWithCustomError(sys.bidToken, "SalesPaused");
    await expect(sys.marketplace.unpause())
      .to.emit(sys.bidToken, "MarketplacePauseMirrored")
      .withArgs(false);
    expect(await buy(sys, listing, sys.alice, 1n)).to.equal(1n);
  });

  it("stakes move with the token: the new owner claims the refund", async () => {
    const { listing, terms } = await createListing(sys);
    const a = await buy(sys, listing, sys.alice, 10n);
    await sys.bidToken
      .connect(sys.alice)
      .transferFrom(sys.alice.address, sys.carol.address, a);
    await networkHelpers.time.increaseTo(terms.deadline);
    await listing.settle();
    await expect(listing.connect(sys.alice).claimRefund(a))
      .to.be.revertedWithCustomError(sys.bidToken, "NotTokenHolder")
      .withArgs(a, sys.alice.address);
    await expect(listing.connect(sys.carol).claimRefund(a))
      .to.emit(listing, "RefundClaimed")
      .withArgs(a, sys.carol.address, 10n * BigInt(terms.stakePrice), 0n);
  });

  it("the treasury stack and Solady's slots written directly agree with Solady's views across a stack slot (SoladySlots)", async () => {
    // Twelve idle tokens: more than the ten ids one stack slot holds, so the pushes and pops cross a slot.
    const { listing: failed, terms } = await createListing(sys);
    const ids: bigint[] = [];
    for (let i = 0; i < 12; ++i)
      ids.push(await buy(sys, failed, sys.alice, 1n));
    await sys.bidToken.connect(sys.alice).approve(sys.dave.address, ids[3]);
    await networkHelpers.time.increaseTo(terms.deadline);
    await failed.settle();
    for (const id of ids) await failed.connect(sys.alice).claimRefund(id);

    const treasury = await sys.bidToken.getAddress();
    await sys.bidToken.connect(sys.stranger).recycle(ids);
    expect(await sys.bidToken.recycledCount()).to.equal(12n);
    expect(await sys.bidToken.balanceOf(treasury)).to.equal(12n);
    expect(await sys.bidToken.balanceOf(sys.alice.address)).to.equal(0n);
    for (const id of ids) {
      expect(await sys.bidToken.ownerOf(id)).to.equal(treasury);
      expect(await sys.bidToken.getApproved(id)).to.equal(ethers.ZeroAddress);
    }

    // Re-issued last in, first out, each to its buyer with the new listing as its one position.
    const { listing } = await createListing(sys);
    const listingAddress = await listing.getAddress();
    for (const id of [...ids].reverse()) {
      expect(await buy(sys, listing, sys.carol, 1n)).to.equal(id);
      expect(await sys.bidToken.ownerOf(id)).to.equal(sys.carol.address);
      expect(await sys.bidToken.openPositions(id)).to.deep.equal([
        listingAddress,
      ]);
    }
    expect(await sys.bidToken.balanceOf(sys.carol.address)).to.equal(12n);
    expect(await sys.bidToken.balanceOf(treasury)).to.equal(0n);
    expect(await sys.bidToken.recycledCount()).to.equal(0n);
    // Solady's own transfer accepts the re-issued token: its balance and ownership slots are consistent.
    await sys.bidToken
      .connect(sys.carol)
      .transferFrom(sys.carol.address, sys.bob.address, ids[3]);
    expect(await sys.bidToken.ownerOf(ids[3])).to.equal(sys.bob.address);
    expect(await sys.bidToken.balanceOf(sys.carol.address)).to.equal(11n);
    expect(await sys.bidToken.balanceOf(sys.bob.address)).to.equal(1n);
  });
});
