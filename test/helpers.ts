/**
 * Test-only helpers shared by the unit and flow suites (the deployment fixtures themselves live with the scripts:
 * test/fixtures.ts). Nothing outside test/ imports this file.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ethers, networkHelpers } from "./fixtures.js";
import type { System } from "./fixtures.js";
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
