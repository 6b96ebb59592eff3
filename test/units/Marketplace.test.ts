import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { buy, createListing, DAY, defaultTerms, deployFixture, ethers, fulfil, networkHelpers, USDC } from "../fixtures.js";
import type { System, Terms } from "../fixtures.js";
import { deployBare, impersonate } from "../helpers.js";
import { Listing__factory, Marketplace__factory } from "../../typechain-types/index.js";
import type { IMarketplace, Listing, Marketplace } from "../../typechain-types/index.js";

const Status = { Open: 0n, Drawing: 1n, Settled: 2n, Failed: 3n, Dissolved: 4n };
const Failure = { ThresholdNotMet: 0n, SellerRevoked: 1n, RandomnessTimedOut: 2n };
const App = { None: 0n, Pending: 1n, Approved: 2n, Rejected: 3n, Listed: 4n };
const DrawStatus = { None: 0n, Pending: 1n, Fulfilled: 2n, Abandoned: 3n };
const Upkeep = { None: 0n, Settle: 1n, Finalize: 2n, Expire: 3n, Retire: 4n };

const coder = ethers.AbiCoder.defaultAbiCoder();
const TERMS_TUPLE =
  "tuple(address seller,uint256 deedId,uint96 price,uint96 stakePrice,uint64 stakeCount,uint64 threshold," +
  "uint40 opensAt,uint40 deadline,uint32 category,bool drawAtSellOut,bytes32 contentHash)";
const CONTENT = ethers.id("asset documents");

function termsValues(t: Terms) {
  return [
    t.seller,
    BigInt(t.deedId),
    BigInt(t.price),
    BigInt(t.stakePrice),
    BigInt(t.stakeCount),
    BigInt(t.threshold),
    BigInt(t.opensAt),
    BigInt(t.deadline),
    BigInt(t.category),
    t.drawAtSellOut,
    t.contentHash,
  ];
}

function hashTerms(t: Terms): string {
  return ethers.keccak256(coder.encode([TERMS_TUPLE], [termsValues(t)]));
}

function upkeepData(listing: string, action: bigint): string {
  return coder.encode(["address", "uint8"], [listing, action]);
}

/** The seller submits an asset; returns the application and deed ids read from the event. */
async function submit(sys: System, seller: HardhatEthersSigner = sys.seller, uri = "ipfs://deed", hash = CONTENT) {
  const receipt = await (await sys.marketplace.connect(seller).submitAsset(uri, hash)).wait();
  const event = receipt!.logs
    .map((l) => sys.marketplace.interface.parseLog(l))
    .find((e) => e?.name === "AssetSubmitted")!;
  return { appId: event.args.applicationId as bigint, deedId: event.args.deedId as bigint };
}

/** Submits and approves; returns terms matching the application (seller, deed, content hash). */
async function approved(sys: System, overrides: Partial<Terms> = {}, seller: HardhatEthersSigner = sys.seller) {
  const { appId, deedId } = await submit(sys, seller);
  const terms = await defaultTerms(sys, deedId, { seller: seller.address, contentHash: CONTENT, ...overrides });
  await sys.marketplace.approveListing(appId, terms);
  return { appId, deedId, terms };
}

async function listingOf(sys: System, appId: bigint): Promise<Listing> {
  return Listing__factory.connect((await sys.marketplace.application(appId)).listing, sys.admin);
}

/** Creates a listing, sells `sold` stakes to Alice, passes Time-Date A and settles (Drawing when sold ≥ T). */
async function drawing(sys: System, sold = 150n, overrides: Partial<Terms> = {}) {
  const created = await createListing(sys, overrides);
  const token = await buy(sys, created.listing, sys.alice, sold);
  await networkHelpers.time.increaseTo(created.terms.deadline);
  await created.listing.settle();
  const address = await created.listing.getAddress();
  const { requestId } = await sys.marketplace.drawOf(address);
  return { ...created, token, address, requestId };
}

function plainModules(m: IMarketplace.ModulesStruct): IMarketplace.ModulesStruct {
  const { bidToken, assetDeed, escrow, revenueVault, listingImplementation, membership } = m;
  return { bidToken, assetDeed, escrow, revenueVault, listingImplementation, membership };
}

async function vrfConfigOf(marketplace: Marketplace) {
  const c = await marketplace.vrfConfig();
  return {
    coordinator: c.coordinator,
    keyHash: c.keyHash,
    subscriptionId: c.subscriptionId,
    callbackGasLimit: c.callbackGasLimit,
    requestConfirmations: c.requestConfirmations,
    nativePayment: c.nativePayment,
  };
}

