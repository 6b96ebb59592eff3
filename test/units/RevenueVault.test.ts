import { expect } from "chai";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { buy, createListing, defaultTerms, deployFixture, ethers, networkHelpers, USDC } from "../fixtures.js";
import type { System, Terms } from "../fixtures.js";
import { deployWithoutMembership, drawnListing, latest } from "../helpers.js";
import { Listing__factory, MpBlacklistToken__factory } from "../../typechain-types/index.js";

const Status = { Open: 0n, Drawing: 1n, Settled: 2n, Failed: 3n, Dissolved: 4n };
const CONTENT = ethers.id("asset documents");

type Recipient = { account: string; shareBps: bigint };

/** Runs a listing to Settled: `sold` stakes bought by Alice, the word arrives, finalize. */
async function settled(sys: System, sold = 120n, overrides: Partial<Terms> = {}) {
  const created = await drawnListing(sys, { stakes: sold, word: 0n, terms: overrides });
  const markup = sold * BigInt(created.terms.stakePrice) - BigInt(created.terms.price);
  return { ...created, address: await created.listing.getAddress(), markup };
}

/** The split the vault promises: each recipient after the first gets floor(amount × bps / 10,000), the first the rest. */
function expectedSplit(amount: bigint, recipients: Recipient[]): bigint[] {
  const parts = recipients.map((r) => (amount * r.shareBps) / 10_000n);
  parts[0] = amount - parts.slice(1).reduce((a, b) => a + b, 0n);
  return parts;
}

async function expectBooks(sys: System) {
  expect(await sys.usdc.balanceOf(await sys.vault.getAddress())).to.equal(await sys.vault.totalOwed());
}

/**
 * The whole system again, on a payment token that blacklists accounts like USDC does, with its own VRF subscription
 * on the fixture's coordinator mock. Returns a listing already settled with `sold` stakes and three recipients.
 */
async function blacklistSystem(sys: System, recipients: HardhatEthersSigner[]) {
  const token = await new MpBlacklistToken__factory(sys.admin).deploy();
  const { marketplace, vault } = await deployWithoutMembership(sys, await token.getAddress());
  const mp = await marketplace.getAddress();
  const shares: Recipient[] = [
    { account: recipients[0].address, shareBps: 5_000n },
    { account: recipients[1].address, shareBps: 3_000n },
    { account: recipients[2].address, shareBps: 2_000n },
  ];
  await vault.setRecipients(shares);
  const receipt = await (await marketplace.connect(sys.seller).submitAsset("ipfs://bl", CONTENT)).wait();
  const submitted = receipt!.logs.map((l) => marketplace.interface.parseLog(l)).find((e) => e?.name === "AssetSubmitted")!;
  const terms = await defaultTerms(sys, submitted.args.deedId, {
    deadline: (await latest()) + 86_400n,
    contentHash: CONTENT,
  });
  await marketplace.approveListing(submitted.args.applicationId, terms);
  await marketplace.connect(sys.seller).acceptTerms(submitted.args.applicationId, terms);
  const listing = Listing__factory.connect(await marketplace.listingAt(1), sys.admin);
  await token.mint(sys.alice.address, 10_000n * USDC);
  await token.connect(sys.alice).approve(await listing.getAddress(), 1_500n * USDC);
  await listing.connect(sys.alice).buy(0, 150);
  await networkHelpers.time.increaseTo(terms.deadline);
  await listing.settle();
  const { requestId } = await marketplace.drawOf(await listing.getAddress());
  await sys.coordinator.fulfillRandomWordsWithOverride(requestId, mp, [3n]);
  await listing.finalize();
  return { token, marketplace, vault, listing, shares, markup: 150n * 10n * USDC - BigInt(terms.price) };
}

