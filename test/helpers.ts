/**
 * Test-only helpers shared by the unit and flow suites (the deployment fixtures themselves live with the scripts:
 * test/fixtures.ts). Nothing outside test/ imports this file.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { buy, createListing, ethers, fulfil, networkHelpers } from "./fixtures.js";
import type { System, Terms } from "./fixtures.js";
import type { Listing } from "../typechain-types/index.js";
import { LISTING_STATUS } from "../core/enums.js";
import {
  AssetDeed__factory,
  BidToken__factory,
  DeliveryEscrow__factory,
  Listing__factory,
  Marketplace__factory,
  RevenueVault__factory,
} from "../typechain-types/index.js";

/** The current block's timestamp. */
export async function latest() {
  return BigInt(await networkHelpers.time.latest());
}

/** The index of the listing's latest purchase. */
export async function lastPurchaseIndex(listing: Listing) {
  const [, purchases] = await listing.sales();
  return purchases - 1n;
}

/** The listing a series runs now. */
export async function currentListing(sys: System, seriesId: bigint): Promise<Listing> {
  return Listing__factory.connect((await sys.series.seriesOf(seriesId)).current, sys.admin);
}

/** Fails `listing` below its threshold: Time-Date A passes, anyone settles. Returns the deadline. */
export async function failAtDeadline(listing: Listing) {
  const deadline = (await listing.charter())[1].deadline;
  await networkHelpers.time.increaseTo(deadline);
  await listing.settle();
  expect(await listing.status()).to.equal(BigInt(LISTING_STATUS.indexOf("Failed")));
  return deadline;
}

/**
 * A listing run to a drawn winner: `buyer` (alice) buys `stakes` (150), Time-Date A, settle, the VRF mock answers
 * `word` (7), finalize. Returns the listing, its terms and its escrow order.
 */
export async function drawnListing(
  sys: System,
  o: { buyer?: HardhatEthersSigner; stakes?: bigint; word?: bigint; terms?: Partial<Terms> } = {},
) {
  const { listing, terms } = await createListing(sys, o.terms);
  await buy(sys, listing, o.buyer ?? sys.alice, o.stakes ?? 150n);
  await networkHelpers.time.increaseTo(terms.deadline);
  await listing.settle();
  await fulfil(sys, listing, o.word ?? 7n);
  await listing.finalize();
  return { listing, terms, orderId: await listing.escrowOrderId() };
}

/** `from` approves and tops up bid token `tokenId` with `amount`. */
export async function topUp(sys: System, from: HardhatEthersSigner, tokenId: bigint, amount: bigint) {
  await sys.usdc.connect(from).approve(await sys.bidToken.getAddress(), amount);
  return sys.bidToken.connect(from).topUp(tokenId, amount);
}

/** A signer for `address` (a contract, usually), funded with 100 ETH for gas. */
export async function impersonate(address: string): Promise<HardhatEthersSigner> {
  await networkHelpers.impersonateAccount(address);
  await networkHelpers.setBalance(address, 10n ** 20n);
  return ethers.getSigner(address);
}

/**
 * A second copy of the system on `paymentToken` (the fixture's by default) and without a Membership, so its listings
 * have no stake cancellation: the marketplace and its five modules, deployed but not yet wired; the admin holds only
 * the default admin role. `modules` is what `setModules` takes.
 */
export async function deployBare(sys: System, paymentToken?: string) {
  const pay = paymentToken ?? (await sys.usdc.getAddress());
  const marketplace = await new Marketplace__factory(sys.admin).deploy(sys.admin.address, pay);
  const mp = await marketplace.getAddress();
  const bidToken = await new BidToken__factory(sys.admin).deploy(mp, await sys.usdc.getAddress(), 1000n, []);
  const deed = await new AssetDeed__factory(sys.admin).deploy(mp);
  const escrow = await new DeliveryEscrow__factory(sys.admin).deploy(mp, pay, await deed.getAddress());
  const vault = await new RevenueVault__factory(sys.admin).deploy(mp, pay);
  const implementation = await new Listing__factory(sys.admin).deploy(
    mp,
    pay,
    await bidToken.getAddress(),
    await deed.getAddress(),
    await escrow.getAddress(),
    await vault.getAddress(),
    ethers.ZeroAddress, // no membership: stake cancellation unavailable
  );
  const modules = {
    bidToken: await bidToken.getAddress(),
    assetDeed: await deed.getAddress(),
    escrow: await escrow.getAddress(),
    revenueVault: await vault.getAddress(),
    listingImplementation: await implementation.getAddress(),
    membership: ethers.ZeroAddress,
  };
  return { marketplace, bidToken, deed, escrow, vault, implementation, modules };
}

/**
 * `deployBare`, wired and working: its own funded VRF subscription on the fixture's coordinator (the fixture's key
 * hash and gas settings), the operator and verifier roles on the admin, and the fixture's seller verified.
 */
export async function deployWithoutMembership(sys: System, paymentToken?: string) {
  const bare = await deployBare(sys, paymentToken);
  const { marketplace } = bare;
  const mp = await marketplace.getAddress();
  await marketplace.setModules(bare.modules);
  const created = await (await sys.coordinator.createSubscription()).wait();
  const subId: bigint = created!.logs
    .map((l) => sys.coordinator.interface.parseLog(l))
    .find((e) => e?.name === "SubscriptionCreated")!.args.subId;
  await sys.coordinator.fundSubscription(subId, 10n ** 24n);
  await sys.coordinator.addConsumer(subId, mp);
  const fixtureVrf = await sys.marketplace.vrfConfig();
  await marketplace.setVrfConfig({
    coordinator: fixtureVrf.coordinator,
    keyHash: fixtureVrf.keyHash,
    subscriptionId: subId,
    callbackGasLimit: fixtureVrf.callbackGasLimit,
    requestConfirmations: fixtureVrf.requestConfirmations,
    nativePayment: false,
  });
  for (const role of [await marketplace.OPERATOR_ROLE(), await marketplace.VERIFIER_ROLE()]) {
    await marketplace.grantRole(role, sys.admin.address);
  }
  await marketplace.verifySeller(sys.seller.address, ethers.id("kyc"));
  return bare;
}
