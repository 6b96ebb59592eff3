import { expect } from "chai";
import { signOffer } from "../../scripts/lib/offer.js";
import { DAY, deployFixture, ethers, networkHelpers, USDC } from "../fixtures.js";
import { drawnListing } from "../helpers.js";
import { deploySafe, execSafe, signAsSafe } from "../safe.js";

const PRICE = 1_000n * USDC;
const Outcome = { Release: 1n, Refund: 2n, Split: 3n };
const Party = { Seller: 2n };

/** The system plus two real Safes (1.5.0): a 2-of-3 arbiter and a 2-of-3 buyer wallet owned by other accounts. */
async function safesFixture() {
  const sys = await deployFixture();
  const signers = await ethers.getSigners();
  const arbiter = await deploySafe(sys.admin, signers.slice(7, 10));
  const wallet = await deploySafe(sys.admin, signers.slice(10, 13));
  await sys.escrow.setArbiter(arbiter.address);
  await sys.usdc.mint(wallet.address, 10_000n * USDC);
  return { sys, arbiter, wallet };
}

describe("delivery escrow with Safe multisigs", () => {
  it("a Safe buyer authorizes delivery through ERC-1271: two owners sign, one is not enough (A18)", async () => {
    const { sys, wallet } = await networkHelpers.loadFixture(safesFixture);
    const escrow = await sys.escrow.getAddress();
    // The Safe opens a direct order: approve, then openOrder, each executed by two owners.
    const [o1, o2, o3] = wallet.owners;
    await execSafe(wallet, [o1, o2], await sys.usdc.getAddress(), sys.usdc.interface.encodeFunctionData("approve", [escrow, PRICE]));
    const opened = BigInt(await networkHelpers.time.latest()) + 1n;
    const shipBy = opened + BigInt(10 * DAY);
    // The seller's signed offer, open to any buyer.
    const { offer, signature } = await signOffer(sys.escrow, sys.seller, {
      amount: PRICE,
      shipWindow: BigInt(10 * DAY),
      expiry: opened + 3_600n,
      nonce: 1n,
    });
    await networkHelpers.time.setNextBlockTimestamp(opened);
    await expect(
      execSafe(
        wallet,
        [o2, o3],
        escrow,
        sys.escrow.interface.encodeFunctionData("openOrder", [offer, signature, ethers.ZeroHash, 0]),
      ),
    )
      .to.emit(sys.escrow, "DirectOrderOpened")
      .withArgs(1n, wallet.address, sys.seller.address, PRICE, PRICE, shipBy);
    expect(await sys.usdc.balanceOf(wallet.address)).to.equal(10_000n * USDC - PRICE);

    const deadline = shipBy;
    const digest = await sys.escrow.authorizationDigest(1n, deadline);
    const one = await signAsSafe(wallet, [o1], digest);
    await expect(sys.escrow.connect(sys.seller).releaseWithSignature(1n, deadline, one))
      .to.be.revertedWithCustomError(sys.escrow, "InvalidAuthorization")
      .withArgs(1n, wallet.address);
    // An owner's plain EOA signature of the digest is not the Safe's either.
    await expect(sys.escrow.connect(sys.seller).releaseWithSignature(1n, deadline, await o1.signMessage(ethers.getBytes(digest))))
      .to.be.revertedWithCustomError(sys.escrow, "InvalidAuthorization")
      .withArgs(1n, wallet.address);
    const two = await signAsSafe(wallet, [o1, o3], digest);
    await expect(sys.escrow.connect(sys.seller).releaseWithSignature(1n, deadline, two))
      .to.emit(sys.escrow, "OrderReleased")
      .withArgs(1n, sys.seller.address, PRICE, 1n);
    await expect(sys.escrow.connect(sys.seller).withdraw(sys.seller.address)).to.changeTokenBalance(
      ethers,
      sys.usdc,
      sys.seller,
      PRICE,
    );
    expect(await sys.usdc.balanceOf(escrow)).to.equal(await sys.escrow.totalHeld());
  });

  it("the arbiter is a 2-of-3 Safe: its executed vote and the winner's refund the order and return the deed", async () => {
    const { sys, arbiter } = await networkHelpers.loadFixture(safesFixture);
    const { listing, terms } = await drawnListing(sys, { word: 3n });
    const orderId = await listing.escrowOrderId();
    await sys.escrow.connect(sys.alice).openDispute(orderId);
    await sys.escrow.connect(sys.seller).vote(orderId, Outcome.Release, 0);
    // One owner alone cannot cast the arbiter's vote.
    const voteData = sys.escrow.interface.encodeFunctionData("vote", [orderId, Outcome.Refund, 0]);
    await expect(execSafe(arbiter, [arbiter.owners[0]], await sys.escrow.getAddress(), voteData)).to.be.revertedWith("GS020");
    // Two owners: the arbiter votes Refund; with the seller's Release that is still no majority.
    await expect(execSafe(arbiter, [arbiter.owners[0], arbiter.owners[2]], await sys.escrow.getAddress(), voteData))
      .to.emit(sys.escrow, "VoteCast")
      .withArgs(orderId, arbiter.address, Outcome.Refund, 0)
      .and.not.to.emit(sys.escrow, "DisputeResolved");
    await expect(sys.escrow.connect(sys.alice).vote(orderId, Outcome.Refund, 0))
      .to.emit(sys.escrow, "DisputeResolved")
      .withArgs(orderId, Outcome.Refund, 0, terms.price)
      .and.to.emit(sys.escrow, "OrderRefunded")
      .withArgs(orderId, sys.alice.address, terms.price, Party.Seller, 3n);
    expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.seller.address);
    await expect(sys.escrow.connect(sys.alice).withdraw(sys.alice.address)).to.changeTokenBalance(
      ethers,
      sys.usdc,
      sys.alice,
      terms.price,
    );
    expect(await sys.escrow.owedTo(sys.seller.address)).to.equal(0n);
    expect(await sys.escrow.totalHeld()).to.equal(0n);
  });

  it("the Safe arbiter and the seller release a disputed settlement order: deed to the winner", async () => {
    const { sys, arbiter } = await networkHelpers.loadFixture(safesFixture);
    const { listing, terms } = await drawnListing(sys, { buyer: sys.bob, word: 1n });
    const orderId = await listing.escrowOrderId();
    await sys.escrow.connect(sys.seller).markShipped(orderId, ethers.id("trk"));
    await sys.escrow.connect(sys.bob).openDispute(orderId);
    await execSafe(
      arbiter,
      [arbiter.owners[1], arbiter.owners[2]],
      await sys.escrow.getAddress(),
      sys.escrow.interface.encodeFunctionData("vote", [orderId, Outcome.Release, 0]),
    );
    await expect(sys.escrow.connect(sys.seller).vote(orderId, Outcome.Release, 0))
      .to.emit(sys.escrow, "OrderReleased")
      .withArgs(orderId, sys.seller.address, terms.price, 4n);
    expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.bob.address);
    await expect(sys.escrow.connect(sys.seller).withdraw(sys.seller.address)).to.changeTokenBalance(
      ethers,
      sys.usdc,
      sys.seller,
      terms.price,
    );
  });
});
