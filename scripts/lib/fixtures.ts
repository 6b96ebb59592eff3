/**
 * The deployed system for tests and the gas benchmark: Ignition's own modules on the in-process network, typed handles
 * and named accounts, plus the helpers that create listings, buy and fulfil draws.
 */
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import Copurchase from "../../deploy/modules/Copurchase.js";
import LocalCopurchase from "../../deploy/modules/LocalCopurchase.js";
import LocalCopurchaseUsdc from "../../deploy/modules/LocalCopurchaseUsdc.js";
import { signPermit as signTokenPermit } from "./authorization.js";
import { signOffer } from "./offer.js";
import {
  AssetDeed__factory,
  BidToken__factory,
  Membership__factory,
  DeliveryEscrow__factory,
  Listing__factory,
  ListingSeries__factory,
  Marketplace__factory,
  MockUSDC__factory,
  RevenueVault__factory,
  UsdcLike__factory,
  VRFCoordinatorV2_5Mock__factory,
} from "../../typechain-types/index.js";
import type { IListing, IListingSeries, Listing } from "../../typechain-types/index.js";

export const connection = await network.getOrCreate();
export const { ethers, networkHelpers, ignition } = connection;

/** 1 USDC in units (6 decimals). */
export const USDC = 1_000_000n;
export const DAY = 86_400;

export type Terms = IListing.TermsStruct;

/**
 * Deploys the whole system with the same Ignition module the deploy scripts use, and returns typed handles plus
 * named accounts: admin (all roles), seller, buyers, a stranger.
 */
export async function deployFixture() {
  return deployFixtureWith({});
}

/**
 * The whole system on the USDC-like token (`LocalCopurchaseUsdc`: FiatTokenV2_2's behaviour behind an admin proxy).
 * `usdc` is typed as the mock (tests use the ERC-20 surface, permit and `mint`); `usdcLike` adds the issuer's
 * controls (pause, blacklist), all held by the admin account.
 */
export async function deployUsdcLikeFixture() {
  const sys = await deployFixtureWith({}, "usdc-like");
  return { ...sys, usdcLike: UsdcLike__factory.connect(await sys.usdc.getAddress(), sys.admin) };
}

/**
 * As `deployFixture`, with Ignition parameters for the local module (e.g. `firstTranche`); `token` picks the payment
 * token: the minimal mock (default) or the USDC-like token behind its proxy.
 */
export async function deployFixtureWith(parameters: Record<string, unknown>, token: "mock" | "usdc-like" = "mock") {
  const deployed =
    token === "mock"
      ? await ignition.deploy(LocalCopurchase, { parameters: { LocalCopurchase: parameters as never } })
      : await ignition.deploy(LocalCopurchaseUsdc, { parameters: { LocalCopurchaseUsdc: parameters as never } });
  const [admin, seller, alice, bob, carol, dave, stranger] =
    await ethers.getSigners();
  const at = async (c: { getAddress(): Promise<string> }) => c.getAddress();
  const sys = {
    admin,
    seller,
    alice,
    bob,
    carol,
    dave,
    stranger,
    usdc: MockUSDC__factory.connect(await at(deployed.usdc), admin),
    coordinator: VRFCoordinatorV2_5Mock__factory.connect(
      await at(deployed.coordinator),
      admin,
    ),
    marketplace: Marketplace__factory.connect(
      await at(deployed.marketplace),
      admin,
    ),
    bidToken: BidToken__factory.connect(await at(deployed.bidToken), admin),
    deed: AssetDeed__factory.connect(await at(deployed.assetDeed), admin),
    escrow: DeliveryEscrow__factory.connect(await at(deployed.escrow), admin),
    membership: Membership__factory.connect(
      await at(deployed.membership),
      admin,
    ),
    vault: RevenueVault__factory.connect(
      await at(deployed.revenueVault),
      admin,
    ),
    listingImplementation: Listing__factory.connect(
      await at(deployed.listingImplementation),
      admin,
    ),
    series: ListingSeries__factory.connect(
      await at(deployed.listingSeries),
      admin,
    ),
  };
  for (const buyer of [alice, bob, carol, dave, stranger]) {
    await sys.usdc.mint(buyer.address, 10_000_000n * USDC);
  }
  await sys.marketplace.verifySeller(seller.address, ethers.id("kyc:seller"));
  return sys;
}

export type System = Awaited<ReturnType<typeof deployFixture>>;

/**
 * The same system on another payment token (for weird-token tests), deployed with the live-network module and the
 * fixture's VRF mock and subscription; the seller is verified and buyers hold 10,000,000 units (6 decimals).
 * `usdc` is typed as the mock but is the given token: tests use only the ERC-20 surface and `mint`.
 */
