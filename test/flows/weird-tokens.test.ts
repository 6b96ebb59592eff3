import { expect } from "chai";
import {
  buy,
  createListing,
  DAY,
  deployFixture,
  deployWithToken,
  ethers,
  networkHelpers,
  openDirect,
  USDC,
} from "../fixtures.js";
import type { System } from "../fixtures.js";
import { FalseToken__factory, FeeToken__factory, MpBlacklistToken__factory } from "../../typechain-types/index.js";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

/** The system on a token that can be switched to answer transfers with `false`. */
async function falseTokenSystem() {
  const base = await deployFixture();
  const token = await new FalseToken__factory(base.admin).deploy();
  const sys = await deployWithToken(base, await token.getAddress());
  return { sys, token };
}

/** The system on a token that takes a fee on transfer once switched on. */
async function feeTokenSystem() {
  const base = await deployFixture();
  const token = await new FeeToken__factory(base.admin).deploy();
  const sys = await deployWithToken(base, await token.getAddress());
  return { sys, token };
}

/** The system on a token that blacklists accounts, as USDC does. */
async function blacklistSystem() {
  const base = await deployFixture();
  const token = await new MpBlacklistToken__factory(base.admin).deploy();
  const sys = await deployWithToken(base, await token.getAddress());
  return { sys, token };
}

const PRICE = 1_000n * USDC;

/** `buyer` opens a paid-in-full direct order with the seller, shipping within 10 days; returns its id. */
async function openOrder(sys: System, buyer: HardhatEthersSigner): Promise<bigint> {
  await (await openDirect(sys, { buyer, seller: sys.seller, amount: PRICE })).wait();
  return sys.escrow.orderCount();
}

