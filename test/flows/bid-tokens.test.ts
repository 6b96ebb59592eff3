import { expect } from "chai";
import {
  buy,
  createListing,
  DAY,
  deployFixture,
  deployFixtureWith,
  ethers,
  fulfil,
  networkHelpers,
  signPermit,
  USDC,
} from "../fixtures.js";
import type { System } from "../fixtures.js";
import { failAtDeadline, topUp } from "../helpers.js";
import type { Listing } from "../../typechain-types/index.js";

/** SPEC §4.3: supply in tranches, vanity ids, credit, positions and the recycling treasury. */

const MAX_SUPPLY = 7_777_777n;
enum Skip {
  None,
  NotIssued,
  InTreasury,
  HasCredit,
  OpenPosition,
  Vanity,
}

/** A system whose bid token has released ids 1 … 3 only, with id 2 reserved. */
const smallTranche = () =>
  deployFixtureWith({ firstTranche: 3, vanityIds: [2] });

/** A listing of 1 USDC stakes whose threshold (100 stakes) pays P exactly. */
const cheapListing = (sys: System, overrides = {}) =>
  createListing(sys, {
    price: 100n * USDC,
    stakePrice: 1n * USDC,
    stakeCount: 200n,
    threshold: 100n,
    ...overrides,
  });

/** Fails `listing` at its deadline (threshold not met). */
const fail = failAtDeadline;

/** Settles, answers and finalizes `listing`; waits for the deadline unless it sold out and draws at sell-out. */
async function settleWith(sys: System, listing: Listing) {
  const terms = (await listing.charter())[1];
  const [sold] = await listing.sales();
  const soldOut = terms.drawAtSellOut && sold === terms.stakeCount;
  if (!soldOut && (await networkHelpers.time.latest()) < terms.deadline)
    await networkHelpers.time.increaseTo(terms.deadline);
  await listing.settle();
  await fulfil(sys, listing);
  await listing.finalize();
}

