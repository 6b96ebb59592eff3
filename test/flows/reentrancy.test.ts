import { expect } from "chai";
import {
  createListing,
  deployFixture,
  deployWithToken,
  ethers,
  fulfil,
  networkHelpers,
  USDC,
} from "../fixtures.js";
import type { System } from "../fixtures.js";
import {
  HookToken__factory,
  ReentrantAccount__factory,
} from "../../typechain-types/index.js";
import type {
  HookToken,
  Listing,
  ReentrantAccount,
} from "../../typechain-types/index.js";

const reentrancyError = ethers
  .id("ReentrancyGuardReentrantCall()")
  .slice(0, 10);

/** The system on a token that calls its holders' hooks, plus an attacker account that re-enters from its hook. */
async function hookedSystem() {
  const base = await deployFixture();
  const token = await new HookToken__factory(base.admin).deploy();
  const sys = await deployWithToken(base, await token.getAddress());
  const attacker = await new ReentrantAccount__factory(base.admin).deploy();
  const attackerAddress = await attacker.getAddress();
  await token.mint(attackerAddress, 1_000_000n * USDC);
  await attacker.execute(
    await token.getAddress(),
    token.interface.encodeFunctionData("registerHook"),
  );
  return { sys, token, attacker };
}

/** The attacker approves the listing and buys `count` stakes with a new bid token; returns the token id. */
async function attackerBuys(
  token: HookToken,
  attacker: ReentrantAccount,
  listing: Listing,
  count: bigint,
) {
  const address = await listing.getAddress();
  await attacker.execute(
    await token.getAddress(),
    token.interface.encodeFunctionData("approve", [address, ethers.MaxUint256]),
  );
  const receipt = (await (
    await attacker.execute(
      address,
      listing.interface.encodeFunctionData("buy", [0, count]),
    )
  ).wait())!;
  const event = receipt.logs
    .map((l) => listing.interface.parseLog(l))
    .find((e) => e?.name === "StakesPurchased")!;
  return event.args.tokenId as bigint;
}

async function expectRejectedReentry(
  attacker: ReentrantAccount,
  before: bigint,
) {
  expect(await attacker.reentries()).to.equal(before + 1n);
  expect(await attacker.lastReentryOk()).to.equal(false);
  expect(await attacker.lastReentryData()).to.equal(reentrancyError);
}

describe("re-entrancy through token hooks and NFT callbacks (A13)", () => {
  let sys: System;
  let token: HookToken;
  let attacker: ReentrantAccount;
  beforeEach(async () => {
    ({ sys, token, attacker } = await networkHelpers.loadFixture(hookedSystem));
  });

  it("a purchase re-entered from the payer's token hook cannot buy twice", async () => {
    const { listing } = await createListing(sys);
    const address = await listing.getAddress();
    await attacker.arm(
      address,
      listing.interface.encodeFunctionData("buy", [0, 10]),
    );
    const id = await attackerBuys(token, attacker, listing, 10n);
    await expectRejectedReentry(attacker, 0n);
    expect(await listing.sales()).to.deep.equal([10n, 1n]);
    expect(await listing.oddsOf(id)).to.deep.equal([10n, 10n]);
    expect(await token.balanceOf(address)).to.equal(100n * USDC);
    expect(await listing.owed()).to.equal(100n * USDC);
  });

  it("a refund re-entered from the receiver's token hook pays once", async () => {
    const { listing, terms } = await createListing(sys);
    const id = await attackerBuys(token, attacker, listing, 10n);
    await networkHelpers.time.increaseTo(terms.deadline);
    await listing.settle();
    const address = await listing.getAddress();
    const before = await token.balanceOf(await attacker.getAddress());
    await attacker.arm(
      address,
      listing.interface.encodeFunctionData("claimRefund", [id]),
    );
    await attacker.execute(
      address,
      listing.interface.encodeFunctionData("claimRefund", [id]),
    );
    await expectRejectedReentry(attacker, 0n);
    expect(await token.balanceOf(await attacker.getAddress())).to.equal(
      before + 100n * USDC,
    );
    expect(await token.balanceOf(address)).to.equal(0n);
    await expect(
      attacker.execute(
        address,
        listing.interface.encodeFunctionData("claimRefund", [id]),
      ),
    )
      .to.be.revertedWithCustomError(listing, "NothingToRefund")
      .withArgs(id);
  });

  it("an escrow or vault withdrawal re-entered from the receiver's hook pays once", async () => {
    const { listing, terms } = await createListing(sys);
    await attackerBuys(token, attacker, listing, 150n);
    await networkHelpers.time.increaseTo(terms.deadline);
    await listing.settle();
    await fulfil(sys, listing, 0n);
    await listing.finalize();
    const attackerAddress = await attacker.getAddress();
    const orderId = await listing.escrowOrderId();
    expect((await sys.escrow.order(orderId)).buyer).to.equal(attackerAddress);
    // The seller never ships: the winner takes P back, then withdraws it and tries to withdraw again from the hook.
    await networkHelpers.time.increaseTo(
      (await sys.escrow.order(orderId)).dueAt + 1n,
    );
    const escrow = await sys.escrow.getAddress();
    await attacker.execute(
      escrow,
      sys.escrow.interface.encodeFunctionData("refundUnshipped", [orderId]),
    );
    const before = await token.balanceOf(attackerAddress);
    const withdraw = sys.escrow.interface.encodeFunctionData("withdraw", [
      attackerAddress,
    ]);
    await attacker.arm(escrow, withdraw);
    await attacker.execute(escrow, withdraw);
    await expectRejectedReentry(attacker, 0n);
    expect(await token.balanceOf(attackerAddress)).to.equal(
      before + BigInt(terms.price),
    );
    expect(await token.balanceOf(escrow)).to.equal(
      await sys.escrow.totalHeld(),
    );
    expect(await sys.escrow.owedTo(attackerAddress)).to.equal(0n);

    // The attacker as a revenue recipient: the vault's withdraw cannot be re-entered either.
    await sys.vault.setRecipients([
      { account: attackerAddress, shareBps: 10_000n },
    ]);
    await sys.vault.collect(await listing.getAddress());
    const vault = await sys.vault.getAddress();
    const owed = await sys.vault.owedTo(attackerAddress);
    expect(owed).to.equal(150n * 10n * USDC - BigInt(terms.price));
    const vaultWithdraw = sys.vault.interface.encodeFunctionData("withdraw", [
      attackerAddress,
    ]);
    await attacker.arm(vault, vaultWithdraw);
    await attacker.execute(vault, vaultWithdraw);
    await expectRejectedReentry(attacker, 1n);
    expect(await token.balanceOf(vault)).to.equal(0n);
    expect(await sys.vault.totalOwed()).to.equal(0n);
  });

  it("bid tokens and deeds move without receiver callbacks, so a contract buyer has nothing to re-enter from", async () => {
    // ReentrantAccount implements no IERC721Receiver: a safe mint or safe transfer to it would revert.
    const { listing, terms } = await createListing(sys);
    const id = await attackerBuys(token, attacker, listing, 150n);
    expect(await sys.bidToken.ownerOf(id)).to.equal(
      await attacker.getAddress(),
    );
    await networkHelpers.time.increaseTo(terms.deadline);
    await listing.settle();
    await fulfil(sys, listing, 0n);
    await listing.finalize();
    const orderId = await listing.escrowOrderId();
    await attacker.execute(
      await sys.escrow.getAddress(),
      sys.escrow.interface.encodeFunctionData("release", [orderId]),
    );
    expect(await sys.deed.ownerOf(terms.deedId)).to.equal(
      await attacker.getAddress(),
    );
  });
});
