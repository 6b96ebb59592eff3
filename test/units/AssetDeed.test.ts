import { expect } from "chai";
import { buy, createListing, defaultTerms, deployFixture, ethers, fulfil, networkHelpers } from "../fixtures.js";
import type { System } from "../fixtures.js";
import { drawnListing, impersonate, latest } from "../helpers.js";

const CONTENT = ethers.id("asset documents");

describe("AssetDeed", () => {
  let sys: System;
  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(deployFixture);
  });

  describe("metadata and minting", () => {
    it("records the URI and content hash of each deed, numbered from 1, minted to the seller", async () => {
      expect(await sys.deed.name()).to.equal("Copurchase Asset Deed");
      expect(await sys.deed.symbol()).to.equal("CPDEED");
      expect(await sys.deed.marketplace()).to.equal(await sys.marketplace.getAddress());
      await expect(sys.marketplace.connect(sys.seller).submitAsset("ipfs://watch", CONTENT))
        .to.emit(sys.deed, "DeedMinted")
        .withArgs(1n, sys.seller.address, "ipfs://watch", CONTENT)
        .and.to.emit(sys.deed, "Transfer")
        .withArgs(ethers.ZeroAddress, sys.seller.address, 1n);
      await sys.marketplace.connect(sys.seller).submitAsset("ar://car", ethers.id("car"));
      expect(await sys.deed.tokenURI(1n)).to.equal("ipfs://watch");
      expect(await sys.deed.contentHash(1n)).to.equal(CONTENT);
      expect(await sys.deed.tokenURI(2n)).to.equal("ar://car");
      expect(await sys.deed.contentHash(2n)).to.equal(ethers.id("car"));
      expect(await sys.deed.ownerOf(2n)).to.equal(sys.seller.address);
      expect(await sys.deed.balanceOf(sys.seller.address)).to.equal(2n);
      // The marketplace is approved at mint so that the seller can accept and deposit in one call.
      expect(await sys.deed.getApproved(1n)).to.equal(await sys.marketplace.getAddress());
    });

    it("only the marketplace mints", async () => {
      for (const caller of [sys.stranger, sys.admin, sys.seller]) {
        await expect(sys.deed.connect(caller).mint(caller.address, "ipfs://x", CONTENT))
          .to.be.revertedWithCustomError(sys.deed, "OnlyMarketplace")
          .withArgs(caller.address);
      }
      // Not even a listing of the marketplace may mint.
      const { listing } = await createListing(sys);
      const asListing = await impersonate(await listing.getAddress());
      await expect(sys.deed.connect(asListing).mint(asListing.address, "ipfs://x", CONTENT))
        .to.be.revertedWithCustomError(sys.deed, "OnlyMarketplace")
        .withArgs(asListing.address);
      expect(await sys.deed.balanceOf(sys.stranger.address)).to.equal(0n);
    });

    it("the marketplace itself cannot mint empty metadata", async () => {
      const asMarketplace = await impersonate(await sys.marketplace.getAddress());
      await expect(
        sys.deed.connect(asMarketplace).mint(sys.seller.address, "", CONTENT),
      ).to.be.revertedWithCustomError(sys.deed, "EmptyMetadata");
      await expect(
        sys.deed.connect(asMarketplace).mint(sys.seller.address, "ipfs://x", ethers.ZeroHash),
      ).to.be.revertedWithCustomError(sys.deed, "EmptyMetadata");
      await expect(sys.deed.connect(asMarketplace).mint(sys.carol.address, "ipfs://x", CONTENT))
        .to.emit(sys.deed, "DeedMinted")
        .withArgs(1n, sys.carol.address, "ipfs://x", CONTENT);
      await networkHelpers.stopImpersonatingAccount(asMarketplace.address);
    });

    it("has no metadata for a deed that does not exist", async () => {
      await expect(sys.deed.tokenURI(1n)).to.be.revertedWithCustomError(sys.deed, "ERC721NonexistentToken").withArgs(1n);
      await expect(sys.deed.contentHash(1n))
        .to.be.revertedWithCustomError(sys.deed, "ERC721NonexistentToken")
        .withArgs(1n);
    });
  });

  describe("custody", () => {
    it("seller → listing at acceptance; the seller can no longer move it", async () => {
      const { listing, terms } = await createListing(sys);
      const address = await listing.getAddress();
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(address);
      expect(await sys.deed.getApproved(terms.deedId)).to.equal(ethers.ZeroAddress);
      await expect(sys.deed.connect(sys.seller).transferFrom(address, sys.seller.address, terms.deedId))
        .to.be.revertedWithCustomError(sys.deed, "ERC721InsufficientApproval")
        .withArgs(sys.seller.address, terms.deedId);
      // Nor can the marketplace that was approved before.
      const asMarketplace = await impersonate(await sys.marketplace.getAddress());
      await expect(sys.deed.connect(asMarketplace).transferFrom(address, sys.seller.address, terms.deedId))
        .to.be.revertedWithCustomError(sys.deed, "ERC721InsufficientApproval")
        .withArgs(asMarketplace.address, terms.deedId);
      await networkHelpers.stopImpersonatingAccount(asMarketplace.address);
    });

    it("listing → escrow at settlement → winner when delivery is authorized; the winner may then transfer it", async () => {
      const { listing, terms } = await createListing(sys);
      await buy(sys, listing, sys.alice, 60n);
      await buy(sys, listing, sys.bob, 60n);
      await networkHelpers.time.increaseTo(terms.deadline);
      const escrow = await sys.escrow.getAddress();
      await expect(listing.settle())
        .to.emit(sys.deed, "Transfer")
        .withArgs(await listing.getAddress(), escrow, terms.deedId);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(escrow);
      await fulfil(sys, listing, 119n); // stake 120, Bob's
      await listing.finalize();
      // Still with the escrow until delivery.
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(escrow);
      const orderId = await listing.escrowOrderId();
      await expect(sys.escrow.connect(sys.alice).release(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "NotBuyer")
        .withArgs(orderId, sys.alice.address);
      await expect(sys.escrow.connect(sys.bob).release(orderId))
        .to.emit(sys.deed, "Transfer")
        .withArgs(escrow, sys.bob.address, terms.deedId);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.bob.address);
      await sys.deed.connect(sys.bob).transferFrom(sys.bob.address, sys.carol.address, terms.deedId);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.carol.address);
      expect(await sys.deed.tokenURI(terms.deedId)).to.match(/^ipfs:\/\/asset-/);
    });

    it("back to the seller when the threshold is not met", async () => {
      const { listing, terms } = await createListing(sys);
      await buy(sys, listing, sys.alice, 99n);
      await networkHelpers.time.increaseTo(terms.deadline);
      await expect(listing.settle())
        .to.emit(sys.deed, "Transfer")
        .withArgs(await listing.getAddress(), sys.seller.address, terms.deedId);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.seller.address);
    });

    it("back to the seller when the buyers dissolve unanimously", async () => {
      const { listing, terms } = await createListing(sys);
      const token = await buy(sys, listing, sys.alice, 10n);
      await expect(listing.connect(sys.alice).voteToDissolve(token))
        .to.emit(sys.deed, "Transfer")
        .withArgs(await listing.getAddress(), sys.seller.address, terms.deedId);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.seller.address);
    });

    it("back to the seller, through the escrow, when the draw times out", async () => {
      const { listing, terms } = await createListing(sys);
      await buy(sys, listing, sys.alice, 100n);
      await networkHelpers.time.increaseTo(terms.deadline);
      await listing.settle();
      await networkHelpers.time.increase(await sys.marketplace.drawTimeout());
      await expect(listing.expireDraw())
        .to.emit(sys.deed, "Transfer")
        .withArgs(await sys.escrow.getAddress(), sys.seller.address, terms.deedId);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.seller.address);
    });

    it("back to the seller when delivery is refunded", async () => {
      const { listing, terms } = await drawnListing(sys, { stakes: 100n, word: 0n });
      const orderId = await listing.escrowOrderId();
      const { dueAt: shipBy } = await sys.escrow.order(orderId);
      await networkHelpers.time.increaseTo(shipBy + 1n);
      await expect(sys.escrow.connect(sys.alice).refundUnshipped(orderId))
        .to.emit(sys.deed, "Transfer")
        .withArgs(await sys.escrow.getAddress(), sys.seller.address, terms.deedId);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.seller.address);
    });

    it("a deed the seller gave away before accepting cannot be listed", async () => {
      const receipt = await (await sys.marketplace.connect(sys.seller).submitAsset("ipfs://x", CONTENT)).wait();
      const event = receipt!.logs
        .map((l) => sys.marketplace.interface.parseLog(l))
        .find((e) => e?.name === "AssetSubmitted")!;
      const { applicationId, deedId } = event.args;
      const terms = await defaultTerms(sys, deedId, { deadline: (await latest()) + 86_400n, contentHash: CONTENT });
      await sys.marketplace.approveListing(applicationId, terms);
      await sys.deed.connect(sys.seller).transferFrom(sys.seller.address, sys.bob.address, deedId);
      await expect(sys.marketplace.connect(sys.seller).acceptTerms(applicationId, terms))
        .to.be.revertedWithCustomError(sys.deed, "ERC721InsufficientApproval")
        .withArgs(await sys.marketplace.getAddress(), deedId);
      expect(await sys.deed.ownerOf(deedId)).to.equal(sys.bob.address);
      expect(await sys.marketplace.listingCount()).to.equal(0n);
    });
  });
});