describe("Bid tokens: supply, vanity ids, credit and recycling", () => {
  let sys: System;

  describe("supply in tranches and vanity ids", () => {
    beforeEach(async () => {
      sys = await networkHelpers.loadFixture(smallTranche);
    });

    it("the default deployment releases a first tranche and reserves 333 and 7,777,777", async () => {
      const full = await networkHelpers.loadFixture(deployFixture);
      expect(await full.bidToken.MAX_SUPPLY()).to.equal(MAX_SUPPLY);
      expect(await full.bidToken.releasedUpTo()).to.equal(100_000n);
      expect(await full.bidToken.isReserved(333n)).to.equal(true);
      expect(await full.bidToken.isReserved(MAX_SUPPLY)).to.equal(true);
      expect(await full.bidToken.isReserved(334n)).to.equal(false);
    });

    it("issues released ids in order, never a reserved one, and names the exhaustion of a tranche", async () => {
      const { listing } = await cheapListing(sys);
      expect(await buy(sys, listing, sys.alice, 1n)).to.equal(1n);
      expect(await buy(sys, listing, sys.bob, 1n)).to.equal(3n); // 2 is a vanity id
      await expect(buy(sys, listing, sys.carol, 1n))
        .to.be.revertedWithCustomError(sys.bidToken, "NoTokenAvailable")
        .withArgs(3n);
      // A buyer who already holds a token is not affected.
      expect(await buy(sys, listing, sys.alice, 1n, 1n)).to.equal(1n);

      await expect(sys.bidToken.release(5n))
        .to.emit(sys.bidToken, "TrancheReleased")
        .withArgs(5n);
      expect(await buy(sys, listing, sys.carol, 1n)).to.equal(4n);
      expect(await sys.bidToken.nextId()).to.equal(5n);
      expect(await sys.bidToken.ownerOf(2n).catch(() => "none")).to.equal(
        "none",
      );
    });

    it("releases only upward, never past the maximum, and only by the operator", async () => {
      await expect(sys.bidToken.release(3n))
        .to.be.revertedWithCustomError(sys.bidToken, "ReleaseMustGrow")
        .withArgs(3n, 3n);
      await expect(sys.bidToken.release(1n))
        .to.be.revertedWithCustomError(sys.bidToken, "ReleaseMustGrow")
        .withArgs(3n, 1n);
      await expect(sys.bidToken.release(MAX_SUPPLY + 1n))
        .to.be.revertedWithCustomError(sys.bidToken, "BeyondMaxSupply")
        .withArgs(MAX_SUPPLY + 1n, MAX_SUPPLY);
      await expect(sys.bidToken.connect(sys.stranger).release(10n))
        .to.be.revertedWithCustomError(sys.bidToken, "NotOperator")
        .withArgs(sys.stranger.address);
      await sys.bidToken.release(MAX_SUPPLY);
      expect(await sys.bidToken.releasedUpTo()).to.equal(MAX_SUPPLY);
    });

    it("reserves ids not yet issued; refuses issued, duplicate, zero and out-of-range ids", async () => {
      const { listing } = await cheapListing(sys);
      await buy(sys, listing, sys.alice, 1n); // issues 1
      await expect(sys.bidToken.reserve([1n]))
        .to.be.revertedWithCustomError(sys.bidToken, "NotReservable")
        .withArgs(1n);
      await expect(sys.bidToken.reserve([0n]))
        .to.be.revertedWithCustomError(sys.bidToken, "NotReservable")
        .withArgs(0n);
      await expect(sys.bidToken.reserve([2n]))
        .to.be.revertedWithCustomError(sys.bidToken, "NotReservable")
        .withArgs(2n);
      await expect(sys.bidToken.reserve([MAX_SUPPLY + 1n]))
        .to.be.revertedWithCustomError(sys.bidToken, "BeyondMaxSupply")
        .withArgs(MAX_SUPPLY + 1n, MAX_SUPPLY);
      await expect(sys.bidToken.connect(sys.stranger).reserve([50n]))
        .to.be.revertedWithCustomError(sys.bidToken, "NotOperator")
        .withArgs(sys.stranger.address);

      // 3 is released but not issued yet: reserving it makes the next purchase skip it.
      await expect(sys.bidToken.reserve([3n, 4n]))
        .to.emit(sys.bidToken, "IdReserved")
        .withArgs(3n);
      await sys.bidToken.release(6n);
      expect(await buy(sys, listing, sys.bob, 1n)).to.equal(5n);
    });

    it("grants a reserved id once, to an address, by the operator only; never an unreserved one", async () => {
      await expect(sys.bidToken.grant(2n, sys.carol.address))
        .to.emit(sys.bidToken, "VanityGranted")
        .withArgs(2n, sys.carol.address);
      expect(await sys.bidToken.ownerOf(2n)).to.equal(sys.carol.address);
      expect(await sys.bidToken.isReserved(2n)).to.equal(true);
      await expect(sys.bidToken.grant(2n, sys.bob.address))
        .to.be.revertedWithCustomError(sys.bidToken, "NotGrantable")
        .withArgs(2n);
      await expect(sys.bidToken.grant(3n, sys.bob.address))
        .to.be.revertedWithCustomError(sys.bidToken, "NotGrantable")
        .withArgs(3n);
      await expect(
        sys.bidToken.connect(sys.stranger).grant(2n, sys.stranger.address),
      )
        .to.be.revertedWithCustomError(sys.bidToken, "NotOperator")
        .withArgs(sys.stranger.address);
      await expect(
        sys.bidToken.grant(2n, ethers.ZeroAddress),
      ).to.be.revertedWithCustomError(sys.bidToken, "ZeroInput");

      // The granted vanity token buys like any other, and purchases still never issue id 2.
      const { listing } = await cheapListing(sys);
      expect(await buy(sys, listing, sys.carol, 2n, 2n)).to.equal(2n);
      expect(await buy(sys, listing, sys.alice, 1n)).to.equal(1n);
      expect(await buy(sys, listing, sys.bob, 1n)).to.equal(3n);
      // Nor does recycling ever send it to the treasury, where the next buyer would be issued it.
      await sys.bidToken.reserve([5n]);
      await sys.bidToken.release(6n);
      await sys.bidToken.grant(5n, sys.dave.address);
      await expect(sys.bidToken.recycle([5n]))
        .to.emit(sys.bidToken, "RecycleSkipped")
        .withArgs(5n, Skip.Vanity);
      expect(await sys.bidToken.ownerOf(5n)).to.equal(sys.dave.address);
    });
  });

  describe("credit", () => {
    beforeEach(async () => {
      sys = await networkHelpers.loadFixture(deployFixture);
    });

    it("anyone tops up any held token; zero amounts and unissued ids are refused", async () => {
      const { listing } = await cheapListing(sys);
      const a = await buy(sys, listing, sys.alice, 1n);
      await sys.usdc
        .connect(sys.stranger)
        .approve(await sys.bidToken.getAddress(), 10n * USDC);
      const tx = sys.bidToken.connect(sys.stranger).topUp(a, 10n * USDC);
      await expect(tx)
        .to.emit(sys.bidToken, "CreditAdded")
        .withArgs(a, sys.stranger.address, 10n * USDC, 10n * USDC);
      await expect(tx).to.changeTokenBalances(
        ethers,
        sys.usdc,
        [sys.stranger, sys.bidToken],
        [-10n * USDC, 10n * USDC],
      );
      expect(await sys.bidToken.creditOf(a)).to.equal(10n * USDC);
      await expect(
        sys.bidToken.connect(sys.alice).topUp(a, 0n),
      ).to.be.revertedWithCustomError(sys.bidToken, "ZeroInput");
      await expect(sys.bidToken.connect(sys.alice).topUp(999n, 1n))
        .to.be.revertedWithCustomError(sys.bidToken, "TokenNotHeld")
        .withArgs(999n);
    });

    it("a purchase spends the token's credit first, exactly, and the wallet pays only the rest", async () => {
      const { listing } = await cheapListing(sys);
      const address = await listing.getAddress();
      const a = await buy(sys, listing, sys.alice, 1n);
      await topUp(sys, sys.bob, a, 10n * USDC); // a 10 USDC prepayment for 1 USDC stakes

      // 3 stakes from credit: nothing leaves the wallet, 7 USDC of credit remains.
      await sys.usdc.connect(sys.alice).approve(address, 0n);
      const three = listing.connect(sys.alice).buy(a, 3n);
      await expect(three)
        .to.emit(sys.bidToken, "CreditSpent")
        .withArgs(a, address, 3n * USDC);
      await expect(three).to.changeTokenBalance(ethers, sys.usdc, sys.alice, 0n);
      expect(await sys.bidToken.creditOf(a)).to.equal(7n * USDC);
      expect(await sys.bidToken.creditPendingFor(address)).to.equal(
        3n * USDC,
      );

      // 10 stakes with 7 USDC of credit: the wallet pays exactly 3 USDC.
      await sys.usdc.connect(sys.alice).approve(address, 3n * USDC);
      await expect(
        listing.connect(sys.alice).buy(a, 10n),
      ).to.changeTokenBalances(
        ethers,
        sys.usdc,
        [sys.alice, listing],
        [-3n * USDC, 3n * USDC],
      );
      expect(await sys.bidToken.creditOf(a)).to.equal(0n);
      expect(await sys.bidToken.creditPendingFor(address)).to.equal(
        10n * USDC,
      );
      expect(await listing.oddsOf(a)).to.deep.equal([14n, 14n]);
      // The listing's own balance plus the credit held for it is every stake sold.
      expect(await sys.usdc.balanceOf(address)).to.equal(await listing.owed());
      expect(await listing.owed()).to.equal(4n * USDC);
    });

    it("only the holder or an approved operator spends credit, and credit moves with the token", async () => {
      const { listing } = await cheapListing(sys);
      const a = await buy(sys, listing, sys.alice, 1n);
      await topUp(sys, sys.alice, a, 5n * USDC);
      await expect(buy(sys, listing, sys.bob, 1n, a))
        .to.be.revertedWithCustomError(sys.bidToken, "NotTokenHolder")
        .withArgs(a, sys.bob.address);
      // A contract that is not a listing cannot spend it either.
      await expect(
        sys.bidToken
          .connect(sys.bob)
          .admit(sys.alice.address, a, 5n * USDC, false),
      )
        .to.be.revertedWithCustomError(sys.bidToken, "NotAListing")
        .withArgs(sys.bob.address);
      await expect(sys.bidToken.connect(sys.bob).collectCredit())
        .to.be.revertedWithCustomError(sys.bidToken, "NotAListing")
        .withArgs(sys.bob.address);

      await sys.bidToken
        .connect(sys.alice)
        .transferFrom(sys.alice.address, sys.carol.address, a);
      expect(await sys.bidToken.creditOf(a)).to.equal(5n * USDC);
      await expect(
        listing.connect(sys.carol).buy(a, 2n),
      ).to.changeTokenBalance(ethers, sys.usdc, sys.carol, 0n);
      expect(await sys.bidToken.creditOf(a)).to.equal(3n * USDC);
    });

    it("a permit covers only what the wallet pays when credit pays first, and leaves no allowance behind", async () => {
      const { listing } = await cheapListing(sys);
      const address = await listing.getAddress();
      const a = await buy(sys, listing, sys.alice, 1n);
      await topUp(sys, sys.alice, a, 3n * USDC);
      const deadline = BigInt((await networkHelpers.time.latest()) + 3600);
      const sig = await signPermit(sys, sys.alice, address, 2n * USDC, deadline); // 5 stakes − 3 of credit
      await expect(
        listing.connect(sys.alice).buyWithPermit(a, 5n, 2n * USDC, deadline, sig.v, sig.r, sig.s),
      ).to.changeTokenBalance(ethers, sys.usdc, sys.alice, -2n * USDC);
      expect(await sys.usdc.allowance(sys.alice.address, address)).to.equal(0n);
      expect(await sys.bidToken.creditOf(a)).to.equal(0n);
    });

    it("settlement collects the credit spent, so stakes bought with credit are refunded in full, the credit part as credit", async () => {
      const { listing } = await cheapListing(sys);
      const address = await listing.getAddress();
      const a = await buy(sys, listing, sys.alice, 1n);
      await topUp(sys, sys.alice, a, 20n * USDC);
      await listing.connect(sys.alice).buy(a, 20n); // 20 from credit
      await fail(listing);
      expect(await sys.bidToken.creditPendingFor(address)).to.equal(0n);
      expect(await sys.usdc.balanceOf(address)).to.equal(21n * USDC);
      await expect(
        listing.connect(sys.alice).claimRefund(a),
      ).to.changeTokenBalance(ethers, sys.usdc, sys.alice, 1n * USDC);
      expect(await sys.bidToken.creditOf(a)).to.equal(20n * USDC);
      expect(await sys.usdc.balanceOf(await sys.bidToken.getAddress())).to.equal(
        20n * USDC,
      );
    });

    it("a dissolution collects the credit too", async () => {
      const { listing } = await cheapListing(sys);
      const a = await buy(sys, listing, sys.alice, 1n);
      await topUp(sys, sys.alice, a, 5n * USDC);
      await listing.connect(sys.alice).buy(a, 5n);
      await expect(listing.connect(sys.alice).voteToDissolve(a))
        .to.emit(sys.bidToken, "CreditCollected")
        .withArgs(await listing.getAddress(), 5n * USDC);
      await expect(
        listing.connect(sys.alice).claimRefund(a),
      ).to.changeTokenBalance(ethers, sys.usdc, sys.alice, 1n * USDC);
      expect(await sys.bidToken.creditOf(a)).to.equal(5n * USDC);
    });
  });

  describe("positions and recycling", () => {
    beforeEach(async () => {
      sys = await networkHelpers.loadFixture(deployFixture);
    });

    it("a token knows its open positions, at most four; positions in settled listings are pruned to make room", async () => {
      const listings: Listing[] = [];
      for (let i = 0; i < 5; i++)
        listings.push(
          (await cheapListing(sys, { stakeCount: 100n, drawAtSellOut: true }))
            .listing,
        );
      const a = await buy(sys, listings[0], sys.alice, 1n);
      for (const l of listings.slice(1, 4)) await buy(sys, l, sys.alice, 1n, a);
      expect(await sys.bidToken.openPositions(a)).to.deep.equal(
        await Promise.all(listings.slice(0, 4).map((l) => l.getAddress())),
      );
      await expect(buy(sys, listings[4], sys.alice, 1n, a))
        .to.be.revertedWithCustomError(sys.bidToken, "TooManyOpenPositions")
        .withArgs(a, 4n);

      // Listing 0 sells out and settles: its position closes and the fifth listing fits.
      await buy(sys, listings[0], sys.bob, 99n);
      await settleWith(sys, listings[0]);
      expect(await listings[0].holdsPosition(a)).to.equal(false);
      expect((await sys.bidToken.openPositions(a)).length).to.equal(3);
      await buy(sys, listings[4], sys.alice, 1n, a);
      expect((await sys.bidToken.openPositions(a)).length).to.equal(4);
    });

    it("the new owner of a transferred token wins the draw", async () => {
      const { listing } = await cheapListing(sys, {
        stakeCount: 100n,
        drawAtSellOut: true,
      });
      const a = await buy(sys, listing, sys.alice, 100n);
      await sys.bidToken
        .connect(sys.alice)
        .transferFrom(sys.alice.address, sys.dave.address, a);
      await listing.settle();
      await fulfil(sys, listing);
      await expect(listing.finalize())
        .to.emit(listing, "WinnerDrawn")
        .withArgs(
          (s: bigint) => s >= 1n && s <= 100n,
          a,
          sys.dave.address,
          0n,
          (w: bigint) => w > 0n,
        );
    });

    it("recycles a batch: idle tokens go to the treasury, every other id is skipped with its reason", async () => {
      const { listing: settled } = await cheapListing(sys, {
        stakeCount: 100n,
        drawAtSellOut: true,
      });
      const { listing: open } = await cheapListing(sys);
      const { listing: failed } = await cheapListing(sys);
      const idle = await buy(sys, settled, sys.alice, 50n);
      const credited = await buy(sys, settled, sys.bob, 50n);
      await topUp(sys, sys.bob, credited, 1n);
      await settleWith(sys, settled);
      const live = await buy(sys, open, sys.carol, 1n);
      const unclaimed = await buy(sys, failed, sys.dave, 1n);
      const claimed = await buy(sys, failed, sys.stranger, 1n);
      await fail(failed);
      await failed.connect(sys.stranger).claimRefund(claimed);

      const ids = [idle, credited, live, unclaimed, 4242n, claimed, idle];
      const tx = sys.bidToken.connect(sys.stranger).recycle(ids);
      await expect(tx)
        .to.emit(sys.bidToken, "TokenRecycled")
        .withArgs(idle, sys.alice.address);
      await expect(tx)
        .to.emit(sys.bidToken, "TokenRecycled")
        .withArgs(claimed, sys.stranger.address);
      for (const [id, reason] of [
        [credited, Skip.HasCredit],
        [live, Skip.OpenPosition],
        [unclaimed, Skip.OpenPosition],
        [4242n, Skip.NotIssued],
        [idle, Skip.InTreasury],
      ] as const)
        await expect(tx)
          .to.emit(sys.bidToken, "RecycleSkipped")
          .withArgs(id, reason);
      const treasury = await sys.bidToken.getAddress();
      expect(await sys.bidToken.ownerOf(idle)).to.equal(treasury);
      expect(await sys.bidToken.ownerOf(claimed)).to.equal(treasury);
      expect(await sys.bidToken.balanceOf(treasury)).to.equal(2n);
      expect(await sys.bidToken.balanceOf(sys.alice.address)).to.equal(0n);
      expect(await sys.bidToken.recycledCount()).to.equal(2n);

      // Once Dave claims his refund, his token is idle too.
      expect(await sys.bidToken.recyclable(unclaimed)).to.equal(
        Skip.OpenPosition,
      );
      await failed.connect(sys.dave).claimRefund(unclaimed);
      expect(await sys.bidToken.recyclable(unclaimed)).to.equal(Skip.None);
    });

    it("re-issues recycled ids, most recent first, before new ids, with no approval left over", async () => {
      const { listing: settled } = await cheapListing(sys, {
        stakeCount: 100n,
        drawAtSellOut: true,
      });
      const a = await buy(sys, settled, sys.alice, 50n);
      const b = await buy(sys, settled, sys.bob, 50n);
      await sys.bidToken.connect(sys.alice).approve(sys.dave.address, a);
      await settleWith(sys, settled);
      await sys.bidToken.recycle([a, b]);
      expect(await sys.bidToken.getApproved(a)).to.equal(ethers.ZeroAddress);

      const { listing } = await cheapListing(sys);
      const next = await sys.bidToken.nextId();
      expect(await buy(sys, listing, sys.carol, 1n)).to.equal(b);
      expect(await buy(sys, listing, sys.carol, 1n)).to.equal(a);
      expect(await buy(sys, listing, sys.carol, 1n)).to.equal(next);
      expect(await sys.bidToken.ownerOf(a)).to.equal(sys.carol.address);
      expect(await sys.bidToken.balanceOf(sys.carol.address)).to.equal(3n);
      expect(await sys.bidToken.recycledCount()).to.equal(0n);
      // Dave's old approval does not follow the token to its new holder.
      await expect(buy(sys, listing, sys.dave, 1n, a))
        .to.be.revertedWithCustomError(sys.bidToken, "NotTokenHolder")
        .withArgs(a, sys.dave.address);
      expect(await sys.bidToken.openPositions(a)).to.deep.equal([
        await listing.getAddress(),
      ]);
    });

    it("the treasury takes tokens only by recycling, and its tokens take no credit", async () => {
      const { listing } = await cheapListing(sys, {
        stakeCount: 100n,
        drawAtSellOut: true,
      });
      const a = await buy(sys, listing, sys.alice, 100n);
      const treasury = await sys.bidToken.getAddress();
      await expect(
        sys.bidToken
          .connect(sys.alice)
          .transferFrom(sys.alice.address, treasury, a),
      ).to.be.revertedWithCustomError(sys.bidToken, "TreasuryOnlyByRecycling");
      await expect(
        sys.bidToken.connect(sys.alice)["safeTransferFrom(address,address,uint256)"](
            sys.alice.address,
            treasury,
            a,
          ),
      ).to.be.revertedWithCustomError(sys.bidToken, "TreasuryOnlyByRecycling");
      await settleWith(sys, listing);
      await sys.bidToken.recycle([a]);
      await expect(topUp(sys, sys.alice, a, 1n))
        .to.be.revertedWithCustomError(sys.bidToken, "TokenNotHeld")
        .withArgs(a);
    });

    it("tokenURI is on-chain JSON with the number, the credit and the open positions", async () => {
      const { listing } = await cheapListing(sys);
      const a = await buy(sys, listing, sys.alice, 1n);
      await topUp(sys, sys.alice, a, 12_500_000n);
      const uri = await sys.bidToken.tokenURI(a);
      expect(uri.startsWith("data:application/json;base64,")).to.equal(true);
      const json = JSON.parse(
        Buffer.from(uri.split(",")[1], "base64").toString("utf8"),
      );
      expect(json.name).to.equal(`Copurchase Bid Token #${a}`);
      const trait = (t: string) =>
        json.attributes.find((x: { trait_type: string }) => x.trait_type === t)
          .value;
      expect(trait("Number")).to.equal(Number(a));
      expect(trait("Credit")).to.equal(12_500_000);
      expect(trait("Open positions")).to.equal(1);
      await expect(
        sys.bidToken.tokenURI(999n),
      ).to.be.revertedWithCustomError(sys.bidToken, "TokenDoesNotExist");
    });
  });

  it("a purchase deadline passing does not strand credit: the listing collects at settlement", async () => {
    sys = await networkHelpers.loadFixture(deployFixture);
    const { listing, terms } = await cheapListing(sys, { threshold: 100n });
    const a = await buy(sys, listing, sys.alice, 1n);
    await topUp(sys, sys.alice, a, 100n * USDC);
    await listing.connect(sys.alice).buy(a, 99n);
    await networkHelpers.time.increaseTo(BigInt(terms.deadline) + BigInt(DAY));
    await expect(listing.settle())
      .to.emit(sys.bidToken, "CreditCollected")
      .withArgs(await listing.getAddress(), 99n * USDC);
    expect(await sys.bidToken.creditOf(a)).to.equal(1n * USDC);
  });
});
