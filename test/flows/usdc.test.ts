import { expect } from "chai";
import {
  buy,
  createListing,
  DAY,
  deployUsdcLikeFixture,
  ethers,
  fulfil,
  networkHelpers,
  signPermit,
  USDC,
} from "../fixtures.js";
import { UsdcLike__factory, UsdcLikeProxy__factory } from "../../typechain-types/index.js";
import type { Listing } from "../../typechain-types/index.js";

/** The life cycle and the failure paths on a token that behaves like Circle's USDC (issue 17). */

type UsdcSystem = Awaited<ReturnType<typeof deployUsdcLikeFixture>>;
const Status = { Open: 0n, Drawing: 1n, Settled: 2n, Failed: 3n, Dissolved: 4n };
const Stalled = 4n; // IListing.FailureReason.Stalled
const Upkeep = { Settle: 1n, Expire: 3n };
const GRACE = 7 * DAY; // the marketplace's default settlement grace
const PAUSED = "Pausable: paused";
const FROZEN = "Blacklistable: account is blacklisted";
const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

/** Alice 60 stakes from her wallet plus 2 paid with 20 USDC of her token's credit, Bob 50: 112 sold, T = 100. */
async function soldListing(sys: UsdcSystem) {
  const { listing, terms } = await createListing(sys);
  const address = await listing.getAddress();
  const a = await buy(sys, listing, sys.alice, 60n);
  await sys.usdc.connect(sys.alice).approve(await sys.bidToken.getAddress(), 20n * USDC);
  await sys.bidToken.connect(sys.alice).topUp(a, 20n * USDC);
  await listing.connect(sys.alice).buy(a, 2); // paid entirely from credit, which stays pending at the bid token
  const b = await buy(sys, listing, sys.bob, 50n);
  expect(await sys.bidToken.creditPendingFor(address)).to.equal(20n * USDC);
  return { listing, terms, address, a, b };
}

/** Alice's refund from `soldListing`: her 600 USDC of wallet payments to her wallet, her 20 of credit back to token `a`. */
async function expectAliceRefund(sys: UsdcSystem, listing: Awaited<ReturnType<typeof soldListing>>["listing"], a: bigint) {
  const creditBefore = await sys.bidToken.creditOf(a);
  await expect(listing.connect(sys.alice).claimRefund(a)).to.changeTokenBalance(ethers, sys.usdc, sys.alice, 600n * USDC);
  expect(await sys.bidToken.creditOf(a)).to.equal(creditBefore + 20n * USDC);
}

async function rejects(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return false;
  } catch {
    return true;
  }
}

async function expectFailedStalled(listing: Listing, sold: bigint) {
  await expect(listing.failStalled()).to.emit(listing, "ListingFailed").withArgs(Stalled, sold);
  expect(await listing.status()).to.equal(Status.Failed);
}