describe("weird ERC-20s (A19)", () => {
  it("a token that answers false is treated as a failure: no stakes without payment, no refund lost", async () => {
    const { sys, token } = await networkHelpers.loadFixture(falseTokenSystem);
    const { listing, terms } = await createListing(sys);
    const address = await listing.getAddress();
    const id = await buy(sys, listing, sys.alice, 10n);

    await token.setFailing(true);
    await token.connect(sys.bob).approve(address, 100n * USDC);
    await expect(listing.connect(sys.bob).buy(0, 10))
      .to.be.revertedWithCustomError(listing, "SafeERC20FailedOperation")
      .withArgs(await token.getAddress());
    expect(await listing.sales()).to.deep.equal([10n, 1n]);

    await networkHelpers.time.increaseTo(terms.deadline);
    await listing.settle();
    // A refund the token refuses to pay reverts whole: the claim stays open instead of being marked paid.
    await expect(
      listing.connect(sys.alice).claimRefund(id),
    ).to.be.revertedWithCustomError(listing, "SafeERC20FailedOperation");
    expect(await listing.oddsOf(id)).to.deep.equal([10n, 10n]);
    await token.setFailing(false);
    await expect(
      listing.connect(sys.alice).claimRefund(id),
    ).to.changeTokenBalance(ethers, token, sys.alice, 100n * USDC);
    expect(await token.balanceOf(address)).to.equal(await listing.owed());
  });

  it("escrow: a token that answers false opens no order and pays no withdrawal, and the credit stays", async () => {
    const { sys, token } = await networkHelpers.loadFixture(falseTokenSystem);
    const orderId = await openOrder(sys, sys.alice);
    await sys.escrow.connect(sys.alice).release(orderId);
    await token.setFailing(true);
    await expect(openDirect(sys, { buyer: sys.bob, seller: sys.seller, amount: PRICE }))
      .to.be.revertedWithCustomError(sys.escrow, "SafeERC20FailedOperation")
      .withArgs(await token.getAddress());
    await expect(sys.escrow.connect(sys.seller).withdraw(sys.seller.address))
      .to.be.revertedWithCustomError(sys.escrow, "SafeERC20FailedOperation")
      .withArgs(await token.getAddress());
    expect(await sys.escrow.owedTo(sys.seller.address)).to.equal(PRICE);
    await token.setFailing(false);
    await expect(sys.escrow.connect(sys.seller).withdraw(sys.seller.address)).to.changeTokenBalance(
      ethers,
      token,
      sys.seller,
      PRICE,
    );
    expect(await token.balanceOf(await sys.escrow.getAddress())).to.equal(await sys.escrow.totalHeld());
  });

  it("escrow: a fee-on-transfer token is rejected on every pull, so the books are never short", async () => {
    const { sys, token } = await networkHelpers.loadFixture(feeTokenSystem);
    const orderId = await openOrder(sys, sys.alice); // no fee yet
    await token.setFeeBps(100); // 1%
    await expect(openDirect(sys, { buyer: sys.bob, seller: sys.seller, amount: PRICE }))
      .to.be.revertedWithCustomError(sys.escrow, "TransferAmountMismatch")
      .withArgs(PRICE, PRICE - PRICE / 100n);
    await sys.usdc.connect(sys.bob).approve(await sys.escrow.getAddress(), PRICE);
    await expect(openDirect(sys, { buyer: sys.bob, seller: sys.seller, amount: PRICE, upfrontBps: 1_000n, approve: false }))
      .to.be.revertedWithCustomError(sys.escrow, "TransferAmountMismatch")
      .withArgs(PRICE / 10n, PRICE / 10n - PRICE / 1_000n);
    // What is already held stays exact and can leave (the fee is the receiver's loss, not the books').
    expect(await token.balanceOf(await sys.escrow.getAddress())).to.equal(await sys.escrow.totalHeld());
    await sys.escrow.connect(sys.alice).release(orderId);
    await expect(sys.escrow.connect(sys.seller).withdraw(sys.seller.address)).to.changeTokenBalance(
      ethers,
      token,
      sys.seller,
      PRICE - PRICE / 100n,
    );
    expect(await sys.escrow.totalHeld()).to.equal(0n);
    expect(await token.balanceOf(await sys.escrow.getAddress())).to.equal(0n);
  });

  it("bid token and membership: a fee-on-transfer top-up or reward funding is refused, the books stay exact", async () => {
    const { sys, token } = await networkHelpers.loadFixture(feeTokenSystem);
    const { listing } = await createListing(sys);
    const a = await buy(sys, listing, sys.alice, 1n); // no fee yet
    await token.setFeeBps(100);
    await sys.usdc.connect(sys.alice).approve(await sys.bidToken.getAddress(), 100n * USDC);
    await expect(sys.bidToken.connect(sys.alice).topUp(a, 100n * USDC))
      .to.be.revertedWithCustomError(sys.bidToken, "TransferAmountMismatch")
      .withArgs(100n * USDC, 99n * USDC);
    await sys.usdc.connect(sys.alice).approve(await sys.membership.getAddress(), 100n * USDC);
    await expect(sys.membership.connect(sys.alice).fundRewards(100n * USDC))
      .to.be.revertedWithCustomError(sys.membership, "TransferAmountMismatch")
      .withArgs(100n * USDC, 99n * USDC);
    expect(await sys.bidToken.creditOf(a)).to.equal(0n);
    expect(await token.balanceOf(await sys.bidToken.getAddress())).to.equal(0n);
  });

  it("escrow: a token that blacklists the seller blocks only the seller's own wallet (A9)", async () => {
    const { sys, token } = await networkHelpers.loadFixture(blacklistSystem);
    const paid = await openOrder(sys, sys.alice);
    const unshipped = await openOrder(sys, sys.bob);
    const split = await openOrder(sys, sys.carol);
    await token.setBlacklisted(sys.seller.address, true);
    // Disputed while the ship-by clock runs (a dispute after it would come too late).
    await sys.escrow.connect(sys.carol).openDispute(split);
    await sys.escrow.connect(sys.alice).release(paid);
    // The buyer's refund is untouched by the seller's blacklisting.
    await networkHelpers.time.increase(11 * DAY);
    await sys.escrow.connect(sys.bob).refundUnshipped(unshipped);
    await expect(sys.escrow.connect(sys.bob).withdraw(sys.bob.address)).to.changeTokenBalance(ethers, token, sys.bob, PRICE);
    // Another party's share of an order with the blacklisted seller is withdrawn as well.
    await sys.escrow.connect(sys.carol).vote(split, 3, 5_000);
    await sys.escrow.connect(sys.seller).vote(split, 3, 5_000);
    await expect(sys.escrow.connect(sys.carol).withdraw(sys.carol.address)).to.changeTokenBalance(
      ethers,
      token,
      sys.carol,
      PRICE / 2n,
    );
    // The seller cannot receive at its own address, keeps its credit, and can take it elsewhere.
    await expect(sys.escrow.connect(sys.seller).withdraw(sys.seller.address))
      .to.be.revertedWithCustomError(token, "MpBlacklisted")
      .withArgs(sys.seller.address);
    expect(await sys.escrow.owedTo(sys.seller.address)).to.equal(PRICE + PRICE / 2n);
    await expect(sys.escrow.connect(sys.seller).withdraw(sys.dave.address)).to.changeTokenBalance(
      ethers,
      token,
      sys.dave,
      PRICE + PRICE / 2n,
    );
    expect(await sys.escrow.totalHeld()).to.equal(0n);
    expect(await token.balanceOf(await sys.escrow.getAddress())).to.equal(0n);
  });
});