describe("RevenueVault", () => {
  let sys: System;
  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(deployFixture);
  });

  describe("#setRecipients", () => {
    it("starts with the deployer at 100% and serves the marketplace", async () => {
      const recipients = await sys.vault.recipients();
      expect(recipients.map((r) => [r.account, r.shareBps])).to.deep.equal([[sys.admin.address, 10_000n]]);
      expect(await sys.vault.marketplace()).to.equal(await sys.marketplace.getAddress());
      expect(await sys.vault.MAX_RECIPIENTS()).to.equal(10n);
      expect(await sys.vault.TOTAL_BPS()).to.equal(10_000n);
    });

    it("replaces the recipients with shares summing to exactly 10,000 bps, evented", async () => {
      const next: Recipient[] = [
        { account: sys.carol.address, shareBps: 6_000n },
        { account: sys.dave.address, shareBps: 4_000n },
      ];
      await expect(sys.vault.setRecipients(next))
        .to.emit(sys.vault, "RecipientsSet")
        .withArgs(next.map((r) => [r.account, r.shareBps]));
      expect((await sys.vault.recipients()).map((r) => [r.account, r.shareBps])).to.deep.equal(
        next.map((r) => [r.account, r.shareBps]),
      );
    });

    it("rejects share sums other than 10,000 bps at configuration (A6)", async () => {
      for (const [a, b] of [
        [5_000n, 4_999n],
        [5_000n, 5_001n],
        [65_535n, 1n],
      ]) {
        await expect(
          sys.vault.setRecipients([
            { account: sys.carol.address, shareBps: a },
            { account: sys.dave.address, shareBps: b },
          ]),
        )
          .to.be.revertedWithCustomError(sys.vault, "SharesMustSumTo10000")
          .withArgs(a + b);
      }
      expect((await sys.vault.recipients()).map((r) => r.account)).to.deep.equal([sys.admin.address]);
    });

    it("accepts 1 to 10 recipients, rejects 0 and 11 (A6)", async () => {
      const wallets = Array.from({ length: 11 }, (_, i) => ethers.getAddress(ethers.zeroPadValue(ethers.toBeHex(i + 1000), 20)));
      const eleven = wallets.map((account, i) => ({ account, shareBps: i === 0 ? 10_000n - 10n * 909n : 909n }));
      await expect(sys.vault.setRecipients(eleven)).to.be.revertedWithCustomError(sys.vault, "RecipientCount").withArgs(11n);
      await expect(sys.vault.setRecipients([])).to.be.revertedWithCustomError(sys.vault, "RecipientCount").withArgs(0n);
      const ten = wallets.slice(0, 10).map((account) => ({ account, shareBps: 1_000n }));
      await expect(sys.vault.setRecipients(ten)).to.emit(sys.vault, "RecipientsSet");
      expect((await sys.vault.recipients()).length).to.equal(10);
      await expect(sys.vault.setRecipients([{ account: sys.carol.address, shareBps: 10_000n }])).to.emit(
        sys.vault,
        "RecipientsSet",
      );
      expect((await sys.vault.recipients()).length).to.equal(1);
    });

    it("rejects a zero account, a zero share and a repeated account, naming the entry", async () => {
      const ok = { account: sys.carol.address, shareBps: 5_000n };
      await expect(sys.vault.setRecipients([ok, { account: ethers.ZeroAddress, shareBps: 5_000n }]))
        .to.be.revertedWithCustomError(sys.vault, "InvalidRecipient")
        .withArgs(1n);
      await expect(
        sys.vault.setRecipients([{ ...ok, shareBps: 10_000n }, { account: sys.dave.address, shareBps: 0n }]),
      )
        .to.be.revertedWithCustomError(sys.vault, "InvalidRecipient")
        .withArgs(1n);
      await expect(
        sys.vault.setRecipients([
          { account: sys.dave.address, shareBps: 2_000n },
          ok,
          { account: sys.carol.address, shareBps: 3_000n },
        ]),
      )
        .to.be.revertedWithCustomError(sys.vault, "InvalidRecipient")
        .withArgs(2n);
    });

    it("only a marketplace admin configures recipients, read live from the marketplace's roles", async () => {
      const next = [{ account: sys.carol.address, shareBps: 10_000n }];
      // Operators, verifiers and pausers are not admins.
      await sys.marketplace.grantRole(await sys.marketplace.OPERATOR_ROLE(), sys.dave.address);
      for (const caller of [sys.stranger, sys.dave]) {
        await expect(sys.vault.connect(caller).setRecipients(next))
          .to.be.revertedWithCustomError(sys.marketplace, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, ethers.ZeroHash);
      }
      await sys.marketplace.grantRole(ethers.ZeroHash, sys.dave.address);
      await expect(sys.vault.connect(sys.dave).setRecipients(next)).to.emit(sys.vault, "RecipientsSet");
      await sys.marketplace.renounceRole(ethers.ZeroHash, sys.admin.address);
      await expect(sys.vault.setRecipients(next))
        .to.be.revertedWithCustomError(sys.marketplace, "AccessControlUnauthorizedAccount")
        .withArgs(sys.admin.address, ethers.ZeroHash);
    });
  });

  describe("#collect", () => {
    it("collects a settled listing's markup once, permissionlessly, and splits it exactly with remainders to the first", async () => {
      const recipients: Recipient[] = [
        { account: sys.carol.address, shareBps: 3_333n },
        { account: sys.dave.address, shareBps: 3_333n },
        { account: sys.bob.address, shareBps: 3_334n },
      ];
      await sys.vault.setRecipients(recipients);
      // s = 10.000001 USDC makes the markup (121 × s − P) indivisible by the shares.
      const { listing, address, markup } = await settled(sys, 121n, { stakePrice: 10n * USDC + 1n });
      expect(markup).to.equal(210n * USDC + 121n);
      const parts = expectedSplit(markup, recipients);
      expect(parts.reduce((a, b) => a + b, 0n)).to.equal(markup);
      expect(parts[0]).to.be.greaterThan((markup * 3_333n) / 10_000n); // the first took the remainder
      const tx = sys.vault.connect(sys.stranger).collect(address);
      await expect(tx).to.emit(sys.vault, "RevenueCollected").withArgs(address, markup);
      await expect(tx).to.emit(listing, "MarkupReleased").withArgs(markup);
      for (let i = 0; i < recipients.length; i++) {
        await expect(tx).to.emit(sys.vault, "RevenueCredited").withArgs(recipients[i].account, parts[i]);
      }
      await expect(tx).to.changeTokenBalances(ethers, sys.usdc, [listing, sys.vault], [-markup, markup]);
      for (let i = 0; i < recipients.length; i++) {
        expect(await sys.vault.owedTo(recipients[i].account)).to.equal(parts[i]);
      }
      expect(await sys.vault.totalOwed()).to.equal(markup);
      expect(await listing.owed()).to.equal(0n);
      await expectBooks(sys);
      await expect(sys.vault.collect(address))
        .to.be.revertedWithCustomError(listing, "MarkupUnavailable")
        .withArgs(await sys.vault.getAddress());
      expect(await sys.vault.totalOwed()).to.equal(markup);
    });

    it("accumulates the markup of several listings", async () => {
      const a = await settled(sys, 120n);
      const b = await settled(sys, 150n);
      await sys.vault.collect(a.address);
      await sys.vault.collect(b.address);
      expect(a.markup + b.markup).to.equal(200n * USDC + 500n * USDC);
      expect(await sys.vault.owedTo(sys.admin.address)).to.equal(a.markup + b.markup);
      await expectBooks(sys);
    });

    it("collects only from settled listings of its marketplace", async () => {
      await expect(sys.vault.collect(sys.stranger.address))
        .to.be.revertedWithCustomError(sys.vault, "NotAListing")
        .withArgs(sys.stranger.address);
      const impl = await sys.listingImplementation.getAddress();
      await expect(sys.vault.collect(impl)).to.be.revertedWithCustomError(sys.vault, "NotAListing").withArgs(impl);

      const open = await createListing(sys);
      await buy(sys, open.listing, sys.alice, 150n);
      const openAddress = await open.listing.getAddress();
      await expect(sys.vault.collect(openAddress))
        .to.be.revertedWithCustomError(open.listing, "WrongStatus")
        .withArgs(Status.Open);
      await networkHelpers.time.increaseTo(open.terms.deadline);
      await open.listing.settle();
      await expect(sys.vault.collect(openAddress))
        .to.be.revertedWithCustomError(open.listing, "WrongStatus")
        .withArgs(Status.Drawing);

      const failed = await createListing(sys);
      await buy(sys, failed.listing, sys.bob, 10n);
      await networkHelpers.time.increaseTo(failed.terms.deadline);
      await failed.listing.settle();
      await expect(sys.vault.collect(await failed.listing.getAddress()))
        .to.be.revertedWithCustomError(failed.listing, "WrongStatus")
        .withArgs(Status.Failed);
      expect(await sys.vault.totalOwed()).to.equal(0n);
      expect(await sys.usdc.balanceOf(await sys.vault.getAddress())).to.equal(0n);
    });

    it("nobody but the vault can pull a listing's markup", async () => {
      const { listing, markup } = await settled(sys);
      await expect(listing.connect(sys.stranger).releaseMarkup())
        .to.be.revertedWithCustomError(listing, "MarkupUnavailable")
        .withArgs(sys.stranger.address);
      expect(await listing.owed()).to.equal(markup);
    });
  });

  describe("#withdraw", () => {
    it("each recipient pulls its own balance, to itself or elsewhere, once", async () => {
      const recipients: Recipient[] = [
        { account: sys.carol.address, shareBps: 7_000n },
        { account: sys.dave.address, shareBps: 3_000n },
      ];
      await sys.vault.setRecipients(recipients);
      const { address, markup } = await settled(sys, 130n); // markup 300 USDC
      await sys.vault.collect(address);
      const [toCarol, toDave] = expectedSplit(markup, recipients);
      await expect(sys.vault.connect(sys.carol).withdraw(sys.carol.address))
        .to.emit(sys.vault, "RevenueWithdrawn")
        .withArgs(sys.carol.address, sys.carol.address, toCarol);
      expect(await sys.vault.owedTo(sys.carol.address)).to.equal(0n);
      expect(await sys.vault.totalOwed()).to.equal(toDave);
      await expectBooks(sys);
      // Dave sends his share to another wallet.
      await expect(sys.vault.connect(sys.dave).withdraw(sys.stranger.address)).to.changeTokenBalances(
        ethers,
        sys.usdc,
        [sys.vault, sys.stranger, sys.dave],
        [-toDave, toDave, 0n],
      );
      for (const r of [sys.carol, sys.dave]) {
        await expect(sys.vault.connect(r).withdraw(r.address))
          .to.be.revertedWithCustomError(sys.vault, "NothingToWithdraw")
          .withArgs(r.address);
      }
      await expect(sys.vault.connect(sys.stranger).withdraw(sys.stranger.address))
        .to.be.revertedWithCustomError(sys.vault, "NothingToWithdraw")
        .withArgs(sys.stranger.address);
      await expect(sys.vault.connect(sys.carol).withdraw(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        sys.vault,
        "ZeroAddress",
      );
      expect(await sys.vault.totalOwed()).to.equal(0n);
      expect(await sys.usdc.balanceOf(await sys.vault.getAddress())).to.equal(0n);
    });

    it("a recipient replaced after a collection keeps what it was owed; later markup follows the new split", async () => {
      const a = await settled(sys, 120n);
      await sys.vault.collect(a.address);
      await sys.vault.setRecipients([{ account: sys.carol.address, shareBps: 10_000n }]);
      const b = await settled(sys, 110n);
      await sys.vault.collect(b.address);
      expect(await sys.vault.owedTo(sys.admin.address)).to.equal(a.markup);
      expect(await sys.vault.owedTo(sys.carol.address)).to.equal(b.markup);
      await expect(sys.vault.withdraw(sys.admin.address)).to.changeTokenBalance(ethers, sys.usdc, sys.admin, a.markup);
      await expect(sys.vault.connect(sys.carol).withdraw(sys.carol.address)).to.changeTokenBalance(
        ethers,
        sys.usdc,
        sys.carol,
        b.markup,
      );
      await expectBooks(sys);
    });

    it("withdrawals work while the marketplace is paused", async () => {
      const { address, markup } = await settled(sys);
      await sys.marketplace.pause();
      await sys.vault.collect(address);
      await expect(sys.vault.withdraw(sys.admin.address)).to.changeTokenBalance(ethers, sys.usdc, sys.admin, markup);
    });

    it("a recipient that cannot receive blocks only itself and can withdraw elsewhere (A9, A19)", async () => {
      const [r0, r1, r2] = [sys.carol, sys.dave, sys.bob];
      const bl = await blacklistSystem(sys, [r0, r1, r2]);
      const parts = expectedSplit(bl.markup, bl.shares);
      // The middle recipient gets blacklisted by the token before the collection.
      await bl.token.setBlacklisted(r1.address, true);
      await expect(bl.vault.connect(sys.stranger).collect(await bl.listing.getAddress()))
        .to.emit(bl.vault, "RevenueCollected")
        .withArgs(await bl.listing.getAddress(), bl.markup);
      await expect(bl.vault.connect(r1).withdraw(r1.address))
        .to.be.revertedWithCustomError(bl.token, "MpBlacklisted")
        .withArgs(r1.address);
      expect(await bl.vault.owedTo(r1.address)).to.equal(parts[1]);
      await expect(bl.vault.connect(r0).withdraw(r0.address)).to.changeTokenBalance(ethers, bl.token, r0, parts[0]);
      await expect(bl.vault.connect(r2).withdraw(r2.address)).to.changeTokenBalance(ethers, bl.token, r2, parts[2]);
      // The blacklisted recipient withdraws to a wallet that can receive.
      await expect(bl.vault.connect(r1).withdraw(sys.stranger.address)).to.changeTokenBalances(
        ethers,
        bl.token,
        [bl.vault, sys.stranger],
        [-parts[1], parts[1]],
      );
      expect(await bl.vault.totalOwed()).to.equal(0n);
      expect(await bl.token.balanceOf(await bl.vault.getAddress())).to.equal(0n);
    });

    it("a recipient contract that never withdraws does not hold anyone else's revenue (A9)", async () => {
      // The deed contract cannot call withdraw: its share stays owed to it, the others are paid in full.
      const stuck = await sys.deed.getAddress();
      const recipients: Recipient[] = [
        { account: sys.carol.address, shareBps: 2_500n },
        { account: stuck, shareBps: 5_000n },
        { account: sys.dave.address, shareBps: 2_500n },
      ];
      await sys.vault.setRecipients(recipients);
      const { address, markup } = await settled(sys, 140n); // 400 USDC
      await sys.vault.collect(address);
      const parts = expectedSplit(markup, recipients);
      await expect(sys.vault.connect(sys.carol).withdraw(sys.carol.address)).to.changeTokenBalance(
        ethers,
        sys.usdc,
        sys.carol,
        parts[0],
      );
      await expect(sys.vault.connect(sys.dave).withdraw(sys.dave.address)).to.changeTokenBalance(
        ethers,
        sys.usdc,
        sys.dave,
        parts[2],
      );
      expect(await sys.vault.owedTo(stuck)).to.equal(parts[1]);
      expect(await sys.vault.totalOwed()).to.equal(parts[1]);
      await expectBooks(sys);
    });
  });

  it("is fed by the upkeep when a settled listing retires", async () => {
    const recipients: Recipient[] = [
      { account: sys.carol.address, shareBps: 9_000n },
      { account: sys.dave.address, shareBps: 1_000n },
    ];
    await sys.vault.setRecipients(recipients);
    const { listing, address, markup } = await settled(sys, 125n);
    const data = ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint8"], [address, 4]);
    await expect(sys.marketplace.connect(sys.stranger).performUpkeep(data))
      .to.emit(sys.vault, "RevenueCollected")
      .withArgs(address, markup);
    const parts = expectedSplit(markup, recipients);
    expect(await sys.vault.owedTo(sys.carol.address)).to.equal(parts[0]);
    expect(await sys.vault.owedTo(sys.dave.address)).to.equal(parts[1]);
    expect(await listing.owed()).to.equal(0n);
    await expectBooks(sys);
  });
});