describe("USDC as the payment token (issue 17)", () => {
  let sys: UsdcSystem;
  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(deployUsdcLikeFixture);
  });

  describe("the USDC-like token (item 5)", () => {
    it("sits behind an admin proxy whose admin cannot use the token, over logic that cannot be initialized", async () => {
      const token = await sys.usdc.getAddress();
      const proxyAdmin = (await ethers.getSigners())[19];
      const logic = ethers.getAddress(`0x${(await ethers.provider.getStorage(token, IMPLEMENTATION_SLOT)).slice(26)}`);
      expect(await UsdcLikeProxy__factory.connect(token, proxyAdmin).implementation.staticCall()).to.equal(logic);
      await expect(
        UsdcLike__factory.connect(token, proxyAdmin).balanceOf(sys.alice.address),
      ).to.be.revertedWithCustomError(UsdcLikeProxy__factory.connect(token, proxyAdmin), "AdminCannotFallback");
      await expect(
        UsdcLike__factory.connect(logic, sys.admin).initialize("X", "X", "X", 6, token, token, token, token),
      ).to.be.revertedWith("FiatToken: contract is already initialized");
      await expect(
        sys.usdcLike.initialize("X", "X", "X", 6, token, token, token, token),
      ).to.be.revertedWith("FiatToken: contract is already initialized");
    });

    it("is USD Coin version 2 with 6 decimals, DOMAIN_SEPARATOR() and no eip712Domain()", async () => {
      const token = await sys.usdc.getAddress();
      expect([await sys.usdcLike.name(), await sys.usdcLike.version(), await sys.usdcLike.decimals()]).to.deep.equal([
        "USD Coin",
        "2",
        6n,
      ]);
      const { chainId } = await ethers.provider.getNetwork();
      expect(await sys.usdcLike.DOMAIN_SEPARATOR()).to.equal(
        ethers.TypedDataEncoder.hashDomain({ name: "USD Coin", version: "2", chainId, verifyingContract: token }),
      );
      const eip712Domain = ethers.id("eip712Domain()").slice(0, 10);
      expect(await rejects(ethers.provider.call({ to: token, data: eip712Domain }))).to.equal(true);
      expect(await rejects(sys.usdc.eip712Domain())).to.equal(true); // the mock's ABI, pointed at USDC, finds nothing
      expect(await rejects(sys.usdc.DOMAIN_SEPARATOR())).to.equal(false);
    });

    it("writes the allowance even when it is unlimited: every purchase decreases it", async () => {
      const { listing } = await createListing(sys);
      const address = await listing.getAddress();
      await sys.usdc.connect(sys.alice).approve(address, ethers.MaxUint256);
      await listing.connect(sys.alice).buy(0, 3);
      expect(await sys.usdc.allowance(sys.alice.address, address)).to.equal(ethers.MaxUint256 - 30n * USDC);
    });

    it("pausing stops transfers, approvals and permits; blacklisting freezes a contract as recipient and caller", async () => {
      const { listing } = await createListing(sys);
      const address = await listing.getAddress();
      await sys.usdcLike.pause();
      await expect(sys.usdc.connect(sys.alice).transfer(sys.bob.address, 1n)).to.be.revertedWith(PAUSED);
      await expect(sys.usdc.connect(sys.alice).approve(address, 1n)).to.be.revertedWith(PAUSED);
      const deadline = BigInt((await networkHelpers.time.latest()) + 3600);
      const sig = await signPermit(sys, sys.alice, address, 10n * USDC, deadline);
      await expect(
        sys.usdc.permit(sys.alice.address, address, 10n * USDC, deadline, sig.v, sig.r, sig.s),
      ).to.be.revertedWith(PAUSED);
      await sys.usdcLike.unpause();
      await expect(sys.usdcLike.blacklist(address)).to.emit(sys.usdcLike, "Blacklisted").withArgs(address);
      expect(await sys.usdcLike.isBlacklisted(address)).to.equal(true);
      await expect(sys.usdc.connect(sys.alice).transfer(address, 1n)).to.be.revertedWith(FROZEN);
      await expect(sys.usdc.connect(sys.alice).approve(address, 1n)).to.be.revertedWith(FROZEN);
      await expect(listing.connect(sys.alice).buy(0, 1)).to.be.revertedWith(FROZEN);
    });
  });

  describe("the whole life cycle", () => {
    it("lists, buys with permits, settles, draws, releases the escrow, pays the vault and refunds a failed listing", async () => {
      const { listing, terms, address } = await (async () => {
        const l = await createListing(sys);
        return { ...l, address: await l.listing.getAddress() };
      })();
      const deadline = BigInt((await networkHelpers.time.latest()) + 3600);
      // First purchases with a permit each (the domain is read from name() and version(): USDC has no ERC-5267).
      for (const [buyer, count] of [
        [sys.alice, 60n],
        [sys.bob, 50n],
      ] as const) {
        const sig = await signPermit(sys, buyer, address, count * 10n * USDC, deadline);
        await expect(
          listing.connect(buyer).buyWithPermit(0, count, count * 10n * USDC, deadline, sig.v, sig.r, sig.s),
        ).to.changeTokenBalances(ethers, sys.usdc, [buyer, listing], [-count * 10n * USDC, count * 10n * USDC]);
        expect(await sys.usdc.allowance(buyer.address, address)).to.equal(0n);
      }
      await networkHelpers.time.increaseTo(terms.deadline);
      await expect(listing.settle()).to.emit(listing, "DrawRequested");
      expect(await sys.usdc.balanceOf(await sys.escrow.getAddress())).to.equal(terms.price);
      await fulfil(sys, listing, 59n); // stake 60: Alice's last
      await expect(listing.finalize()).to.emit(listing, "WinnerDrawn").withArgs(60n, 1n, sys.alice.address, 0n, 59n);
      const orderId = await listing.escrowOrderId();
      await sys.escrow.connect(sys.alice).release(orderId);
      await expect(sys.escrow.connect(sys.seller).withdraw(sys.seller.address)).to.changeTokenBalance(
        ethers,
        sys.usdc,
        sys.seller,
        terms.price,
      );
      await sys.vault.collect(address);
      const markup = 110n * 10n * USDC - BigInt(terms.price);
      await expect(sys.vault.connect(sys.admin).withdraw(sys.admin.address)).to.changeTokenBalance(
        ethers,
        sys.usdc,
        sys.admin,
        markup,
      );
      expect(await sys.usdc.balanceOf(address)).to.equal(0n);

      const { listing: failing, terms: failingTerms } = await createListing(sys, { threshold: 150n });
      const c = await buy(sys, failing, sys.carol, 30n);
      await networkHelpers.time.increaseTo(failingTerms.deadline);
      await expect(failing.settle()).to.emit(failing, "ListingFailed").withArgs(0n, 30n);
      await expect(failing.connect(sys.carol).claimRefund(c)).to.changeTokenBalance(ethers, sys.usdc, sys.carol, 300n * USDC);
      expect(await sys.usdc.balanceOf(await failing.getAddress())).to.equal(0n);
    });
  });

  describe("liveness when the token refuses transfers (item 2)", () => {
    it("fails a listing whose settlement reverts while the token is paused, after the grace; refunds pay once unpaused", async () => {
      const { listing, terms, address, a, b } = await soldListing(sys);
      await sys.usdcLike.pause();
      await networkHelpers.time.increaseTo(terms.deadline);
      await expect(listing.settle()).to.be.revertedWith(PAUSED);
      const stalledAt = BigInt(terms.deadline) + BigInt(GRACE);
      await expect(listing.failStalled()).to.be.revertedWithCustomError(listing, "NotStalledYet").withArgs(stalledAt);
      await networkHelpers.time.increaseTo(stalledAt);
      await expectFailedStalled(listing, 112n);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.seller.address);
      expect(await sys.bidToken.creditPendingFor(address)).to.equal(20n * USDC); // the token refused it
      await expect(listing.connect(sys.bob).claimRefund(b)).to.be.revertedWith(PAUSED);
      await sys.usdcLike.unpause();
      await expect(listing.connect(sys.bob).claimRefund(b)).to.changeTokenBalance(ethers, sys.usdc, sys.bob, 500n * USDC);
      // Alice's refund includes the 20 USDC of credit still at the bid token: it has to come back first.
      await expect(listing.connect(sys.alice).claimRefund(a)).to.be.revertedWith("ERC20: transfer amount exceeds balance");
      await expect(listing.recoverFunds()).to.emit(listing, "FundsRecovered").withArgs(20n * USDC, 0n);
      await expectAliceRefund(sys, listing, a);
      expect(await sys.usdc.balanceOf(address)).to.equal(0n);
      await expect(listing.recoverFunds()).to.be.revertedWithCustomError(listing, "NothingToRecover");
    });

    it("fails a listing whose escrow is blacklisted; refunds pay at once", async () => {
      const { listing, terms, address, a, b } = await soldListing(sys);
      await sys.usdcLike.blacklist(await sys.escrow.getAddress());
      await networkHelpers.time.increaseTo(terms.deadline);
      await expect(listing.settle()).to.be.revertedWith(FROZEN);
      await networkHelpers.time.increaseTo(BigInt(terms.deadline) + BigInt(GRACE));
      await expectFailedStalled(listing, 112n);
      expect(await sys.bidToken.creditPendingFor(address)).to.equal(0n);
      await expectAliceRefund(sys, listing, a);
      await expect(listing.connect(sys.bob).claimRefund(b)).to.changeTokenBalance(ethers, sys.usdc, sys.bob, 500n * USDC);
      await expect(listing.recoverFunds()).to.be.revertedWithCustomError(listing, "NothingToRecover");
    });

    it("fails a blacklisted listing; its refunds wait for the issuer to unfreeze it", async () => {
      const { listing, terms, address, b } = await soldListing(sys);
      await sys.usdcLike.blacklist(address);
      await networkHelpers.time.increaseTo(terms.deadline);
      await expect(listing.settle()).to.be.revertedWith(FROZEN);
      await networkHelpers.time.increaseTo(BigInt(terms.deadline) + BigInt(GRACE));
      await expectFailedStalled(listing, 112n);
      await expect(listing.connect(sys.bob).claimRefund(b)).to.be.revertedWith(FROZEN);
      await sys.usdcLike.unBlacklist(address);
      await expect(listing.connect(sys.bob).claimRefund(b)).to.changeTokenBalance(ethers, sys.usdc, sys.bob, 500n * USDC);
    });

    it("fails a listing whose bid token is blacklisted; wallet-paid refunds pay, the credit follows once unfrozen", async () => {
      const { listing, terms, a, b } = await soldListing(sys);
      const bidToken = await sys.bidToken.getAddress();
      await sys.usdcLike.blacklist(bidToken);
      await networkHelpers.time.increaseTo(terms.deadline);
      await expect(listing.settle()).to.be.revertedWith(FROZEN);
      await networkHelpers.time.increaseTo(BigInt(terms.deadline) + BigInt(GRACE));
      await expectFailedStalled(listing, 112n);
      await expect(listing.connect(sys.bob).claimRefund(b)).to.changeTokenBalance(ethers, sys.usdc, sys.bob, 500n * USDC);
      await expect(listing.recoverFunds()).to.be.revertedWith(FROZEN);
      await sys.usdcLike.unBlacklist(bidToken);
      await expect(listing.recoverFunds()).to.emit(listing, "FundsRecovered").withArgs(20n * USDC, 0n);
      await expectAliceRefund(sys, listing, a);
    });

    it("settles instead of failing when settlement works again at the end of the grace", async () => {
      const { listing, terms } = await soldListing(sys);
      await networkHelpers.time.increaseTo(BigInt(terms.deadline) + BigInt(GRACE));
      await expect(listing.failStalled()).to.emit(listing, "DrawRequested").and.not.to.emit(listing, "ListingFailed");
      expect(await listing.status()).to.equal(Status.Drawing);
    });

    it("fails a Drawing listing whose escrow order cannot be voided; recoverFunds voids it once the token allows", async () => {
      const { listing, terms, address, a, b } = await soldListing(sys);
      await networkHelpers.time.increaseTo(terms.deadline);
      await listing.settle();
      const expiresAt = BigInt(await networkHelpers.time.latest()) + BigInt(DAY); // the default draw timeout
      const orderId = await listing.escrowOrderId();
      await sys.usdcLike.pause();
      await networkHelpers.time.increaseTo(expiresAt);
      await expect(listing.expireDraw()).to.be.revertedWith(PAUSED);
      await expect(listing.failStalled())
        .to.be.revertedWithCustomError(listing, "NotStalledYet")
        .withArgs(expiresAt + BigInt(GRACE));
      await networkHelpers.time.increaseTo(expiresAt + BigInt(GRACE));
      await expectFailedStalled(listing, 112n);
      expect((await sys.marketplace.drawOf(address)).status).to.equal(3n); // Abandoned: a late word is ignored
      expect((await sys.escrow.order(orderId)).status).to.equal(1n); // still AwaitingDraw, P and deed inside
      await expect(listing.recoverFunds()).to.be.revertedWith(PAUSED);
      await sys.usdcLike.unpause();
      await expect(listing.recoverFunds()).to.emit(listing, "FundsRecovered").withArgs(0n, terms.price);
      expect((await sys.escrow.order(orderId)).status).to.equal(6n); // Voided
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.seller.address);
      await expectAliceRefund(sys, listing, a);
      await expect(listing.connect(sys.bob).claimRefund(b)).to.changeTokenBalance(ethers, sys.usdc, sys.bob, 500n * USDC);
      expect(await sys.usdc.balanceOf(address)).to.equal(0n);
    });

    it("never fails a draw whose word arrived: finalize moves no money, so it works while the token is paused", async () => {
      const { listing, terms } = await soldListing(sys);
      await networkHelpers.time.increaseTo(terms.deadline);
      await listing.settle();
      await fulfil(sys, listing, 5n);
      await sys.usdcLike.pause();
      await networkHelpers.time.increaseTo(BigInt(terms.deadline) + BigInt(DAY + GRACE));
      const { requestId } = await sys.marketplace.drawOf(await listing.getAddress());
      await expect(listing.failStalled()).to.be.revertedWithCustomError(listing, "RandomnessArrived").withArgs(requestId);
      await expect(listing.finalize()).to.emit(listing, "WinnerDrawn");
    });

    it("lets the keeper skip a stuck listing and serve the others, then fail it after the grace", async () => {
      const listings: Listing[] = [];
      let deadline = 0n;
      for (let i = 0; i < 4; i++) {
        const { listing, terms } = await createListing(sys, { threshold: 10n, price: 100n * USDC });
        await buy(sys, listing, sys.alice, 20n);
        listings.push(listing);
        deadline = BigInt(terms.deadline);
      }
      const stuck = listings[1];
      const stuckAddress = await stuck.getAddress();
      await sys.usdcLike.blacklist(stuckAddress);
      await networkHelpers.time.increaseTo(deadline);
      let skipped = 0;
      for (let round = 0; round < 8; round++) {
        const [needed, data] = await sys.marketplace.checkUpkeep("0x");
        if (!needed) break;
        const [target] = ethers.AbiCoder.defaultAbiCoder().decode(["address", "uint8"], data);
        const tx = sys.marketplace.performUpkeep(data);
        if (target === stuckAddress) {
          await expect(tx).to.emit(sys.marketplace, "UpkeepActionReverted");
          skipped++;
        } else await tx;
      }
      expect(skipped).to.equal(1); // tried once, then skipped during its retry delay
      expect(await sys.marketplace.upkeepRetryAt(stuckAddress)).to.be.greaterThan(BigInt(await networkHelpers.time.latest()));
      for (const l of listings) expect(await l.status()).to.equal(l === stuck ? Status.Open : Status.Drawing);
      const [needed] = await sys.marketplace.checkUpkeep("0x");
      expect(needed).to.equal(false); // the others wait for their words; the stuck one waits for its retry

      // After the grace the keeper's settle attempt fails the listing instead, so its refunds open.
      await networkHelpers.time.increaseTo(deadline + BigInt(GRACE));
      await expect(sys.marketplace.performUpkeep(ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint8"], [stuckAddress, Upkeep.Settle])))
        .to.emit(stuck, "ListingFailed")
        .withArgs(Stalled, 20n);
    });

    it("records nothing for a settle attempt starved of gas: the listing is not skipped", async () => {
      const { listing, terms } = await soldListing(sys);
      await networkHelpers.time.increaseTo(terms.deadline);
      const data = ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint8"], [await listing.getAddress(), Upkeep.Settle]);
      await expect(sys.marketplace.performUpkeep(data, { gasLimit: 120_000 })).to.be.revert(ethers);
      expect(await sys.marketplace.upkeepRetryAt(await listing.getAddress())).to.equal(0n);
      expect(await listing.status()).to.equal(Status.Open);
    });

    it("bounds the settlement grace, admin only, with an event", async () => {
      await expect(sys.marketplace.setSettlementGrace(2 * DAY)).to.emit(sys.marketplace, "SettlementGraceSet").withArgs(2 * DAY);
      expect(await sys.marketplace.settlementGrace()).to.equal(BigInt(2 * DAY));
      for (const bad of [DAY - 1, 30 * DAY + 1]) {
        await expect(sys.marketplace.setSettlementGrace(bad))
          .to.be.revertedWithCustomError(sys.marketplace, "SettlementGraceOutOfRange")
          .withArgs(bad);
      }
      await expect(sys.marketplace.connect(sys.stranger).setSettlementGrace(2 * DAY)).to.be.revertedWithCustomError(
        sys.marketplace,
        "AccessControlUnauthorizedAccount",
      );
    });
  });

  describe("token pause and time windows (item 3)", () => {
    it("does not extend a stake-cancellation window that ended while the token was paused", async () => {
      const { listing } = await createListing(sys);
      const a = await buy(sys, listing, sys.alice, 10n);
      const purchasedAt = BigInt(await networkHelpers.time.latest());
      await sys.usdcLike.pause();
      await expect(listing.connect(sys.alice).cancelPurchase(0)).to.be.revertedWith(PAUSED); // inside the window
      expect(await listing.oddsOf(a)).to.deep.equal([10n, 10n]); // nothing changed
      await networkHelpers.time.increase(2 * 3600); // the default tier's window is one hour
      await sys.usdcLike.unpause();
      await expect(listing.connect(sys.alice).cancelPurchase(0))
        .to.be.revertedWithCustomError(listing, "CancellationWindowPassed")
        .withArgs(purchasedAt + 3600n);
      expect(await listing.oddsOf(a)).to.deep.equal([10n, 10n]); // the stakes stay, in the draw
    });
  });

  describe("blacklisted holders and sellers (item 4)", () => {
    let listing: Listing;
    let address: string;
    let a: bigint;
    let deadline: bigint;
    beforeEach(async () => {
      const l = await createListing(sys, { threshold: 50n, price: 500n * USDC });
      listing = l.listing;
      address = await listing.getAddress();
      deadline = BigInt(l.terms.deadline);
      a = await buy(sys, listing, sys.alice, 10n);
      await sys.usdc.connect(sys.alice).approve(await sys.bidToken.getAddress(), 30n * USDC);
      await sys.bidToken.connect(sys.alice).topUp(a, 30n * USDC);
      await sys.usdcLike.blacklist(sys.alice.address);
    });

    it("a frozen holder cannot pay from its wallet, by approval or permit", async () => {
      await expect(listing.connect(sys.alice).buy(0, 1)).to.be.revertedWith(FROZEN);
      const d = BigInt((await networkHelpers.time.latest()) + 3600);
      const sig = await signPermit(sys, sys.alice, address, 10n * USDC, d);
      await expect(listing.connect(sys.alice).buyWithPermit(0, 1, 10n * USDC, d, sig.v, sig.r, sig.s)).to.be.revertedWith(FROZEN);
    });

    it("a frozen holder may spend credit already on its bid token (no USDC moves to or from its address)", async () => {
      await expect(listing.connect(sys.alice).buy(a, 3))
        .to.emit(listing, "StakesPurchased")
        .withArgs(a, sys.alice.address, 1n, 11n, 3n);
      expect(await sys.bidToken.creditOf(a)).to.equal(0n);
    });

    it("a frozen holder's refund reverts but stays owed; it is paid when the issuer unfreezes", async () => {
      await networkHelpers.time.increaseTo(deadline);
      await listing.settle(); // 10 of 50: fails
      await expect(listing.connect(sys.alice).claimRefund(a)).to.be.revertedWith(FROZEN);
      expect(await listing.holdsPosition(a)).to.equal(true);
      await sys.usdcLike.unBlacklist(sys.alice.address);
      await expect(listing.connect(sys.alice).claimRefund(a)).to.changeTokenBalance(ethers, sys.usdc, sys.alice, 100n * USDC);
    });

    it("a frozen holder's stakes stay in the draw: it can win, and its escrow order runs (release moves nothing to it)", async () => {
      await buy(sys, listing, sys.bob, 40n);
      await networkHelpers.time.increaseTo(deadline);
      await listing.settle();
      await fulfil(sys, listing, 0n); // stake 1: Alice's
      await expect(listing.finalize()).to.emit(listing, "WinnerDrawn").withArgs(1n, a, sys.alice.address, 0n, 0n);
      const orderId = await listing.escrowOrderId();
      await expect(sys.escrow.connect(sys.alice).release(orderId))
        .to.emit(sys.escrow, "OrderReleased")
        .withArgs(orderId, sys.seller.address, 500n * USDC, 0n);
    });

    it("a frozen holder can still transfer its bid token: stakes and refund claim move with it (an ERC-721, not the issuer's token)", async () => {
      await sys.bidToken.connect(sys.alice).transferFrom(sys.alice.address, sys.carol.address, a);
      await networkHelpers.time.increaseTo(deadline);
      await listing.settle();
      await expect(listing.connect(sys.carol).claimRefund(a)).to.changeTokenBalance(ethers, sys.usdc, sys.carol, 100n * USDC);
    });

    it("no role can claim or redirect a frozen holder's refund: the operator and admin hold no such power", async () => {
      await networkHelpers.time.increaseTo(deadline);
      await listing.settle();
      await expect(listing.connect(sys.admin).claimRefund(a))
        .to.be.revertedWithCustomError(sys.bidToken, "NotTokenHolder")
        .withArgs(a, sys.admin.address);
      // The marketplace pause is for new sales: it neither blocks nor unblocks refunds.
      await sys.marketplace.pause();
      await expect(listing.connect(sys.alice).claimRefund(a)).to.be.revertedWith(FROZEN);
    });

    it("a frozen seller's sale settles and draws; its escrow proceeds are owed but cannot be withdrawn to itself", async () => {
      await sys.usdcLike.unBlacklist(sys.alice.address);
      await buy(sys, listing, sys.bob, 40n);
      await sys.usdcLike.blacklist(sys.seller.address);
      await networkHelpers.time.increaseTo(deadline);
      await expect(listing.settle()).to.emit(listing, "DrawRequested");
      await fulfil(sys, listing, 0n);
      await listing.finalize();
      await sys.escrow.connect(sys.alice).release(await listing.escrowOrderId());
      const price = 500n * USDC;
      await expect(sys.escrow.connect(sys.seller).withdraw(sys.seller.address)).to.be.revertedWith(FROZEN);
      // withdraw(to): the token sees only the escrow and the recipient, so a named recipient is paid.
      await expect(sys.escrow.connect(sys.seller).withdraw(sys.dave.address)).to.changeTokenBalance(ethers, sys.usdc, sys.dave, price);
    });
  });
});