describe("Marketplace", () => {
  let sys: System;
  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(deployFixture);
  });

  describe("deployment and wiring", () => {
    it("is wired to its modules once, with every role on the deployer and the documented defaults", async () => {
      const m = await sys.marketplace.modules();
      expect(m.bidToken).to.equal(await sys.bidToken.getAddress());
      expect(m.assetDeed).to.equal(await sys.deed.getAddress());
      expect(m.escrow).to.equal(await sys.escrow.getAddress());
      expect(m.revenueVault).to.equal(await sys.vault.getAddress());
      expect(m.listingImplementation).to.equal(await sys.listingImplementation.getAddress());
      expect(m.membership).to.equal(await sys.membership.getAddress());
      expect(await sys.marketplace.paymentToken()).to.equal(await sys.usdc.getAddress());
      for (const role of [
        await sys.marketplace.DEFAULT_ADMIN_ROLE(),
        await sys.marketplace.OPERATOR_ROLE(),
        await sys.marketplace.VERIFIER_ROLE(),
        await sys.marketplace.PAUSER_ROLE(),
      ]) {
        expect(await sys.marketplace.hasRole(role, sys.admin.address)).to.equal(true);
        expect(await sys.marketplace.hasRole(role, sys.stranger.address)).to.equal(false);
      }
      expect(await sys.marketplace.OPERATOR_ROLE()).to.equal(ethers.id("OPERATOR_ROLE"));
      expect(await sys.marketplace.VERIFIER_ROLE()).to.equal(ethers.id("VERIFIER_ROLE"));
      expect(await sys.marketplace.PAUSER_ROLE()).to.equal(ethers.id("PAUSER_ROLE"));
      expect((await sys.marketplace.vrfConfig()).coordinator).to.equal(await sys.coordinator.getAddress());
      await expect(sys.marketplace.setModules(plainModules(m))).to.be.revertedWithCustomError(
        sys.marketplace,
        "ModulesAlreadySet",
      );
    });

    it("rejects a zero admin or payment token at construction", async () => {
      const factory = new Marketplace__factory(sys.admin);
      const usdc = await sys.usdc.getAddress();
      await expect(factory.deploy(ethers.ZeroAddress, usdc)).to.be.revertedWithCustomError(factory, "ZeroAddress");
      await expect(factory.deploy(sys.admin.address, ethers.ZeroAddress)).to.be.revertedWithCustomError(
        factory,
        "ZeroAddress",
      );
    });

    it("defaults the draw timeout to 1 day and refuses pause and assets until wired", async () => {
      const bare = await deployBare(sys);
      expect(await bare.marketplace.drawTimeout()).to.equal(BigInt(DAY));
      await bare.marketplace.grantRole(await bare.marketplace.PAUSER_ROLE(), sys.admin.address);
      await bare.marketplace.grantRole(await bare.marketplace.VERIFIER_ROLE(), sys.admin.address);
      await expect(bare.marketplace.pause()).to.be.revertedWithCustomError(bare.marketplace, "ModulesNotSet");
      await bare.marketplace.verifySeller(sys.seller.address, ethers.id("kyc"));
      await expect(
        bare.marketplace.connect(sys.seller).submitAsset("ipfs://x", CONTENT),
      ).to.be.revertedWithCustomError(bare.marketplace, "ModulesNotSet");
    });

    it("setModules rejects a zero module and a module serving another marketplace, then wires once", async () => {
      const bare = await deployBare(sys);
      const mp = bare.marketplace;
      await expect(mp.setModules({ ...bare.modules, escrow: ethers.ZeroAddress }))
        .to.be.revertedWithCustomError(mp, "InvalidModule")
        .withArgs(ethers.ZeroAddress);
      // The fixture's vault reports the fixture's marketplace, not this one.
      const foreign = await sys.vault.getAddress();
      await expect(mp.setModules({ ...bare.modules, revenueVault: foreign }))
        .to.be.revertedWithCustomError(mp, "InvalidModule")
        .withArgs(foreign);
      await expect(mp.connect(sys.stranger).setModules(bare.modules))
        .to.be.revertedWithCustomError(mp, "AccessControlUnauthorizedAccount")
        .withArgs(sys.stranger.address, ethers.ZeroHash);
      const m = bare.modules;
      await expect(mp.setModules(m))
        .to.emit(mp, "ModulesSet")
        .withArgs([m.bidToken, m.assetDeed, m.escrow, m.revenueVault, m.listingImplementation, m.membership]);
      expect((await mp.modules()).listingImplementation).to.equal(m.listingImplementation);
      await expect(mp.setModules(m)).to.be.revertedWithCustomError(mp, "ModulesAlreadySet");
    });

    it("requests no randomness before VRF is configured: settlement reverts and the listing stays open", async () => {
      const bare = await deployBare(sys);
      const mp = bare.marketplace;
      await mp.setModules(bare.modules);
      await bare.vault.setRecipients([{ account: sys.admin.address, shareBps: 10_000 }]);
      await mp.grantRole(await mp.VERIFIER_ROLE(), sys.admin.address);
      await mp.grantRole(await mp.OPERATOR_ROLE(), sys.admin.address);
      await mp.verifySeller(sys.seller.address, ethers.id("kyc"));
      const receipt = await (await mp.connect(sys.seller).submitAsset("ipfs://bare", CONTENT)).wait();
      const submitted = receipt!.logs.map((l) => mp.interface.parseLog(l)).find((e) => e?.name === "AssetSubmitted")!;
      const terms = await defaultTerms(sys, submitted.args.deedId, { contentHash: CONTENT });
      await mp.approveListing(submitted.args.applicationId, terms);
      await mp.connect(sys.seller).acceptTerms(submitted.args.applicationId, terms);
      const listing = Listing__factory.connect(await mp.listingAt(1), sys.alice);
      await sys.usdc.connect(sys.alice).approve(await listing.getAddress(), 150n * 10n * USDC);
      await listing.buy(0, 150);
      await networkHelpers.time.increaseTo(terms.deadline);
      await expect(listing.settle()).to.be.revertedWithCustomError(mp, "VrfNotConfigured");
      expect(await listing.status()).to.equal(Status.Open);
      expect(await bare.deed.ownerOf(terms.deedId)).to.equal(await listing.getAddress());
      expect(await mp.pendingDraws()).to.equal(0n);
    });
  });

  describe("roles (AccessControl)", () => {
    type Case = { name: string; role: () => Promise<string>; call: (mp: Marketplace) => Promise<unknown> };
    const cases: Case[] = [
      {
        name: "setModules",
        role: async () => ethers.ZeroHash,
        call: async (mp) => mp.setModules(plainModules(await sys.marketplace.modules())),
      },
      {
        name: "setVrfConfig",
        role: async () => ethers.ZeroHash,
        call: async (mp) => mp.setVrfConfig(await vrfConfigOf(sys.marketplace)),
      },
      { name: "setDrawTimeout", role: async () => ethers.ZeroHash, call: (mp) => mp.setDrawTimeout(2 * DAY) },
      { name: "grantRole", role: async () => ethers.ZeroHash, call: async (mp) => mp.grantRole(await mp.PAUSER_ROLE(), sys.stranger.address) },
      { name: "pause", role: () => sys.marketplace.PAUSER_ROLE(), call: (mp) => mp.pause() },
      {
        name: "unpause",
        role: () => sys.marketplace.PAUSER_ROLE(),
        call: async (mp) => {
          await sys.marketplace.pause();
          return mp.unpause();
        },
      },
      {
        name: "verifySeller",
        role: () => sys.marketplace.VERIFIER_ROLE(),
        call: (mp) => mp.verifySeller(sys.carol.address, ethers.id("kyc")),
      },
      {
        name: "revokeSeller",
        role: () => sys.marketplace.VERIFIER_ROLE(),
        call: (mp) => mp.revokeSeller(sys.seller.address, ethers.id("fraud")),
      },
      {
        name: "approveListing",
        role: () => sys.marketplace.OPERATOR_ROLE(),
        call: async (mp) => {
          const { appId, deedId } = await submit(sys);
          return mp.approveListing(appId, await defaultTerms(sys, deedId, { contentHash: CONTENT }));
        },
      },
      {
        name: "rejectApplication",
        role: () => sys.marketplace.OPERATOR_ROLE(),
        call: async (mp) => {
          const { appId } = await submit(sys);
          return mp.rejectApplication(appId, ethers.id("no"));
        },
      },
    ];
    for (const c of cases) {
      it(`${c.name} rejects a stranger with AccessControlUnauthorizedAccount(account, role) (A17)`, async () => {
        const mp = sys.marketplace.connect(sys.stranger);
        await expect(c.call(mp))
          .to.be.revertedWithCustomError(sys.marketplace, "AccessControlUnauthorizedAccount")
          .withArgs(sys.stranger.address, await c.role());
      });
    }

    it("keeps roles separate: an operator cannot verify or pause, a verifier cannot approve", async () => {
      const [OPERATOR, VERIFIER, PAUSER] = [
        await sys.marketplace.OPERATOR_ROLE(),
        await sys.marketplace.VERIFIER_ROLE(),
        await sys.marketplace.PAUSER_ROLE(),
      ];
      await expect(sys.marketplace.grantRole(OPERATOR, sys.carol.address))
        .to.emit(sys.marketplace, "RoleGranted")
        .withArgs(OPERATOR, sys.carol.address, sys.admin.address);
      await sys.marketplace.grantRole(VERIFIER, sys.dave.address);
      const { appId, deedId } = await submit(sys);
      const terms = await defaultTerms(sys, deedId, { contentHash: CONTENT });
      await expect(sys.marketplace.connect(sys.carol).verifySeller(sys.bob.address, ethers.id("k")))
        .to.be.revertedWithCustomError(sys.marketplace, "AccessControlUnauthorizedAccount")
        .withArgs(sys.carol.address, VERIFIER);
      await expect(sys.marketplace.connect(sys.carol).pause())
        .to.be.revertedWithCustomError(sys.marketplace, "AccessControlUnauthorizedAccount")
        .withArgs(sys.carol.address, PAUSER);
      await expect(sys.marketplace.connect(sys.dave).approveListing(appId, terms))
        .to.be.revertedWithCustomError(sys.marketplace, "AccessControlUnauthorizedAccount")
        .withArgs(sys.dave.address, OPERATOR);
      await expect(sys.marketplace.connect(sys.carol).approveListing(appId, terms)).to.emit(
        sys.marketplace,
        "ListingApproved",
      );
      await expect(sys.marketplace.connect(sys.dave).verifySeller(sys.bob.address, ethers.id("k")))
        .to.emit(sys.marketplace, "SellerVerified")
        .withArgs(sys.bob.address, ethers.id("k"));
      await sys.marketplace.revokeRole(OPERATOR, sys.carol.address);
      await expect(sys.marketplace.connect(sys.carol).rejectApplication(appId, ethers.ZeroHash))
        .to.be.revertedWithCustomError(sys.marketplace, "AccessControlUnauthorizedAccount")
        .withArgs(sys.carol.address, OPERATOR);
    });
  });

  describe("seller registry", () => {
    it("verifies and revokes sellers with events", async () => {
      expect(await sys.marketplace.isVerifiedSeller(sys.carol.address)).to.equal(false);
      await expect(sys.marketplace.verifySeller(sys.carol.address, ethers.id("kyc:carol")))
        .to.emit(sys.marketplace, "SellerVerified")
        .withArgs(sys.carol.address, ethers.id("kyc:carol"));
      expect(await sys.marketplace.isVerifiedSeller(sys.carol.address)).to.equal(true);
      await expect(sys.marketplace.revokeSeller(sys.carol.address, ethers.id("fraud")))
        .to.emit(sys.marketplace, "SellerRevoked")
        .withArgs(sys.carol.address, ethers.id("fraud"));
      expect(await sys.marketplace.isVerifiedSeller(sys.carol.address)).to.equal(false);
      await expect(sys.marketplace.revokeSeller(sys.carol.address, ethers.id("again")))
        .to.be.revertedWithCustomError(sys.marketplace, "NotVerifiedSeller")
        .withArgs(sys.carol.address);
      await expect(sys.marketplace.verifySeller(ethers.ZeroAddress, ethers.id("k"))).to.be.revertedWithCustomError(
        sys.marketplace,
        "ZeroAddress",
      );
    });

    it("an unverified or revoked seller cannot submit an asset", async () => {
      await expect(sys.marketplace.connect(sys.stranger).submitAsset("ipfs://x", CONTENT))
        .to.be.revertedWithCustomError(sys.marketplace, "NotVerifiedSeller")
        .withArgs(sys.stranger.address);
      await sys.marketplace.revokeSeller(sys.seller.address, ethers.id("fraud"));
      await expect(sys.marketplace.connect(sys.seller).submitAsset("ipfs://x", CONTENT))
        .to.be.revertedWithCustomError(sys.marketplace, "NotVerifiedSeller")
        .withArgs(sys.seller.address);
    });

    it("a revoked seller cannot list even approved terms; re-verified it can", async () => {
      const { appId, terms } = await approved(sys);
      await sys.marketplace.revokeSeller(sys.seller.address, ethers.id("fraud"));
      await expect(sys.marketplace.connect(sys.seller).acceptTerms(appId, terms))
        .to.be.revertedWithCustomError(sys.marketplace, "NotVerifiedSeller")
        .withArgs(sys.seller.address);
      expect(await sys.marketplace.listingCount()).to.equal(0n);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.seller.address);
      await sys.marketplace.verifySeller(sys.seller.address, ethers.id("kyc:again"));
      await expect(sys.marketplace.connect(sys.seller).acceptTerms(appId, terms)).to.emit(
        sys.marketplace,
        "ListingCreated",
      );
    });

    it("a seller revoked while its listing is open makes it fail at settlement, deed back, buyers refunded", async () => {
      const { listing, terms } = await createListing(sys);
      const token = await buy(sys, listing, sys.alice, 150n);
      await sys.marketplace.revokeSeller(sys.seller.address, ethers.id("fraud"));
      await networkHelpers.time.increaseTo(terms.deadline);
      await expect(listing.settle()).to.emit(listing, "ListingFailed").withArgs(Failure.SellerRevoked, 150n);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.seller.address);
      expect(await sys.marketplace.pendingDraws()).to.equal(0n);
      await expect(listing.connect(sys.alice).claimRefund(token)).to.changeTokenBalances(
        ethers,
        sys.usdc,
        [sys.alice, listing],
        [1_500n * USDC, -1_500n * USDC],
      );
    });
  });

  describe("asset applications", () => {
    it("submitAsset mints the deed to the seller, approves the marketplace and records a pending application", async () => {
      const mpAddress = await sys.marketplace.getAddress();
      const tx = sys.marketplace.connect(sys.seller).submitAsset("ipfs://villa", CONTENT);
      await expect(tx).to.emit(sys.marketplace, "AssetSubmitted").withArgs(1n, sys.seller.address, 1n, "ipfs://villa", CONTENT);
      await expect(tx).to.emit(sys.deed, "DeedMinted").withArgs(1n, sys.seller.address, "ipfs://villa", CONTENT);
      const app = await sys.marketplace.application(1n);
      expect([app.seller, app.status, app.deedId, app.listing, app.termsHash]).to.deep.equal([
        sys.seller.address,
        App.Pending,
        1n,
        ethers.ZeroAddress,
        ethers.ZeroHash,
      ]);
      expect(await sys.deed.ownerOf(1n)).to.equal(sys.seller.address);
      expect(await sys.deed.getApproved(1n)).to.equal(mpAddress);
      // Ids continue across sellers.
      await sys.marketplace.verifySeller(sys.carol.address, ethers.id("kyc:carol"));
      await expect(sys.marketplace.connect(sys.carol).submitAsset("ipfs://car", ethers.id("car")))
        .to.emit(sys.marketplace, "AssetSubmitted")
        .withArgs(2n, sys.carol.address, 2n, "ipfs://car", ethers.id("car"));
      expect((await sys.marketplace.application(2n)).seller).to.equal(sys.carol.address);
      expect((await sys.marketplace.application(3n)).status).to.equal(App.None);
    });

    it("rejects empty deed metadata", async () => {
      await expect(sys.marketplace.connect(sys.seller).submitAsset("", CONTENT)).to.be.revertedWithCustomError(
        sys.deed,
        "EmptyMetadata",
      );
      await expect(
        sys.marketplace.connect(sys.seller).submitAsset("ipfs://x", ethers.ZeroHash),
      ).to.be.revertedWithCustomError(sys.deed, "EmptyMetadata");
    });
  });

  describe("#approveListing", () => {
    it("approves terms, returns and records their hash and emits them", async () => {
      const { appId, deedId } = await submit(sys);
      const terms = await defaultTerms(sys, deedId, { contentHash: CONTENT, category: 7n, drawAtSellOut: true });
      const hash = hashTerms(terms);
      expect(await sys.marketplace.approveListing.staticCall(appId, terms)).to.equal(hash);
      await expect(sys.marketplace.approveListing(appId, terms))
        .to.emit(sys.marketplace, "ListingApproved")
        .withArgs(appId, hash, termsValues(terms));
      const app = await sys.marketplace.application(appId);
      expect(app.status).to.equal(App.Approved);
      expect(app.termsHash).to.equal(hash);
      expect(app.listing).to.equal(ethers.ZeroAddress);
    });

    it("rejects zero prices", async () => {
      const { appId, deedId } = await submit(sys);
      for (const bad of [{ price: 0n }, { stakePrice: 0n }, { stakeCount: 0n, threshold: 0n }]) {
        const terms = await defaultTerms(sys, deedId, { contentHash: CONTENT, ...bad });
        await expect(sys.marketplace.approveListing(appId, terms)).to.be.revertedWithCustomError(
          sys.marketplace,
          "ZeroPrice",
        );
      }
      expect((await sys.marketplace.application(appId)).status).to.equal(App.Pending);
    });

    it("requires N × s ≥ P (and accepts equality)", async () => {
      const { appId, deedId } = await submit(sys);
      // N × s = 99 × 10 = 990 < 1,000
      const low = await defaultTerms(sys, deedId, { contentHash: CONTENT, stakeCount: 99n, threshold: 99n });
      await expect(sys.marketplace.approveListing(appId, low))
        .to.be.revertedWithCustomError(sys.marketplace, "StakesBelowPrice")
        .withArgs(990n * USDC, 1_000n * USDC);
      const exact = await defaultTerms(sys, deedId, { contentHash: CONTENT, stakeCount: 100n, threshold: 100n });
      await expect(sys.marketplace.approveListing(appId, exact)).to.emit(sys.marketplace, "ListingApproved");
    });

    it("requires 1 ≤ T ≤ N (T = N accepted) and T × s ≥ P so a met threshold can pay P", async () => {
      const { appId, deedId } = await submit(sys);
      const t = (o: Partial<Terms>) => defaultTerms(sys, deedId, { contentHash: CONTENT, ...o });
      await expect(sys.marketplace.approveListing(appId, await t({ threshold: 0n })))
        .to.be.revertedWithCustomError(sys.marketplace, "InvalidThreshold")
        .withArgs(0n, 200n);
      await expect(sys.marketplace.approveListing(appId, await t({ threshold: 201n })))
        .to.be.revertedWithCustomError(sys.marketplace, "InvalidThreshold")
        .withArgs(201n, 200n);
      // Stricter than N × s ≥ P: T = 99 stakes raise 990 < P = 1,000 (see report).
      await expect(sys.marketplace.approveListing(appId, await t({ threshold: 99n })))
        .to.be.revertedWithCustomError(sys.marketplace, "StakesBelowPrice")
        .withArgs(990n * USDC, 1_000n * USDC);
      await expect(sys.marketplace.approveListing(appId, await t({ threshold: 200n }))).to.emit(
        sys.marketplace,
        "ListingApproved",
      );
      // T = 1 is fine when one stake covers the price.
      await expect(
        sys.marketplace.approveListing(appId, await t({ stakePrice: 1_000n * USDC, stakeCount: 5n, threshold: 1n })),
      ).to.emit(sys.marketplace, "ListingApproved");
    });

    it("rejects N above what the purchase log can number, cancelled stakes included (2^39 − 1)", async () => {
      const { appId, deedId } = await submit(sys);
      const max = ((1n << 40n) - 1n) / 2n;
      const terms = await defaultTerms(sys, deedId, { contentHash: CONTENT, stakeCount: max + 1n });
      await expect(sys.marketplace.approveListing(appId, terms))
        .to.be.revertedWithCustomError(sys.marketplace, "TooManyStakes")
        .withArgs(max + 1n, max);
    });

    it("requires opening < Time-Date A, Time-Date A in the future and a sale of at most 366 days", async () => {
      const { appId, deedId } = await submit(sys);
      const now = BigInt(await networkHelpers.time.latest());
      const t = (o: Partial<Terms>) => defaultTerms(sys, deedId, { contentHash: CONTENT, ...o });
      const equal = await t({ opensAt: now + 100n, deadline: now + 100n });
      await expect(sys.marketplace.approveListing(appId, equal))
        .to.be.revertedWithCustomError(sys.marketplace, "InvalidSchedule")
        .withArgs(now + 100n, now + 100n);
      const reversed = await t({ opensAt: now + 200n, deadline: now + 100n });
      await expect(sys.marketplace.approveListing(appId, reversed))
        .to.be.revertedWithCustomError(sys.marketplace, "InvalidSchedule")
        .withArgs(now + 200n, now + 100n);
      // Time-Date A equal to the approval block's timestamp is already past.
      await networkHelpers.time.setNextBlockTimestamp(now + 50n);
      const past = await t({ opensAt: now - 100n, deadline: now + 50n });
      await expect(sys.marketplace.approveListing(appId, past))
        .to.be.revertedWithCustomError(sys.marketplace, "InvalidSchedule")
        .withArgs(now - 100n, now + 50n);
      const year = 366n * BigInt(DAY);
      const tooLong = await t({ opensAt: now + 1000n, deadline: now + 1001n + year });
      await expect(sys.marketplace.approveListing(appId, tooLong))
        .to.be.revertedWithCustomError(sys.marketplace, "SaleTooLong")
        .withArgs(year + 1n);
      const longest = await t({ opensAt: now + 1000n, deadline: now + 1000n + year });
      await expect(sys.marketplace.approveListing(appId, longest)).to.emit(sys.marketplace, "ListingApproved");
    });

    it("rejects terms naming another seller, deed or content hash", async () => {
      const first = await submit(sys);
      const second = await submit(sys, sys.seller, "ipfs://other", ethers.id("other docs"));
      const t = (o: Partial<Terms>) => defaultTerms(sys, first.deedId, { contentHash: CONTENT, ...o });
      for (const bad of [
        { seller: sys.carol.address },
        { deedId: second.deedId },
        { contentHash: ethers.id("other docs") },
      ]) {
        await expect(sys.marketplace.approveListing(first.appId, await t(bad))).to.be.revertedWithCustomError(
          sys.marketplace,
          "TermsForAnotherAsset",
        );
      }
    });

    it("only approves pending or approved applications; re-approval replaces the terms", async () => {
      const terms = await defaultTerms(sys, 1n, { contentHash: CONTENT });
      await expect(sys.marketplace.approveListing(99n, terms))
        .to.be.revertedWithCustomError(sys.marketplace, "WrongApplicationStatus")
        .withArgs(99n, App.None);
      const { appId, terms: first } = await approved(sys);
      const second = { ...first, price: 1_500n * USDC, threshold: 150n };
      await sys.marketplace.approveListing(appId, second);
      expect((await sys.marketplace.application(appId)).termsHash).to.equal(hashTerms(second));
      await expect(sys.marketplace.connect(sys.seller).acceptTerms(appId, first))
        .to.be.revertedWithCustomError(sys.marketplace, "TermsMismatch")
        .withArgs(hashTerms(second), hashTerms(first));
      await sys.marketplace.connect(sys.seller).acceptTerms(appId, second);
      await expect(sys.marketplace.approveListing(appId, second))
        .to.be.revertedWithCustomError(sys.marketplace, "WrongApplicationStatus")
        .withArgs(appId, App.Listed);
    });

    it("rejectApplication closes a pending or approved application; the seller keeps the deed", async () => {
      const { appId, terms } = await approved(sys);
      await expect(sys.marketplace.rejectApplication(appId, ethers.id("fake")))
        .to.emit(sys.marketplace, "ApplicationRejected")
        .withArgs(appId, ethers.id("fake"));
      expect((await sys.marketplace.application(appId)).status).to.equal(App.Rejected);
      await expect(sys.marketplace.connect(sys.seller).acceptTerms(appId, terms))
        .to.be.revertedWithCustomError(sys.marketplace, "WrongApplicationStatus")
        .withArgs(appId, App.Rejected);
      await expect(sys.marketplace.approveListing(appId, terms))
        .to.be.revertedWithCustomError(sys.marketplace, "WrongApplicationStatus")
        .withArgs(appId, App.Rejected);
      await expect(sys.marketplace.rejectApplication(appId, ethers.ZeroHash))
        .to.be.revertedWithCustomError(sys.marketplace, "WrongApplicationStatus")
        .withArgs(appId, App.Rejected);
      await expect(sys.marketplace.rejectApplication(42n, ethers.ZeroHash))
        .to.be.revertedWithCustomError(sys.marketplace, "WrongApplicationStatus")
        .withArgs(42n, App.None);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.seller.address);
      // A pending application can be rejected too.
      const pending = await submit(sys);
      await expect(sys.marketplace.rejectApplication(pending.appId, ethers.id("x"))).to.emit(
        sys.marketplace,
        "ApplicationRejected",
      );
    });
  });

  describe("#acceptTerms", () => {
    it("creates one initialized clone, announces it, enrols it and deposits the deed in one transaction", async () => {
      const { appId, terms } = await approved(sys, { category: 3n });
      const tx = sys.marketplace.connect(sys.seller).acceptTerms(appId, terms);
      const listingAddress = await sys.marketplace.connect(sys.seller).acceptTerms.staticCall(appId, terms);
      await expect(tx)
        .to.emit(sys.marketplace, "ListingCreated")
        .withArgs(1n, listingAddress, appId, sys.seller.address, 3n, termsValues(terms));
      await expect(tx).to.emit(sys.bidToken, "ListingEnrolled").withArgs(listingAddress, 1n);
      await expect(tx).to.emit(sys.deed, "Transfer").withArgs(sys.seller.address, listingAddress, terms.deedId);
      const app = await sys.marketplace.application(appId);
      expect(app.status).to.equal(App.Listed);
      expect(app.listing).to.equal(listingAddress);
      expect(await sys.marketplace.listingCount()).to.equal(1n);
      expect(await sys.marketplace.listingAt(1n)).to.equal(listingAddress);
      expect(await sys.marketplace.listingAt(0n)).to.equal(ethers.ZeroAddress);
      expect(await sys.marketplace.listingAt(2n)).to.equal(ethers.ZeroAddress);
      expect(await sys.marketplace.isListing(listingAddress)).to.equal(true);
      expect(await sys.marketplace.activeListingCount()).to.equal(1n);
      expect(await sys.bidToken.isEnrolled(listingAddress)).to.equal(true);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(listingAddress);
      const listing = Listing__factory.connect(listingAddress, sys.admin);
      const [listingId, charter] = await listing.charter();
      expect(listingId).to.equal(1n);
      expect(termsValues(charter as unknown as Terms)).to.deep.equal(termsValues(terms));
      expect(await listing.status()).to.equal(Status.Open);
      expect(await listing.marketplace()).to.equal(await sys.marketplace.getAddress());
    });

    it("the listing is an EIP-1167 clone of the implementation carrying (listingId, terms) as immutable args", async () => {
      await createListing(sys);
      const { terms, listing } = await createListing(sys);
      const impl = (await sys.listingImplementation.getAddress()).toLowerCase().slice(2);
      const args = coder.encode(["uint256", TERMS_TUPLE], [2n, termsValues(terms)]).slice(2);
      const expected = "0x363d3d373d3d3d363d73" + impl + "5af43d82803e903d91602b57fd5bf3" + args;
      expect((await ethers.provider.getCode(await listing.getAddress())).toLowerCase()).to.equal(expected);
      expect((await listing.charter())[0]).to.equal(2n);
    });

    it("the implementation can never be used", async () => {
      const impl = sys.listingImplementation;
      const address = await impl.getAddress();
      expect(await sys.marketplace.isListing(address)).to.equal(false);
      for (const call of [
        () => impl.connect(sys.alice).buy(0, 1),
        () => impl.settle(),
        () => impl.finalize(),
        () => impl.expireDraw(),
        () => impl.claimRefund(1),
        () => impl.voteToDissolve(1),
        () => impl.charter(),
        () => impl.pendingAction(),
        () => impl.owed(),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(impl, "ImplementationNotUsable");
      }
      await expect(sys.marketplace.performUpkeep(upkeepData(address, Upkeep.Settle)))
        .to.be.revertedWithCustomError(sys.marketplace, "UnknownListing")
        .withArgs(address);
      await expect(sys.bidToken.connect(sys.alice).admit(sys.alice.address, 0, 0, true))
        .to.be.revertedWithCustomError(sys.bidToken, "NotAListing")
        .withArgs(sys.alice.address);
    });

    it("terms accepted must equal terms approved, field by field (TermsMismatch)", async () => {
      const { appId, terms } = await approved(sys);
      const approvedHash = hashTerms(terms);
      const variants: Partial<Terms>[] = [
        { price: BigInt(terms.price) - 1n },
        { stakePrice: BigInt(terms.stakePrice) + 1n },
        { stakeCount: BigInt(terms.stakeCount) + 1n },
        { threshold: BigInt(terms.threshold) - 1n },
        { opensAt: BigInt(terms.opensAt) + 1n },
        { deadline: BigInt(terms.deadline) + 1n },
        { category: 2n },
        { drawAtSellOut: true },
      ];
      for (const v of variants) {
        const accepted = { ...terms, ...v };
        await expect(sys.marketplace.connect(sys.seller).acceptTerms(appId, accepted))
          .to.be.revertedWithCustomError(sys.marketplace, "TermsMismatch")
          .withArgs(approvedHash, hashTerms(accepted));
      }
      expect(await sys.marketplace.listingCount()).to.equal(0n);
    });

    it("only the application's seller, only once, only after approval and only while Time-Date A is ahead", async () => {
      const { appId, deedId } = await submit(sys);
      const terms = await defaultTerms(sys, deedId, { contentHash: CONTENT });
      await expect(sys.marketplace.connect(sys.seller).acceptTerms(appId, terms))
        .to.be.revertedWithCustomError(sys.marketplace, "WrongApplicationStatus")
        .withArgs(appId, App.Pending);
      await sys.marketplace.approveListing(appId, terms);
      await expect(sys.marketplace.connect(sys.stranger).acceptTerms(appId, terms))
        .to.be.revertedWithCustomError(sys.marketplace, "NotApplicationSeller")
        .withArgs(appId, sys.stranger.address);
      await expect(sys.marketplace.connect(sys.seller).acceptTerms(77n, terms))
        .to.be.revertedWithCustomError(sys.marketplace, "NotApplicationSeller")
        .withArgs(77n, sys.seller.address);
      // Approved terms went stale while the seller waited.
      await networkHelpers.time.increaseTo(terms.deadline);
      await expect(sys.marketplace.connect(sys.seller).acceptTerms(appId, terms))
        .to.be.revertedWithCustomError(sys.marketplace, "InvalidSchedule")
        .withArgs(terms.opensAt, terms.deadline);
      // Re-approved with a fresh schedule, it lists once.
      const fresh = await defaultTerms(sys, deedId, { contentHash: CONTENT });
      await sys.marketplace.approveListing(appId, fresh);
      await sys.marketplace.connect(sys.seller).acceptTerms(appId, fresh);
      await expect(sys.marketplace.connect(sys.seller).acceptTerms(appId, fresh))
        .to.be.revertedWithCustomError(sys.marketplace, "WrongApplicationStatus")
        .withArgs(appId, App.Listed);
      expect(await sys.marketplace.listingCount()).to.equal(1n);
    });

    it("creates nothing when the seller withdrew the marketplace's approval of the deed", async () => {
      const { appId, terms } = await approved(sys);
      await sys.deed.connect(sys.seller).approve(ethers.ZeroAddress, terms.deedId);
      await expect(sys.marketplace.connect(sys.seller).acceptTerms(appId, terms))
        .to.be.revertedWithCustomError(sys.deed, "ERC721InsufficientApproval")
        .withArgs(await sys.marketplace.getAddress(), terms.deedId);
      expect(await sys.marketplace.listingCount()).to.equal(0n);
      expect((await sys.marketplace.application(appId)).status).to.equal(App.Approved);
    });

    it("ignores tokens donated to the clone's predicted address before it exists (A11)", async () => {
      const { appId, terms } = await approved(sys);
      const mp = await sys.marketplace.getAddress();
      const predicted = ethers.getCreateAddress({ from: mp, nonce: await ethers.provider.getTransactionCount(mp) });
      await sys.usdc.connect(sys.bob).transfer(predicted, 7n * USDC);
      await sys.marketplace.connect(sys.seller).acceptTerms(appId, terms);
      const listing = await listingOf(sys, appId);
      expect(await listing.getAddress()).to.equal(predicted);
      expect(await listing.owed()).to.equal(0n);
      const token = await buy(sys, listing, sys.alice, 10n);
      expect(await listing.owed()).to.equal(100n * USDC);
      await networkHelpers.time.increaseTo(terms.deadline);
      await listing.settle();
      await expect(listing.connect(sys.alice).claimRefund(token)).to.changeTokenBalance(
        ethers,
        sys.usdc,
        sys.alice,
        100n * USDC,
      );
      expect(await listing.owed()).to.equal(0n);
    });

    it("the seller cannot buy stakes of its own listing, even with a bid token it holds (A10)", async () => {
      // The seller gets a bid token by buying in Carol's listing.
      await sys.marketplace.verifySeller(sys.carol.address, ethers.id("kyc:carol"));
      const carols = await approved(sys, {}, sys.carol);
      await sys.marketplace.connect(sys.carol).acceptTerms(carols.appId, carols.terms);
      await sys.usdc.mint(sys.seller.address, 1_000n * USDC);
      const token = await buy(sys, await listingOf(sys, carols.appId), sys.seller, 1n);
      const { listing } = await createListing(sys);
      await sys.usdc.connect(sys.seller).approve(await listing.getAddress(), 1_000n * USDC);
      for (const id of [0n, token]) {
        await expect(listing.connect(sys.seller).buy(id, 1))
          .to.be.revertedWithCustomError(listing, "SellerCannotBuy")
          .withArgs(sys.seller.address);
      }
      expect((await listing.sales())[0]).to.equal(0n);
    });
  });

  describe("randomness (VRF v2.5)", () => {
    it("setVrfConfig validates, stores and announces the settings; callback gas bounds are inclusive", async () => {
      const base = await vrfConfigOf(sys.marketplace);
      const invalid = [
        { coordinator: ethers.ZeroAddress },
        { keyHash: ethers.ZeroHash },
        { subscriptionId: 0n },
        { callbackGasLimit: 59_999n },
        { callbackGasLimit: 2_500_001n },
      ];
      for (const bad of invalid) {
        await expect(sys.marketplace.setVrfConfig({ ...base, ...bad })).to.be.revertedWithCustomError(
          sys.marketplace,
          "InvalidVrfConfig",
        );
      }
      for (const gas of [60_000n, 2_500_000n]) {
        const config = { ...base, callbackGasLimit: gas, keyHash: ethers.id(`lane-${gas}`), nativePayment: true };
        await expect(sys.marketplace.setVrfConfig(config))
          .to.emit(sys.marketplace, "VrfConfigSet")
          .withArgs([config.coordinator, config.keyHash, config.subscriptionId, gas, config.requestConfirmations, true]);
        expect(await vrfConfigOf(sys.marketplace)).to.deep.equal(config);
      }
    });

    it("requests one word with the configured lane, subscription, confirmations and gas", async () => {
      const config = await vrfConfigOf(sys.marketplace);
      const { listing } = await createListing(sys);
      await buy(sys, listing, sys.alice, 150n);
      await networkHelpers.time.increaseTo((await listing.charter())[1].deadline);
      const extraArgs = ethers.id("VRF ExtraArgsV1").slice(0, 10) + coder.encode(["bool"], [false]).slice(2);
      const tx = listing.settle();
      await expect(tx)
        .to.emit(sys.coordinator, "RandomWordsRequested")
        .withArgs(
          config.keyHash,
          anyValue,
          anyValue,
          config.subscriptionId,
          config.requestConfirmations,
          config.callbackGasLimit,
          1n,
          extraArgs,
          await sys.marketplace.getAddress(),
        );
      const address = await listing.getAddress();
      const draw = await sys.marketplace.drawOf(address);
      await expect(tx).to.emit(sys.marketplace, "RandomnessRequested").withArgs(address, draw.requestId);
      expect(draw.status).to.equal(DrawStatus.Pending);
      expect(await sys.marketplace.pendingDraws()).to.equal(1n);
    });

    it("a VRF request the coordinator refuses reverts settlement whole: nothing half-done, retried once repaired (A1, A5)", async () => {
      const { listing, terms } = await createListing(sys);
      await buy(sys, listing, sys.alice, 150n);
      await networkHelpers.time.increaseTo(terms.deadline);
      const mp = await sys.marketplace.getAddress();
      const { subscriptionId } = await sys.marketplace.vrfConfig();
      await sys.coordinator.removeConsumer(subscriptionId, mp);
      await expect(listing.settle())
        .to.be.revertedWithCustomError(sys.coordinator, "InvalidConsumer")
        .withArgs(subscriptionId, mp);
      const address = await listing.getAddress();
      expect(await listing.status()).to.equal(Status.Open);
      expect((await sys.marketplace.drawOf(address)).status).to.equal(DrawStatus.None);
      expect(await sys.marketplace.pendingDraws()).to.equal(0n);
      expect(await sys.escrow.orderCount()).to.equal(0n);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(address);
      expect(await listing.owed()).to.equal(1_500n * USDC);
      await sys.coordinator.addConsumer(subscriptionId, mp);
      await expect(listing.settle()).to.emit(listing, "DrawRequested");
      expect((await sys.marketplace.drawOf(address)).status).to.equal(DrawStatus.Pending);
    });

    it("a coordinator that still refuses after Time-Date A + the draw timeout fails the listing and opens refunds (A4)", async () => {
      const { listing, terms } = await createListing(sys);
      const a = await buy(sys, listing, sys.alice, 150n);
      const mp = await sys.marketplace.getAddress();
      const { subscriptionId } = await sys.marketplace.vrfConfig();
      await sys.coordinator.removeConsumer(subscriptionId, mp);
      const timeout = await sys.marketplace.drawTimeout();
      await networkHelpers.time.increaseTo(BigInt(terms.deadline) + timeout - 10n);
      await expect(listing.settle()).to.be.revertedWithCustomError(sys.coordinator, "InvalidConsumer");
      await networkHelpers.time.increaseTo(BigInt(terms.deadline) + timeout);
      const address = await listing.getAddress();
      await expect(listing.connect(sys.stranger).settle())
        .to.emit(listing, "ListingFailed")
        .withArgs(3n, 150n); // FailureReason.RandomnessUnavailable
      expect(await listing.status()).to.equal(Status.Failed);
      expect((await sys.marketplace.drawOf(address)).status).to.equal(DrawStatus.None);
      expect(await sys.marketplace.pendingDraws()).to.equal(0n);
      expect(await sys.escrow.orderCount()).to.equal(0n);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.seller.address);
      await expect(listing.connect(sys.alice).claimRefund(a)).to.changeTokenBalance(ethers, sys.usdc, sys.alice, 1_500n * USDC);
      expect(await listing.owed()).to.equal(0n);
    });

    it("VRF settings cannot change while draws are in flight, and can again once none is (A17)", async () => {
      const config = await vrfConfigOf(sys.marketplace);
      const first = await drawing(sys);
      await expect(sys.marketplace.setVrfConfig(config))
        .to.be.revertedWithCustomError(sys.marketplace, "DrawsInFlight")
        .withArgs(1n);
      const second = await createListing(sys);
      await buy(sys, second.listing, sys.bob, 100n);
      await networkHelpers.time.increaseTo(second.terms.deadline);
      await second.listing.settle();
      await expect(sys.marketplace.setVrfConfig({ ...config, coordinator: sys.stranger.address }))
        .to.be.revertedWithCustomError(sys.marketplace, "DrawsInFlight")
        .withArgs(2n);
      await fulfil(sys, first.listing, 5n);
      await expect(sys.marketplace.setVrfConfig(config))
        .to.be.revertedWithCustomError(sys.marketplace, "DrawsInFlight")
        .withArgs(1n);
      // The other draw times out and is abandoned: nothing is in flight any more.
      await networkHelpers.time.increase(DAY);
      await second.listing.expireDraw();
      expect(await sys.marketplace.pendingDraws()).to.equal(0n);
      await expect(sys.marketplace.setVrfConfig(config)).to.emit(sys.marketplace, "VrfConfigSet");
    });

    it("the callback only stores the word: no state other than the draw changes", async () => {
      const { listing, address, requestId, terms } = await drawing(sys);
      const orderId = await listing.escrowOrderId();
      await expect(fulfil(sys, listing, 12_345n))
        .to.emit(sys.marketplace, "RandomnessFulfilled")
        .withArgs(address, requestId, 12_345n);
      const draw = await sys.marketplace.drawOf(address);
      expect([draw.requestId, draw.status, draw.word]).to.deep.equal([requestId, DrawStatus.Fulfilled, 12_345n]);
      expect(await sys.marketplace.randomWord(address)).to.deep.equal([DrawStatus.Fulfilled, 12_345n]);
      expect(await listing.status()).to.equal(Status.Drawing);
      expect((await sys.escrow.order(orderId)).buyer).to.equal(ethers.ZeroAddress);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(await sys.escrow.getAddress());
      expect(await sys.marketplace.pendingDraws()).to.equal(0n);
    });

    it("the callback succeeds within the minimum callback gas, also for a listing that already failed (A3)", async () => {
      const config = await vrfConfigOf(sys.marketplace);
      await sys.marketplace.setVrfConfig({ ...config, callbackGasLimit: 60_000n });
      const a = await drawing(sys);
      const mp = await sys.marketplace.getAddress();
      // Measured: the callback's execution gas (estimate minus intrinsic and calldata gas) is within the minimum.
      const data = sys.marketplace.interface.encodeFunctionData("rawFulfillRandomWords", [a.requestId, [ethers.MaxUint256]]);
      const estimate = await ethers.provider.estimateGas({ from: config.coordinator, to: mp, data });
      const calldataGas = ethers.getBytes(data).reduce((sum, byte) => sum + (byte === 0 ? 4n : 16n), 0n);
      expect(estimate - 21_000n - calldataGas).to.be.lessThan(await sys.marketplace.MIN_CALLBACK_GAS());
      await expect(sys.coordinator.fulfillRandomWordsWithOverride(a.requestId, mp, [ethers.MaxUint256]))
        .to.emit(sys.coordinator, "RandomWordsFulfilled")
        .withArgs(a.requestId, a.requestId, config.subscriptionId, anyValue, false, true, false);
      expect((await sys.marketplace.drawOf(a.address)).word).to.equal(ethers.MaxUint256);
      // A word for a listing that timed out is ignored, and the callback still succeeds.
      const b = await createListing(sys);
      await buy(sys, b.listing, sys.bob, 100n);
      await networkHelpers.time.increaseTo(b.terms.deadline);
      await b.listing.settle();
      const bReq = (await sys.marketplace.drawOf(await b.listing.getAddress())).requestId;
      await networkHelpers.time.increase(DAY);
      await b.listing.expireDraw();
      const tx = sys.coordinator.fulfillRandomWordsWithOverride(bReq, mp, [9n]);
      await expect(tx)
        .to.emit(sys.coordinator, "RandomWordsFulfilled")
        .withArgs(bReq, bReq, config.subscriptionId, anyValue, false, true, false);
      await expect(tx).to.emit(sys.marketplace, "LateRandomnessIgnored").withArgs(bReq);
      const draw = await sys.marketplace.drawOf(await b.listing.getAddress());
      expect([draw.status, draw.word]).to.deep.equal([DrawStatus.Abandoned, 0n]);
    });

    it("only the coordinator fulfils; unknown request ids are rejected; a second word never re-rolls (A1, A17)", async () => {
      const coordinator = await sys.coordinator.getAddress();
      await expect(sys.marketplace.connect(sys.stranger).rawFulfillRandomWords(1n, [1n]))
        .to.be.revertedWithCustomError(sys.marketplace, "OnlyCoordinatorCanFulfill")
        .withArgs(sys.stranger.address, coordinator);
      const { listing, address, requestId } = await drawing(sys);
      await expect(sys.marketplace.rawFulfillRandomWords(requestId, [1n]))
        .to.be.revertedWithCustomError(sys.marketplace, "OnlyCoordinatorCanFulfill")
        .withArgs(sys.admin.address, coordinator);
      await fulfil(sys, listing, 77n);
      // With no draw in flight the admin moves to a new coordinator (here an account we control).
      const config = await vrfConfigOf(sys.marketplace);
      await sys.marketplace.setVrfConfig({ ...config, coordinator: sys.dave.address });
      const old = await impersonate(coordinator);
      await expect(sys.marketplace.connect(old).rawFulfillRandomWords(requestId, [5n]))
        .to.be.revertedWithCustomError(sys.marketplace, "OnlyCoordinatorCanFulfill")
        .withArgs(coordinator, sys.dave.address);
      await expect(sys.marketplace.connect(sys.dave).rawFulfillRandomWords(999n, [5n]))
        .to.be.revertedWithCustomError(sys.marketplace, "UnknownRequest")
        .withArgs(999n);
      await expect(sys.marketplace.connect(sys.dave).rawFulfillRandomWords(requestId, [5n]))
        .to.emit(sys.marketplace, "LateRandomnessIgnored")
        .withArgs(requestId);
      expect(await sys.marketplace.randomWord(address)).to.deep.equal([DrawStatus.Fulfilled, 77n]);
    });

    it("a listing can request randomness only once and abandon only a pending request (A1)", async () => {
      const { address, requestId, listing } = await drawing(sys);
      const asListing = await impersonate(address);
      await expect(sys.marketplace.connect(asListing).requestRandomness())
        .to.be.revertedWithCustomError(sys.marketplace, "RandomnessAlreadyRequested")
        .withArgs(address, requestId);
      await expect(sys.marketplace.connect(sys.stranger).abandonRandomness())
        .to.be.revertedWithCustomError(sys.marketplace, "UnknownListing")
        .withArgs(sys.stranger.address);
      await fulfil(sys, listing, 1n);
      await expect(sys.marketplace.connect(asListing).abandonRandomness())
        .to.be.revertedWithCustomError(sys.marketplace, "NoPendingRandomness")
        .withArgs(address);
      await expect(sys.marketplace.connect(asListing).requestRandomness())
        .to.be.revertedWithCustomError(sys.marketplace, "RandomnessAlreadyRequested")
        .withArgs(address, requestId);
      expect(await sys.marketplace.pendingDraws()).to.equal(0n);
      await networkHelpers.stopImpersonatingAccount(address);
    });

    it("draw timeout is bounded to [1 hour, 30 days], evented and applies to draws requested afterwards", async () => {
      const [min, max] = [await sys.marketplace.MIN_DRAW_TIMEOUT(), await sys.marketplace.MAX_DRAW_TIMEOUT()];
      expect([min, max]).to.deep.equal([3_600n, 30n * BigInt(DAY)]);
      await expect(sys.marketplace.setDrawTimeout(min - 1n))
        .to.be.revertedWithCustomError(sys.marketplace, "DrawTimeoutOutOfRange")
        .withArgs(min - 1n);
      await expect(sys.marketplace.setDrawTimeout(max + 1n))
        .to.be.revertedWithCustomError(sys.marketplace, "DrawTimeoutOutOfRange")
        .withArgs(max + 1n);
      await expect(sys.marketplace.setDrawTimeout(max)).to.emit(sys.marketplace, "DrawTimeoutSet").withArgs(max);
      await expect(sys.marketplace.setDrawTimeout(min)).to.emit(sys.marketplace, "DrawTimeoutSet").withArgs(min);
      expect(await sys.marketplace.drawTimeout()).to.equal(min);

      // Listing A draws under the 1-hour timeout; the timeout then grows to 3 days for later draws only.
      const a = await createListing(sys);
      const b = await createListing(sys);
      await buy(sys, a.listing, sys.alice, 100n);
      await buy(sys, b.listing, sys.bob, 100n);
      await networkHelpers.time.increaseTo(a.terms.deadline);
      const t0 = (await networkHelpers.time.latest()) + 10;
      await networkHelpers.time.setNextBlockTimestamp(t0);
      await expect(a.listing.settle())
        .to.emit(a.listing, "DrawRequested")
        .withArgs(anyValue, anyValue, 100n, BigInt(t0) + min);
      await sys.marketplace.setDrawTimeout(3n * BigInt(DAY));
      const t1 = t0 + 100;
      await networkHelpers.time.setNextBlockTimestamp(t1);
      await expect(b.listing.settle())
        .to.emit(b.listing, "DrawRequested")
        .withArgs(anyValue, anyValue, 100n, BigInt(t1 + 3 * DAY));
      await networkHelpers.time.increaseTo(BigInt(t0) + min);
      await expect(a.listing.expireDraw()).to.emit(a.listing, "ListingFailed").withArgs(Failure.RandomnessTimedOut, 100n);
      await expect(b.listing.expireDraw())
        .to.be.revertedWithCustomError(b.listing, "DrawNotExpired")
        .withArgs(BigInt(t1 + 3 * DAY));
    });
  });

  describe("automation (single upkeep)", () => {
    it("checkUpkeep reports no work without due listings and the exact action when due", async () => {
      expect(await sys.marketplace.checkUpkeep.staticCall("0x")).to.deep.equal([false, "0x"]);
      const { listing, terms } = await createListing(sys);
      const address = await listing.getAddress();
      await buy(sys, listing, sys.alice, 150n);
      expect(await sys.marketplace.checkUpkeep.staticCall("0x")).to.deep.equal([false, "0x"]);
      await networkHelpers.time.increaseTo(terms.deadline);
      expect(await sys.marketplace.checkUpkeep.staticCall("0x")).to.deep.equal([
        true,
        upkeepData(address, Upkeep.Settle),
      ]);
      await sys.marketplace.performUpkeep(upkeepData(address, Upkeep.Settle));
      // Drawing, word not yet here, timeout not reached: nothing to do.
      expect(await sys.marketplace.checkUpkeep.staticCall("0x")).to.deep.equal([false, "0x"]);
      await fulfil(sys, listing, 3n);
      expect(await sys.marketplace.checkUpkeep.staticCall("0x")).to.deep.equal([
        true,
        upkeepData(address, Upkeep.Finalize),
      ]);
      await expect(sys.marketplace.performUpkeep(upkeepData(address, Upkeep.Finalize))).to.emit(listing, "WinnerDrawn");
      expect(await sys.marketplace.checkUpkeep.staticCall("0x")).to.deep.equal([
        true,
        upkeepData(address, Upkeep.Retire),
      ]);
    });

    it("expires a draw whose word never came (A4)", async () => {
      const { listing, address, requestId } = await drawing(sys);
      await networkHelpers.time.increase(DAY);
      const [needed, data] = await sys.marketplace.checkUpkeep.staticCall("0x");
      expect([needed, data]).to.deep.equal([true, upkeepData(address, Upkeep.Expire)]);
      const tx = sys.marketplace.connect(sys.stranger).performUpkeep(data);
      await expect(tx).to.emit(listing, "ListingFailed").withArgs(Failure.RandomnessTimedOut, 150n);
      await expect(tx).to.emit(sys.marketplace, "RandomnessAbandoned").withArgs(address, requestId);
      expect((await sys.marketplace.drawOf(address)).status).to.equal(DrawStatus.Abandoned);
    });

    it("performUpkeep re-validates: forged actions, undue work and unknown or retired listings revert (A16)", async () => {
      const { listing, terms } = await createListing(sys);
      const address = await listing.getAddress();
      await expect(sys.marketplace.performUpkeep(upkeepData(address, Upkeep.Settle)))
        .to.be.revertedWithCustomError(sys.marketplace, "UpkeepNotNeeded")
        .withArgs(address, Upkeep.Settle);
      await networkHelpers.time.increaseTo(terms.deadline);
      for (const action of [Upkeep.None, Upkeep.Finalize, Upkeep.Expire, Upkeep.Retire]) {
        await expect(sys.marketplace.performUpkeep(upkeepData(address, action)))
          .to.be.revertedWithCustomError(sys.marketplace, "UpkeepNotNeeded")
          .withArgs(address, action);
      }
      expect(await listing.status()).to.equal(Status.Open);
      await sys.marketplace.performUpkeep(upkeepData(address, Upkeep.Settle)); // fails: nothing sold
      await expect(sys.marketplace.performUpkeep(upkeepData(address, Upkeep.Retire)))
        .to.emit(sys.marketplace, "ListingRetired")
        .withArgs(address);
      await expect(sys.marketplace.performUpkeep(upkeepData(address, Upkeep.Retire)))
        .to.be.revertedWithCustomError(sys.marketplace, "UnknownListing")
        .withArgs(address);
      expect(await sys.marketplace.isListing(address)).to.equal(true);
    });

    it("a user acting first makes the keeper's stale call revert cheaply, never someone else's work (A16)", async () => {
      const a = await createListing(sys);
      const b = await createListing(sys);
      await buy(sys, a.listing, sys.alice, 120n);
      await buy(sys, b.listing, sys.bob, 120n);
      await networkHelpers.time.increaseTo(b.terms.deadline);
      const [aAddr, bAddr] = [await a.listing.getAddress(), await b.listing.getAddress()];
      // Alice settles her listing herself before the keeper's transaction lands.
      await a.listing.connect(sys.alice).settle();
      await expect(sys.marketplace.performUpkeep(upkeepData(aAddr, Upkeep.Settle), { gasLimit: 60_000 }))
        .to.be.revertedWithCustomError(sys.marketplace, "UpkeepNotNeeded")
        .withArgs(aAddr, Upkeep.Settle);
      const [needed, data] = await sys.marketplace.checkUpkeep.staticCall("0x");
      expect([needed, data]).to.deep.equal([true, upkeepData(bAddr, Upkeep.Settle)]);
      await expect(sys.marketplace.performUpkeep(data)).to.emit(b.listing, "DrawRequested");
      // Someone collects A's markup before the keeper retires it: retiring still works, nothing is paid twice.
      await fulfil(sys, a.listing, 0n);
      await a.listing.finalize();
      const markup = 120n * 10n * USDC - 1_000n * USDC;
      await expect(sys.vault.connect(sys.stranger).collect(aAddr)).to.emit(sys.vault, "RevenueCollected").withArgs(aAddr, markup);
      const tx = sys.marketplace.performUpkeep(upkeepData(aAddr, Upkeep.Retire));
      await expect(tx).to.emit(sys.marketplace, "ListingRetired").withArgs(aAddr);
      await expect(tx).not.to.emit(sys.vault, "RevenueCollected");
      expect(await sys.vault.owedTo(sys.admin.address)).to.equal(markup);
      expect(await sys.vault.totalOwed()).to.equal(await sys.usdc.balanceOf(await sys.vault.getAddress()));
    });

    it("retiring swaps and pops: the remaining listings are still served to the end", async () => {
      const now = await networkHelpers.time.latest();
      const first = await createListing(sys, { deadline: BigInt(now + DAY) });
      const second = await createListing(sys);
      const third = await createListing(sys);
      await buy(sys, third.listing, sys.alice, 100n);
      await networkHelpers.time.increaseTo(first.terms.deadline);
      const run = async () => {
        const [needed, data] = await sys.marketplace.checkUpkeep.staticCall("0x");
        expect(needed).to.equal(true);
        return sys.marketplace.performUpkeep(data);
      };
      await run(); // first fails
      await expect(run()).to.emit(sys.marketplace, "ListingRetired").withArgs(await first.listing.getAddress());
      expect(await sys.marketplace.activeListingCount()).to.equal(2n);
      await networkHelpers.time.increaseTo(third.terms.deadline);
      const retired: string[] = [];
      for (let i = 0; i < 10 && (await sys.marketplace.checkUpkeep.staticCall("0x"))[0]; i++) {
        const receipt = await (await run()).wait();
        for (const log of receipt!.logs) {
          const parsed = sys.marketplace.interface.parseLog(log);
          if (parsed?.name === "ListingRetired") retired.push(parsed.args.listing);
        }
        const address = await third.listing.getAddress();
        if ((await sys.marketplace.drawOf(address)).status === DrawStatus.Pending) await fulfil(sys, third.listing, 1n);
      }
      expect(retired.sort()).to.deep.equal([await second.listing.getAddress(), await third.listing.getAddress()].sort());
      expect(await sys.marketplace.activeListingCount()).to.equal(0n);
      expect(await second.listing.status()).to.equal(Status.Failed);
      expect(await third.listing.status()).to.equal(Status.Settled);
    });

    it("checkUpkeep inspects at most 50 listings per call, rotating with the block so none starves (A15)", async function () {
      this.timeout(60_000);
      const now = await networkHelpers.time.latest();
      const due = await createListing(sys, { deadline: BigInt(now + DAY) });
      for (let i = 0; i < 50; i++) await createListing(sys, { deadline: BigInt(now + 30 * DAY) });
      expect(await sys.marketplace.activeListingCount()).to.equal(51n);
      expect(await sys.marketplace.UPKEEP_SCAN_LIMIT()).to.equal(50n);
      await networkHelpers.time.increaseTo(due.terms.deadline);
      const expected = upkeepData(await due.listing.getAddress(), Upkeep.Settle);
      let found = 0;
      let missed = 0;
      for (let i = 0; i < 51; i++) {
        const [needed, data] = await sys.marketplace.checkUpkeep.staticCall("0x");
        if (needed) {
          expect(data).to.equal(expected);
          found++;
        } else missed++;
        await networkHelpers.mine();
      }
      // 51 active listings, 50 scanned: the due one is outside the window in exactly one block of 51.
      expect([found, missed]).to.deep.equal([50, 1]);
    });
  });

  describe("pause", () => {
    it("pause and unpause are evented, mirrored on the bid token and not repeatable", async () => {
      await expect(sys.marketplace.pause())
        .to.emit(sys.marketplace, "Paused")
        .withArgs(sys.admin.address)
        .and.to.emit(sys.bidToken, "MarketplacePauseMirrored")
        .withArgs(true);
      expect(await sys.marketplace.paused()).to.equal(true);
      expect(await sys.bidToken.marketplacePauseMirror()).to.equal(true);
      await expect(sys.marketplace.pause()).to.be.revertedWithCustomError(sys.marketplace, "EnforcedPause");
      await expect(sys.marketplace.unpause())
        .to.emit(sys.marketplace, "Unpaused")
        .withArgs(sys.admin.address)
        .and.to.emit(sys.bidToken, "MarketplacePauseMirrored")
        .withArgs(false);
      expect(await sys.bidToken.marketplacePauseMirror()).to.equal(false);
      await expect(sys.marketplace.unpause()).to.be.revertedWithCustomError(sys.marketplace, "ExpectedPause");
    });

    it("stops new listings: submitting assets and accepting terms", async () => {
      const { appId, terms } = await approved(sys);
      await sys.marketplace.pause();
      await expect(sys.marketplace.connect(sys.seller).submitAsset("ipfs://x", CONTENT)).to.be.revertedWithCustomError(
        sys.marketplace,
        "EnforcedPause",
      );
      await expect(sys.marketplace.connect(sys.seller).acceptTerms(appId, terms)).to.be.revertedWithCustomError(
        sys.marketplace,
        "EnforcedPause",
      );
      expect(await sys.marketplace.listingCount()).to.equal(0n);
      await sys.marketplace.unpause();
      await expect(sys.marketplace.connect(sys.seller).acceptTerms(appId, terms)).to.emit(
        sys.marketplace,
        "ListingCreated",
      );
    });

    it("stops purchases, with or without a bid token, and resumes them on unpause", async () => {
      const { listing } = await createListing(sys);
      const token = await buy(sys, listing, sys.alice, 1n);
      await sys.usdc.connect(sys.alice).approve(await listing.getAddress(), 100n * USDC);
      await sys.marketplace.pause();
      for (const id of [0n, token]) {
        await expect(listing.connect(sys.alice).buy(id, 1)).to.be.revertedWithCustomError(sys.bidToken, "SalesPaused");
      }
      expect((await listing.sales())[0]).to.equal(1n);
      await sys.marketplace.unpause();
      await expect(listing.connect(sys.alice).buy(token, 2)).to.changeTokenBalances(
        ethers,
        sys.usdc,
        [sys.alice, listing],
        [-20n * USDC, 20n * USDC],
      );
    });

    it("never blocks settlement by the upkeep, failure refunds or dissolution refunds", async () => {
      const failing = await createListing(sys);
      const dissolving = await createListing(sys);
      const a = await buy(sys, failing.listing, sys.alice, 30n);
      const b = await buy(sys, dissolving.listing, sys.bob, 20n);
      await sys.marketplace.pause();
      await expect(dissolving.listing.connect(sys.bob).voteToDissolve(b)).to.emit(dissolving.listing, "ListingDissolved");
      await expect(dissolving.listing.connect(sys.bob).claimRefund(b)).to.changeTokenBalance(ethers, sys.usdc, sys.bob, 200n * USDC);
      await networkHelpers.time.increaseTo(failing.terms.deadline);
      // The scan starts at an offset that rotates with the block: the dissolved listing's own upkeep may come first.
      let [, data] = await sys.marketplace.checkUpkeep.staticCall("0x");
      const failingAddress = (await failing.listing.getAddress()).toLowerCase();
      if (!data.toLowerCase().includes(failingAddress.slice(2))) {
        await sys.marketplace.performUpkeep(data);
        [, data] = await sys.marketplace.checkUpkeep.staticCall("0x");
      }
      await expect(sys.marketplace.performUpkeep(data))
        .to.emit(failing.listing, "ListingFailed")
        .withArgs(Failure.ThresholdNotMet, 30n);
      await expect(failing.listing.connect(sys.alice).claimRefund(a)).to.changeTokenBalances(
        ethers,
        sys.usdc,
        [sys.alice, failing.listing],
        [300n * USDC, -300n * USDC],
      );
    });

    it("never blocks a draw, its timeout refunds, delivery claims or withdrawals", async () => {
      const won = await drawing(sys, 120n);
      const expired = await createListing(sys);
      const e = await buy(sys, expired.listing, sys.bob, 100n);
      await networkHelpers.time.increaseTo(expired.terms.deadline);
      await sys.marketplace.pause();
      // Settlement and draws go on under pause.
      await expired.listing.settle();
      await fulfil(sys, won.listing, 0n);
      await expect(won.listing.finalize()).to.emit(won.listing, "WinnerDrawn");
      const orderId = await won.listing.escrowOrderId();
      // The winner claims the asset and releases payment; the seller withdraws.
      await expect(sys.escrow.connect(sys.alice).release(orderId))
        .to.emit(sys.escrow, "OrderReleased")
        .withArgs(orderId, sys.seller.address, won.terms.price, 0n); // released by the buyer
      expect(await sys.deed.ownerOf(won.terms.deedId)).to.equal(sys.alice.address);
      await expect(sys.escrow.connect(sys.seller).withdraw(sys.seller.address)).to.changeTokenBalance(
        ethers,
        sys.usdc,
        sys.seller,
        won.terms.price,
      );
      // Revenue is collected and withdrawn.
      await sys.vault.collect(won.address);
      await expect(sys.vault.withdraw(sys.admin.address)).to.changeTokenBalance(ethers, sys.usdc, sys.admin, 200n * USDC);
      // A draw that timed out fails and refunds.
      await networkHelpers.time.increase(DAY);
      await expect(expired.listing.expireDraw()).to.emit(expired.listing, "ListingFailed");
      await expect(expired.listing.connect(sys.bob).claimRefund(e)).to.changeTokenBalance(ethers, sys.usdc, sys.bob, 1_000n * USDC);
      expect(await sys.marketplace.paused()).to.equal(true);
    });
  });
});