export async function deployWithToken(
  sys: System,
  paymentToken: string,
): Promise<System> {
  const { subscriptionId, keyHash } = await sys.marketplace.vrfConfig();
  const vrfCoordinator = await sys.coordinator.getAddress();
  const deployed = await ignition.deploy(Copurchase, {
    parameters: {
      Copurchase: { paymentToken, vrfCoordinator, subscriptionId, keyHash, arbiter: sys.admin.address },
    },
  });
  const at = async (c: { getAddress(): Promise<string> }) => c.getAddress();
  const other = {
    ...sys,
    usdc: MockUSDC__factory.connect(paymentToken, sys.admin),
    marketplace: Marketplace__factory.connect(
      await at(deployed.marketplace),
      sys.admin,
    ),
    bidToken: BidToken__factory.connect(await at(deployed.bidToken), sys.admin),
    deed: AssetDeed__factory.connect(await at(deployed.assetDeed), sys.admin),
    escrow: DeliveryEscrow__factory.connect(
      await at(deployed.escrow),
      sys.admin,
    ),
    membership: Membership__factory.connect(
      await at(deployed.membership),
      sys.admin,
    ),
    vault: RevenueVault__factory.connect(
      await at(deployed.revenueVault),
      sys.admin,
    ),
    listingImplementation: Listing__factory.connect(
      await at(deployed.listingImplementation),
      sys.admin,
    ),
    series: ListingSeries__factory.connect(
      await at(deployed.listingSeries),
      sys.admin,
    ),
  };
  await sys.coordinator.addConsumer(
    subscriptionId,
    await other.marketplace.getAddress(),
  );
  for (const buyer of [sys.alice, sys.bob, sys.carol, sys.dave, sys.stranger]) {
    await other.usdc.mint(buyer.address, 10_000_000n * USDC);
  }
  await other.marketplace.verifySeller(
    sys.seller.address,
    ethers.id("kyc:seller"),
  );
  return other;
}

/** Terms of a small listing opening now: P = 1,000 USDC, N = 200 stakes of 10 USDC, T = 100, 7 days. */
export async function defaultTerms(
  sys: System,
  deedId: bigint,
  overrides: Partial<Terms> = {},
): Promise<Terms> {
  const now = await networkHelpers.time.latest();
  return {
    seller: sys.seller.address,
    deedId,
    price: 1_000n * USDC,
    stakePrice: 10n * USDC,
    stakeCount: 200n,
    threshold: 100n,
    opensAt: BigInt(now),
    deadline: BigInt(now + 7 * DAY),
    category: 1n,
    drawAtSellOut: false,
    contentHash: ethers.id(`asset-${deedId}`),
    ...overrides,
  };
}

/** Agreement I: the seller submits an asset, the operator approves terms, the seller accepts. */
export async function createListing(
  sys: System,
  overrides: Partial<Terms> = {},
): Promise<{
  listing: Listing;
  terms: Terms;
  deedId: bigint;
  applicationId: bigint;
}> {
  const uri = `ipfs://asset-${Date.now()}`;
  const tx = await sys.marketplace
    .connect(sys.seller)
    .submitAsset(uri, ethers.id("placeholder"));
  const receipt = await tx.wait();
  const submitted = receipt!.logs
    .map((l) => sys.marketplace.interface.parseLog(l))
    .find((e) => e?.name === "AssetSubmitted")!;
  const appId: bigint = submitted.args.applicationId;
  const deedId: bigint = submitted.args.deedId;
  const terms = await defaultTerms(sys, deedId, {
    contentHash: ethers.id("placeholder"),
    ...overrides,
  });
  await sys.marketplace.approveListing(appId, terms);
  await sys.marketplace.connect(sys.seller).acceptTerms(appId, terms);
  const listingAddress = (await sys.marketplace.application(appId)).listing;
  return {
    listing: Listing__factory.connect(listingAddress, sys.admin),
    terms,
    deedId,
    applicationId: appId,
  };
}

export type SeriesTemplate = IListingSeries.TemplateStruct;

/** A series template like `defaultTerms`: P = 1,000 USDC, N = 200 stakes of 10 USDC, T = 100, 7-day sales, 1-day gaps. */
export function seriesTemplate(
  overrides: Partial<SeriesTemplate> = {},
): SeriesTemplate {
  return {
    price: 1_000n * USDC,
    stakePrice: 10n * USDC,
    stakeCount: 200n,
    threshold: 100n,
    duration: 7n * BigInt(DAY),
    gap: BigInt(DAY),
    startsAt: 0n,
    category: 2n,
    drawAtSellOut: false,
    ...overrides,
  };
}

/** The seller submits `n` assets (one deed each); returns their application and deed ids. */
export async function submitAssets(sys: System, n: number) {
  const applicationIds: bigint[] = [];
  const deedIds: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const receipt = (await (
      await sys.marketplace
        .connect(sys.seller)
        .submitAsset(`ipfs://car-${i}`, ethers.id(`car-${i}`))
    ).wait())!;
    const event = receipt.logs
      .map((l) => sys.marketplace.interface.parseLog(l))
      .find((e) => e?.name === "AssetSubmitted")!;
    applicationIds.push(event.args.applicationId);
    deedIds.push(event.args.deedId);
  }
  return { applicationIds, deedIds };
}

/**
 * Recurring listings, up to acceptance: the seller submits `n` assets and proposes them as a series, the operator
 * approves a template, the seller approves the series module for its deeds. Pass `accept` to also accept (deeds
 * deposited; the first listing opens if its start has come).
 */
export async function createSeries(
  sys: System,
  n: number,
  overrides: Partial<SeriesTemplate> = {},
  accept = true,
) {
  const assets = await submitAssets(sys, n);
  await sys.series.connect(sys.seller).proposeSeries(assets.applicationIds);
  const seriesId = await sys.series.seriesCount();
  const template = seriesTemplate(overrides);
  await sys.series.approveSeries(seriesId, template);
  await sys.deed
    .connect(sys.seller)
    .setApprovalForAll(await sys.series.getAddress(), true);
  if (accept)
    await sys.series.connect(sys.seller).acceptSeries(seriesId, template);
  return { ...assets, seriesId, template };
}

/** Approves and buys `count` stakes for `buyer`, using `tokenId` (0 = issue a new token). Returns the token id. */
export async function buy(
  sys: System,
  listing: Listing,
  buyer: HardhatEthersSigner,
  count: bigint,
  tokenId = 0n,
): Promise<bigint> {
  const stakePrice = (await listing.charter())[1].stakePrice;
  await sys.usdc
    .connect(buyer)
    .approve(await listing.getAddress(), count * stakePrice);
  const receipt = await (
    await listing.connect(buyer).buy(tokenId, count)
  ).wait();
  const event = receipt!.logs
    .map((l) => listing.interface.parseLog(l))
    .find((e) => e?.name === "StakesPurchased")!;
  return event.args.tokenId;
}

/** Answers the listing's pending VRF request with `word` (or the mock's default word). */
export async function fulfil(sys: System, listing: Listing, word?: bigint) {
  const draw = await sys.marketplace.drawOf(await listing.getAddress());
  const marketplaceAddress = await sys.marketplace.getAddress();
  if (word === undefined)
    return sys.coordinator.fulfillRandomWords(
      draw.requestId,
      marketplaceAddress,
    );
  return sys.coordinator.fulfillRandomWordsWithOverride(
    draw.requestId,
    marketplaceAddress,
    [word],
  );
}

/** Signs an EIP-2612 permit of the mock USDC for `spender` to take `value` from `owner`. */
export function signPermit(
  sys: System,
  owner: HardhatEthersSigner,
  spender: string,
  value: bigint,
  deadline: bigint,
) {
  return signTokenPermit(sys.usdc, owner, spender, value, deadline);
}

/** Options of a direct order opened from the seller's signed offer (`openDirect`). */
export interface DirectOrder {
  buyer: HardhatEthersSigner;
  seller: HardhatEthersSigner;
  amount: bigint;
  /** Seconds from opening to the ship-by time (default 10 days). */
  shipWindow?: bigint;
  upfrontBps?: bigint;
  codeHash?: string;
  codeLength?: number;
  /** Approve the escrow for the upfront share first (default true). */
  approve?: boolean;
}

/**
 * The seller signs an offer reserved for the buyer (fresh random nonce, valid one hour) and the buyer opens the
 * order from it: the way every direct order starts. Returns the transaction, unmined, so tests can expect on it.
 */
export async function openDirect(sys: System, o: DirectOrder) {
  const upfrontBps = o.upfrontBps ?? 10_000n;
  if (o.approve ?? true) {
    await sys.usdc.connect(o.buyer).approve(await sys.escrow.getAddress(), (o.amount * upfrontBps) / 10_000n);
  }
  const now = BigInt(await networkHelpers.time.latest());
  const { offer, signature } = await signOffer(sys.escrow, o.seller, {
    amount: o.amount,
    shipWindow: o.shipWindow ?? BigInt(10 * DAY),
    upfrontBps,
    expiry: now + 3_600n,
    nonce: BigInt(ethers.hexlify(ethers.randomBytes(8))),
    buyer: o.buyer.address,
  });
  return sys.escrow.connect(o.buyer).openOrder(offer, signature, o.codeHash ?? ethers.ZeroHash, o.codeLength ?? 0);
}

/** A membership tier policy for tests: the deployed default (1 h window, wallet refunds, no fee or reward), overridden. */
export const tierPolicy = (over: Partial<Record<string, unknown>> = {}) => ({
  cancelWindow: 3_600,
  refundMode: 0, // IMembership.RefundMode.Wallet
  feeBps: 0,
  rewardBps: 0,
  autoRelist: false,
  ...over,
});

/** A bit mask with the given condition ids set. */
export const conditionBits = (...ids: number[]) => ids.reduce((m, i) => m | (1 << i), 0);
