import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  DAY,
  deployFixture,
  ethers,
  networkHelpers,
  openDirect,
  USDC,
} from "../fixtures.js";
import type { System } from "../fixtures.js";
import { drawnListing, latest } from "../helpers.js";
import {
  AssetDeed__factory,
  BidToken__factory,
  DeliveryEscrow__factory,
  Listing__factory,
  Marketplace__factory,
  MockMembership__factory,
  RevenueVault__factory,
} from "../../typechain-types/index.js";
import { escrowDomain, RELEASE_TYPES, releaseValue, signRelease } from "../../scripts/lib/authorization.js";
import { signOffer } from "../../scripts/lib/offer.js";
import type { OfferTerms } from "../../scripts/lib/offer.js";

const OrderStatus = {
  None: 0n,
  AwaitingDraw: 1n,
  AwaitingShipment: 2n,
  Shipped: 3n,
  Released: 4n,
  Refunded: 5n,
  Voided: 6n,
  Disputed: 7n,
  Suspended: 8n,
  Split: 9n,
  CashedOut: 10n,
};
const Method = { Buyer: 0n, Signature: 1n, Code: 2n, Unchallenged: 3n, Dispute: 4n, DisputeExpired: 5n };
const Outcome = { None: 0n, Release: 1n, Refund: 2n, Split: 3n };
const Party = { None: 0n, Buyer: 1n, Seller: 2n, Both: 3n };
const Reason = {
  ShipByMissed: 1n,
  Suspended: 2n,
  DisputeRefund: 3n,
  DisputeSplit: 4n,
  CashOption: 5n,
  DisputeExpired: 6n,
  BalanceUnpaid: 7n,
};
const PRICE = 1_000n * USDC;
/** cancelByPolicy's refund in full to the buyer's balance. */
const WALLET = { mode: 0, feeBps: 0, creditTokenId: 0 };
/** A 32-byte (256-bit) one-time code and its commitment. */
const CODE = ethers.hexlify(ethers.randomBytes(32));
const CODE_HASH = ethers.keccak256(CODE);

/** A listing run to a drawn winner (alice holds every stake); returns the order id and terms. */
const drawn = (sys: System) => drawnListing(sys);

interface DirectOptions {
  buyer?: HardhatEthersSigner;
  amount?: bigint;
  upfrontBps?: bigint;
  code?: boolean;
  shipIn?: bigint;
}

/**
 * The buyer (alice) opens a direct order from the seller's signed offer: P = 1,000 USDC, ship within 10 days, paid in
 * full.
 */
async function direct(sys: System, o: DirectOptions = {}) {
  const code = o.code ?? true;
  const tx = await openDirect(sys, {
    buyer: o.buyer ?? sys.alice,
    seller: sys.seller,
    amount: o.amount ?? PRICE,
    shipWindow: o.shipIn ?? BigInt(10 * DAY),
    upfrontBps: o.upfrontBps,
    codeHash: code ? CODE_HASH : ethers.ZeroHash,
    codeLength: code ? 32 : 0,
  });
  const receipt = (await tx.wait())!;
  const opened = receipt.logs
    .map((l) => sys.escrow.interface.parseLog(l))
    .find((e) => e?.name === "DirectOrderOpened")!;
  return { orderId: opened.args.orderId as bigint, shipBy: opened.args.shipBy as bigint, tx };
}

/** The seller's signed offer with the given terms (defaults: P, 10 days, in full, any buyer, valid one hour). */
async function offer(sys: System, terms: Partial<OfferTerms> = {}, seller = sys.seller) {
  return signOffer(sys.escrow, seller, {
    amount: PRICE,
    shipWindow: BigInt(10 * DAY),
    expiry: (await latest()) + 3_600n,
    nonce: BigInt(ethers.hexlify(ethers.randomBytes(8))),
    ...terms,
  });
}

/** Token balance of the escrow equals its books, and the books equal open orders' paid parts plus credits. */
async function expectBooks(sys: System, accounts: HardhatEthersSigner[] = []) {
  const escrow = await sys.escrow.getAddress();
  const held = await sys.escrow.totalHeld();
  expect(await sys.usdc.balanceOf(escrow)).to.equal(held);
  let expected = 0n;
  for (let id = 1n; id <= (await sys.escrow.orderCount()); id++) {
    const o = await sys.escrow.order(id);
    if ([OrderStatus.AwaitingDraw, OrderStatus.AwaitingShipment, OrderStatus.Shipped, OrderStatus.Disputed, OrderStatus.Suspended].includes(o.status)) {
      expected += o.paid;
    }
  }
  const parties = [sys.seller, sys.alice, sys.bob, sys.carol, sys.dave, sys.stranger, ...accounts];
  for (const a of new Set(parties.map((p) => p.address))) expected += await sys.escrow.owedTo(a);
  expect(held).to.equal(expected);
}

describe("DeliveryEscrow (unit)", () => {
  let sys: System;
  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(deployFixture);
  });

  describe("settlement orders", () => {
    it("only listings open, assign and void orders", async () => {
      await expect(sys.escrow.connect(sys.stranger).openSettlementOrder(sys.seller.address, 1, 1))
        .to.be.revertedWithCustomError(sys.escrow, "NotAListing")
        .withArgs(sys.stranger.address);
      await expect(sys.escrow.connect(sys.stranger).assignBuyer(sys.stranger.address))
        .to.be.revertedWithCustomError(sys.escrow, "NoOrderForListing")
        .withArgs(sys.stranger.address);
      await expect(sys.escrow.connect(sys.stranger).voidOrder())
        .to.be.revertedWithCustomError(sys.escrow, "NoOrderForListing")
        .withArgs(sys.stranger.address);
    });

    it("holds P and the deed from settlement, assigns the winner with a ship-by time", async () => {
      const { listing, terms, orderId } = await drawn(sys);
      const order = await sys.escrow.order(orderId);
      expect(order.buyer).to.equal(sys.alice.address);
      expect(order.seller).to.equal(sys.seller.address);
      expect(order.amount).to.equal(terms.price);
      expect(order.paid).to.equal(terms.price);
      expect(order.listing).to.equal(await listing.getAddress());
      expect(order.status).to.equal(OrderStatus.AwaitingShipment);
      expect(order.dueAt).to.equal((await latest()) + (await sys.escrow.shipWindow()));
      expect(await sys.escrow.orderOfListing(await listing.getAddress())).to.equal(orderId);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(await sys.escrow.getAddress());
      await expectBooks(sys);
    });

    it("the seller ships before ship-by, the winner releases, the seller withdraws once", async () => {
      const { terms, orderId } = await drawn(sys);
      await expect(sys.escrow.connect(sys.stranger).markShipped(orderId, ethers.id("trk")))
        .to.be.revertedWithCustomError(sys.escrow, "NotSeller")
        .withArgs(orderId, sys.stranger.address);
      await expect(sys.escrow.connect(sys.seller).markShipped(orderId, ethers.ZeroHash)).to.be.revertedWithCustomError(
        sys.escrow,
        "InvalidOrder",
      );
      const shippedAt = (await latest()) + 10n;
      const confirmBy = shippedAt + (await sys.escrow.confirmWindow());
      await networkHelpers.time.setNextBlockTimestamp(shippedAt);
      await expect(sys.escrow.connect(sys.seller).markShipped(orderId, ethers.id("trk")))
        .to.emit(sys.escrow, "OrderShipped")
        .withArgs(orderId, ethers.id("trk"), confirmBy);
      await expect(sys.escrow.connect(sys.seller).release(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "NotBuyer")
        .withArgs(orderId, sys.seller.address);
      await expect(sys.escrow.connect(sys.alice).refundUnshipped(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "WrongOrderStatus")
        .withArgs(orderId, OrderStatus.Shipped);
      await expect(sys.escrow.connect(sys.alice).release(orderId))
        .to.emit(sys.escrow, "OrderReleased")
        .withArgs(orderId, sys.seller.address, terms.price, Method.Buyer);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.alice.address);
      await expect(sys.escrow.connect(sys.alice).release(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "WrongOrderStatus")
        .withArgs(orderId, OrderStatus.Released);
      await expect(sys.escrow.connect(sys.seller).withdraw(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        sys.escrow,
        "ZeroAddress",
      );
      // Withdrawing to another address: a seller whose own address is blacklisted can still be paid (A9).
      await expect(sys.escrow.connect(sys.seller).withdraw(sys.dave.address)).to.changeTokenBalance(
        ethers,
        sys.usdc,
        sys.dave,
        terms.price,
      );
      await expect(sys.escrow.connect(sys.seller).withdraw(sys.seller.address))
        .to.be.revertedWithCustomError(sys.escrow, "NothingToWithdraw")
        .withArgs(sys.seller.address);
      expect(await sys.escrow.totalHeld()).to.equal(0n);
    });

    it("the winner commits a code after the draw and the seller releases with it: deed to the winner", async () => {
      const { terms, orderId } = await drawn(sys);
      await expect(sys.escrow.connect(sys.seller).commitCode(orderId, CODE_HASH, 32))
        .to.be.revertedWithCustomError(sys.escrow, "NotBuyer")
        .withArgs(orderId, sys.seller.address);
      await expect(sys.escrow.connect(sys.seller).releaseWithCode(orderId, CODE))
        .to.be.revertedWithCustomError(sys.escrow, "NoCodeCommitted")
        .withArgs(orderId);
      await expect(sys.escrow.connect(sys.alice).commitCode(orderId, ethers.ZeroHash, 32)).to.be.revertedWithCustomError(
        sys.escrow,
        "InvalidCodeHash",
      );
      await expect(sys.escrow.connect(sys.alice).commitCode(orderId, CODE_HASH, 32))
        .to.emit(sys.escrow, "CodeCommitted")
        .withArgs(orderId, CODE_HASH, 32);
      await expect(sys.escrow.connect(sys.seller).releaseWithCode(orderId, CODE))
        .to.emit(sys.escrow, "OrderReleased")
        .withArgs(orderId, sys.seller.address, terms.price, Method.Code);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.alice.address);
      expect(await sys.escrow.owedTo(sys.seller.address)).to.equal(terms.price);
      await expectBooks(sys);
    });

    it("the ship window is an operator setting within 1 … 180 days, snapshotted per order", async () => {
      const role = await sys.escrow.OPERATOR_ROLE();
      await expect(sys.escrow.connect(sys.stranger).setShipWindow(10 * DAY))
        .to.be.revertedWithCustomError(sys.marketplace, "AccessControlUnauthorizedAccount")
        .withArgs(sys.stranger.address, role);
      await expect(sys.escrow.setShipWindow(DAY - 1))
        .to.be.revertedWithCustomError(sys.escrow, "WindowOutOfRange")
        .withArgs(DAY - 1, DAY, 180 * DAY);
      await expect(sys.escrow.setShipWindow(180 * DAY + 1))
        .to.be.revertedWithCustomError(sys.escrow, "WindowOutOfRange")
        .withArgs(180 * DAY + 1, DAY, 180 * DAY);
      await expect(sys.escrow.setShipWindow(10 * DAY))
        .to.emit(sys.escrow, "ShipWindowSet")
        .withArgs(10 * DAY);
      const { orderId } = await drawn(sys);
      await sys.escrow.setShipWindow(100 * DAY);
      const order = await sys.escrow.order(orderId);
      expect(order.dueAt).to.be.lessThanOrEqual((await latest()) + BigInt(10 * DAY));
    });
  });

  describe("cash option", () => {
    it("the winner takes P in cash: the deed returns to the seller, who is not paid, and the books stay exact", async () => {
      const { terms, orderId } = await drawn(sys);
      await expect(sys.escrow.connect(sys.seller).takeCash(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "NotBuyer")
        .withArgs(orderId, sys.seller.address);
      await expect(sys.escrow.connect(sys.alice).takeCash(orderId))
        .to.emit(sys.escrow, "OrderRefunded")
        .withArgs(orderId, sys.alice.address, terms.price, Party.None, Reason.CashOption);
      expect((await sys.escrow.order(orderId)).status).to.equal(OrderStatus.CashedOut);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.seller.address);
      expect(await sys.escrow.owedTo(sys.seller.address)).to.equal(0n);
      expect(await sys.escrow.owedTo(sys.alice.address)).to.equal(terms.price);
      await expectBooks(sys);
      await expect(sys.escrow.connect(sys.alice).release(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "WrongOrderStatus")
        .withArgs(orderId, OrderStatus.CashedOut);
      await expect(sys.escrow.connect(sys.alice).withdraw(sys.alice.address)).to.changeTokenBalance(
        ethers,
        sys.usdc,
        sys.alice,
        terms.price,
      );
      expect(await sys.escrow.totalHeld()).to.equal(0n);
    });

    it("is for settlement orders only, before release and outside disputes", async () => {
      const { orderId } = await direct(sys);
      await expect(sys.escrow.connect(sys.alice).takeCash(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "NotASettlementOrder")
        .withArgs(orderId);
      const won = await drawn(sys);
      await sys.escrow.connect(sys.seller).openDispute(won.orderId);
      await expect(sys.escrow.connect(sys.alice).takeCash(won.orderId))
        .to.be.revertedWithCustomError(sys.escrow, "WrongOrderStatus")
        .withArgs(won.orderId, OrderStatus.Disputed);
    });
  });

  describe("direct orders and deposits", () => {
    it("validates the order at opening, including a code shorter than 128 bits", async () => {
      const e = sys.escrow.connect(sys.alice);
      const open = async (terms: Partial<OfferTerms>, seller = sys.seller) => {
        const o = await offer(sys, terms, seller);
        return e.openOrder(o.offer, o.signature, ethers.ZeroHash, 0);
      };
      // A seller equal to the buyer (alice signs her own offer), a zero amount.
      await expect(open({}, sys.alice)).to.be.revertedWithCustomError(sys.escrow, "InvalidOrder");
      await expect(open({ amount: 0n })).to.be.revertedWithCustomError(sys.escrow, "InvalidOrder");
      await expect(open({ amount: 2n ** 96n }))
        .to.be.revertedWithCustomError(sys.escrow, "AmountTooLarge")
        .withArgs(2n ** 96n);
      await expect(open({ shipWindow: BigInt(180 * DAY) + 1n }))
        .to.be.revertedWithCustomError(sys.escrow, "ShipWindowOutOfRange")
        .withArgs(BigInt(180 * DAY) + 1n, BigInt(180 * DAY));
      await expect(open({ shipWindow: 0n }))
        .to.be.revertedWithCustomError(sys.escrow, "ShipWindowOutOfRange")
        .withArgs(0n, BigInt(180 * DAY));
      await expect(open({ upfrontBps: 0n })).to.be.revertedWithCustomError(sys.escrow, "UpfrontShareOutOfRange").withArgs(0);
      await expect(open({ upfrontBps: 10_001n }))
        .to.be.revertedWithCustomError(sys.escrow, "UpfrontShareOutOfRange")
        .withArgs(10_001);
      await expect(open({ amount: 9n, upfrontBps: 1_000n }))
        .to.be.revertedWithCustomError(sys.escrow, "UpfrontShareOutOfRange")
        .withArgs(1_000);
      // A 15-byte (120-bit) code: its public hash would be searched off chain, so it is refused at commit.
      const short = await offer(sys);
      await expect(e.openOrder(short.offer, short.signature, CODE_HASH, 15))
        .to.be.revertedWithCustomError(sys.escrow, "CodeTooShort")
        .withArgs(15, 16);
      const { orderId } = await direct(sys, { code: false });
      await expect(sys.escrow.connect(sys.alice).commitCode(orderId, CODE_HASH, 8))
        .to.be.revertedWithCustomError(sys.escrow, "CodeTooShort")
        .withArgs(8, 16);
    });

    it("opens a paid-in-full order: the price moves into the escrow, events carry the terms", async () => {
      await sys.usdc.connect(sys.alice).approve(await sys.escrow.getAddress(), PRICE);
      const signed = await offer(sys, { item: ethers.id("item:lamp") });
      const shipBy = (await latest()) + 1n + BigInt(10 * DAY);
      await networkHelpers.time.setNextBlockTimestamp(shipBy - BigInt(10 * DAY));
      const tx = sys.escrow.connect(sys.alice).openOrder(signed.offer, signed.signature, CODE_HASH, 32);
      await expect(tx).to.changeTokenBalances(ethers, sys.usdc, [sys.alice, sys.escrow], [-PRICE, PRICE]);
      await expect(tx)
        .to.emit(sys.escrow, "DirectOrderOpened")
        .withArgs(1n, sys.alice.address, sys.seller.address, PRICE, PRICE, shipBy)
        .and.to.emit(sys.escrow, "OfferTaken")
        .withArgs(1n, sys.seller.address, signed.offer.nonce, ethers.id("item:lamp"))
        .and.to.emit(sys.escrow, "CodeCommitted")
        .withArgs(1n, CODE_HASH, 32);
      const o = await sys.escrow.order(1n);
      expect([o.buyer, o.seller, o.amount, o.paid, o.listing, o.status, o.dueAt, o.codeHash, o.codeLength]).to.deep.equal([
        sys.alice.address,
        sys.seller.address,
        PRICE,
        PRICE,
        ethers.ZeroAddress,
        OrderStatus.AwaitingShipment,
        shipBy,
        CODE_HASH,
        32n,
      ]);
      await expectBooks(sys);
    });

    it("a deposit order: the deposit rounds down, the balance is due before any release, then the seller is paid", async () => {
      const amount = PRICE + 1n; // 10% of it is 100.0000001 USDC: the deposit rounds down to 100 USDC
      const { orderId } = await direct(sys, { amount, upfrontBps: 1_000n });
      const deposit = 100n * USDC;
      expect((await sys.escrow.order(orderId)).paid).to.equal(deposit);
      expect(await sys.usdc.balanceOf(await sys.escrow.getAddress())).to.equal(deposit);
      await expect(sys.escrow.connect(sys.alice).release(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "BalanceDue")
        .withArgs(orderId, amount - deposit);
      await expect(sys.escrow.connect(sys.seller).releaseWithCode(orderId, CODE))
        .to.be.revertedWithCustomError(sys.escrow, "BalanceDue")
        .withArgs(orderId, amount - deposit);
      const deadline = (await latest()) + 3_600n;
      const signature = await signRelease(sys.escrow, sys.alice, orderId, deadline);
      await expect(sys.escrow.connect(sys.seller).releaseWithSignature(orderId, deadline, signature))
        .to.be.revertedWithCustomError(sys.escrow, "BalanceDue")
        .withArgs(orderId, amount - deposit);
      await expect(sys.escrow.connect(sys.bob).payBalance(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "NotBuyer")
        .withArgs(orderId, sys.bob.address);
      await sys.usdc.connect(sys.alice).approve(await sys.escrow.getAddress(), amount - deposit);
      const paying = sys.escrow.connect(sys.alice).payBalance(orderId);
      await expect(paying).to.emit(sys.escrow, "BalancePaid").withArgs(orderId, amount - deposit);
      await expect(paying).to.changeTokenBalance(ethers, sys.usdc, sys.alice, deposit - amount);
      await expect(sys.escrow.connect(sys.alice).payBalance(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "NothingDue")
        .withArgs(orderId);
      await expect(sys.escrow.connect(sys.seller).releaseWithSignature(orderId, deadline, signature))
        .to.emit(sys.escrow, "OrderReleased")
        .withArgs(orderId, sys.seller.address, amount, Method.Signature);
      await expect(sys.escrow.connect(sys.seller).withdraw(sys.seller.address)).to.changeTokenBalance(
        ethers,
        sys.usdc,
        sys.seller,
        amount,
      );
      await expectBooks(sys);
      expect(await sys.escrow.totalHeld()).to.equal(0n);
    });

    it("a deposit order the seller never ships refunds only the deposit", async () => {
      const { orderId, shipBy } = await direct(sys, { upfrontBps: 1_000n });
      const before = await sys.usdc.balanceOf(sys.alice.address);
      await expect(sys.escrow.connect(sys.alice).refundUnshipped(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "ShipByNotPassed")
        .withArgs(orderId, shipBy);
      await networkHelpers.time.increaseTo(shipBy + 1n);
      await expect(sys.escrow.connect(sys.seller).markShipped(orderId, ethers.id("late")))
        .to.be.revertedWithCustomError(sys.escrow, "ShipByPassed")
        .withArgs(orderId, shipBy);
      // Permissionless: anyone (a keeper) ends it, and the refund is the buyer's.
      await expect(sys.escrow.connect(sys.bob).refundUnshipped(orderId))
        .to.emit(sys.escrow, "OrderRefunded")
        .withArgs(orderId, sys.alice.address, 100n * USDC, Party.Seller, Reason.ShipByMissed);
      await sys.escrow.connect(sys.alice).withdraw(sys.alice.address);
      expect(await sys.usdc.balanceOf(sys.alice.address)).to.equal(before + 100n * USDC);
      // Release after refund (A5): every release path sees a closed order.
      await expect(sys.escrow.connect(sys.alice).release(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "WrongOrderStatus")
        .withArgs(orderId, OrderStatus.Refunded);
      await expect(sys.escrow.connect(sys.seller).releaseWithCode(orderId, CODE))
        .to.be.revertedWithCustomError(sys.escrow, "WrongOrderStatus")
        .withArgs(orderId, OrderStatus.Refunded);
      await expect(sys.escrow.connect(sys.alice).withdraw(sys.alice.address))
        .to.be.revertedWithCustomError(sys.escrow, "NothingToWithdraw")
        .withArgs(sys.alice.address);
      await expectBooks(sys);
    });
  });

  describe("EIP-712 authorization (A18)", () => {
    let orderId: bigint;
    let deadline: bigint;
    beforeEach(async () => {
      ({ orderId } = await direct(sys));
      deadline = (await latest()) + 3_600n;
    });

    it("the seller submits the buyer's signature: the seller is owed the price", async () => {
      const signature = await signRelease(sys.escrow, sys.alice, orderId, deadline);
      const digest = ethers.TypedDataEncoder.hash(
        await escrowDomain(sys.escrow),
        RELEASE_TYPES,
        await releaseValue(sys.escrow, orderId, deadline),
      );
      expect(await sys.escrow.authorizationDigest(orderId, deadline)).to.equal(digest);
      await expect(sys.escrow.connect(sys.seller).releaseWithSignature(orderId, deadline, signature))
        .to.emit(sys.escrow, "OrderReleased")
        .withArgs(orderId, sys.seller.address, PRICE, Method.Signature);
      expect(await sys.escrow.owedTo(sys.seller.address)).to.equal(PRICE);
      // Replayed signature: the order is closed.
      await expect(sys.escrow.connect(sys.seller).releaseWithSignature(orderId, deadline, signature))
        .to.be.revertedWithCustomError(sys.escrow, "WrongOrderStatus")
        .withArgs(orderId, OrderStatus.Released);
      await expectBooks(sys);
    });

    it("a delivery agent the seller named may submit it; strangers may not", async () => {
      const signature = await signRelease(sys.escrow, sys.alice, orderId, deadline);
      await expect(sys.escrow.connect(sys.dave).releaseWithSignature(orderId, deadline, signature))
        .to.be.revertedWithCustomError(sys.escrow, "NotSellerOrAgent")
        .withArgs(orderId, sys.dave.address);
      await expect(sys.escrow.connect(sys.seller).setDeliveryAgent(sys.dave.address, true))
        .to.emit(sys.escrow, "DeliveryAgentSet")
        .withArgs(sys.seller.address, sys.dave.address, true);
      expect(await sys.escrow.isDeliveryAgent(sys.seller.address, sys.dave.address)).to.equal(true);
      await expect(sys.escrow.connect(sys.dave).releaseWithSignature(orderId, deadline, signature))
        .to.emit(sys.escrow, "OrderReleased")
        .withArgs(orderId, sys.seller.address, PRICE, Method.Signature);
      // The agent delivers; the money is the seller's.
      expect(await sys.escrow.owedTo(sys.seller.address)).to.equal(PRICE);
      expect(await sys.escrow.owedTo(sys.dave.address)).to.equal(0n);
    });

    it("rejects a signature for another order, chain or escrow, by the seller, expired, revoked or malleable", async () => {
      const release = (sig: string, d = deadline) => sys.escrow.connect(sys.seller).releaseWithSignature(orderId, d, sig);
      const invalid = async (sig: string) =>
        expect(release(sig)).to.be.revertedWithCustomError(sys.escrow, "InvalidAuthorization").withArgs(orderId, sys.alice.address);
      const domain = await escrowDomain(sys.escrow);
      const value = await releaseValue(sys.escrow, orderId, deadline);
      // Another order of the same buyer and seller.
      const other = await direct(sys);
      await invalid(await signRelease(sys.escrow, sys.alice, other.orderId, deadline));
      // Another chain id.
      await invalid(await sys.alice.signTypedData({ ...domain, chainId: 1n }, RELEASE_TYPES, value));
      // Another escrow (a second deployment with the same name and version).
      const twin = await new DeliveryEscrow__factory(sys.admin).deploy(
        await sys.marketplace.getAddress(),
        await sys.usdc.getAddress(),
        await sys.deed.getAddress(),
      );
      await invalid(await sys.alice.signTypedData(await escrowDomain(twin), RELEASE_TYPES, value));
      // Signed by the seller instead of the buyer.
      await invalid(await sys.seller.signTypedData(domain, RELEASE_TYPES, value));
      // Another amount than the order's.
      await invalid(await sys.alice.signTypedData(domain, RELEASE_TYPES, { ...value, amount: PRICE - 1n }));
      // The malleable twin of a valid signature (s → n − s, v flipped): ECDSA rejects high s.
      const good = ethers.Signature.from(await sys.alice.signTypedData(domain, RELEASE_TYPES, value));
      const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
      await invalid(ethers.concat([good.r, ethers.toBeHex(n - BigInt(good.s), 32), good.v === 27 ? "0x1c" : "0x1b"]));
      // Expired.
      await networkHelpers.time.setNextBlockTimestamp(deadline + 1n);
      await expect(release(good.serialized))
        .to.be.revertedWithCustomError(sys.escrow, "AuthorizationExpired")
        .withArgs(deadline, deadline + 1n);
      // Revoked by the buyer before use.
      const later = deadline + 3_600n;
      const fresh = await signRelease(sys.escrow, sys.alice, orderId, later);
      await expect(sys.escrow.connect(sys.bob).revokeAuthorizations(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "NotBuyer")
        .withArgs(orderId, sys.bob.address);
      await expect(sys.escrow.connect(sys.alice).revokeAuthorizations(orderId))
        .to.emit(sys.escrow, "AuthorizationsRevoked")
        .withArgs(orderId, 1n);
      await expect(release(fresh, later)).to.be.revertedWithCustomError(sys.escrow, "InvalidAuthorization");
      expect((await sys.escrow.order(orderId)).status).to.equal(OrderStatus.AwaitingShipment);
      await expectBooks(sys);
    });
  });

  describe("one-time code", () => {
    it("the right code releases; a code of the right bytes but another length does not", async () => {
      const { orderId } = await direct(sys);
      expect(await sys.escrow.connect(sys.seller).releaseWithCode.staticCall(orderId, CODE)).to.equal(true);
      await expect(sys.escrow.connect(sys.stranger).releaseWithCode(orderId, CODE))
        .to.be.revertedWithCustomError(sys.escrow, "NotSellerOrAgent")
        .withArgs(orderId, sys.stranger.address);
      await expect(sys.escrow.connect(sys.seller).releaseWithCode(orderId, ethers.dataSlice(CODE, 0, 31)))
        .to.emit(sys.escrow, "AuthorizationFailed")
        .withArgs(orderId, 1);
      await expect(sys.escrow.connect(sys.seller).releaseWithCode(orderId, CODE))
        .to.emit(sys.escrow, "OrderReleased")
        .withArgs(orderId, sys.seller.address, PRICE, Method.Code);
      expect(await sys.escrow.owedTo(sys.seller.address)).to.equal(PRICE);
      await expectBooks(sys);
    });

    it("counts brute-force attempts without reverting, suspends at K, and anyone refunds the buyer after the period", async () => {
      await expect(sys.escrow.connect(sys.stranger).setCodePolicy(3, 2 * DAY))
        .to.be.revertedWithCustomError(sys.marketplace, "AccessControlUnauthorizedAccount")
        .withArgs(sys.stranger.address, ethers.ZeroHash);
      await expect(sys.escrow.setCodePolicy(0, 2 * DAY))
        .to.be.revertedWithCustomError(sys.escrow, "MaxAttemptsOutOfRange")
        .withArgs(0);
      await expect(sys.escrow.setCodePolicy(21, 2 * DAY))
        .to.be.revertedWithCustomError(sys.escrow, "MaxAttemptsOutOfRange")
        .withArgs(21);
      await expect(sys.escrow.setCodePolicy(3, 91 * DAY))
        .to.be.revertedWithCustomError(sys.escrow, "WindowOutOfRange")
        .withArgs(91 * DAY, DAY, 90 * DAY);
      await expect(sys.escrow.setCodePolicy(3, 2 * DAY)).to.emit(sys.escrow, "CodePolicySet").withArgs(3, 2 * DAY);
      expect(await sys.escrow.codePolicy()).to.deep.equal([3n, BigInt(2 * DAY)]);

      const { orderId } = await direct(sys);
      const guess = (i: number) => ethers.zeroPadValue(ethers.toBeHex(i), 32);
      for (const i of [1, 2]) {
        expect(await sys.escrow.connect(sys.seller).releaseWithCode.staticCall(orderId, guess(i))).to.equal(false);
        await expect(sys.escrow.connect(sys.seller).releaseWithCode(orderId, guess(i)))
          .to.emit(sys.escrow, "AuthorizationFailed")
          .withArgs(orderId, i)
          .and.not.to.emit(sys.escrow, "OrderSuspended");
      }
      const suspendedAt = (await latest()) + 10n;
      const refundableAt = suspendedAt + BigInt(2 * DAY);
      await networkHelpers.time.setNextBlockTimestamp(suspendedAt);
      await expect(sys.escrow.connect(sys.seller).releaseWithCode(orderId, guess(3)))
        .to.emit(sys.escrow, "OrderSuspended")
        .withArgs(orderId, refundableAt);
      const o = await sys.escrow.order(orderId);
      expect([o.status, o.failedAttempts, o.dueAt]).to.deep.equal([OrderStatus.Suspended, 3n, refundableAt]);
      // Even the right code is refused now.
      await expect(sys.escrow.connect(sys.seller).releaseWithCode(orderId, CODE))
        .to.be.revertedWithCustomError(sys.escrow, "WrongOrderStatus")
        .withArgs(orderId, OrderStatus.Suspended);
      await expect(sys.escrow.connect(sys.stranger).refundSuspended(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "SuspensionNotOver")
        .withArgs(orderId, refundableAt);
      await networkHelpers.time.increaseTo(refundableAt);
      await expect(sys.escrow.connect(sys.stranger).refundSuspended(orderId))
        .to.emit(sys.escrow, "OrderRefunded")
        .withArgs(orderId, sys.alice.address, PRICE, Party.Seller, Reason.Suspended);
      await expect(sys.escrow.connect(sys.alice).withdraw(sys.alice.address)).to.changeTokenBalance(
        ethers,
        sys.usdc,
        sys.alice,
        PRICE,
      );
      await expect(sys.escrow.connect(sys.stranger).refundSuspended(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "WrongOrderStatus")
        .withArgs(orderId, OrderStatus.Refunded);
      await expectBooks(sys);
    });

    it("a suspended order can still be released by its buyer or disputed by its seller", async () => {
      await sys.escrow.setCodePolicy(1, DAY);
      const { orderId } = await direct(sys);
      await sys.escrow.connect(sys.seller).releaseWithCode(orderId, "0x" + "00".repeat(32));
      expect((await sys.escrow.order(orderId)).status).to.equal(OrderStatus.Suspended);
      await expect(sys.escrow.connect(sys.alice).release(orderId))
        .to.emit(sys.escrow, "OrderReleased")
        .withArgs(orderId, sys.seller.address, PRICE, Method.Buyer);
      const second = await direct(sys);
      await sys.escrow.connect(sys.seller).releaseWithCode(second.orderId, "0x" + "00".repeat(32));
      await expect(sys.escrow.connect(sys.seller).openDispute(second.orderId))
        .to.emit(sys.escrow, "DisputeOpened")
        .withArgs(second.orderId, sys.seller.address, anyValue);
    });
  });

  describe("shipping and the confirmation window", () => {
    it("after shipping, an unchallenged window lets anyone release", async () => {
      await expect(sys.escrow.setConfirmWindow(61 * DAY))
        .to.be.revertedWithCustomError(sys.escrow, "WindowOutOfRange")
        .withArgs(61 * DAY, DAY, 60 * DAY);
      await expect(sys.escrow.setConfirmWindow(3 * DAY)).to.emit(sys.escrow, "ConfirmWindowSet").withArgs(3 * DAY);
      const { orderId } = await direct(sys);
      await expect(sys.escrow.connect(sys.stranger).releaseUnchallenged(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "WrongOrderStatus")
        .withArgs(orderId, OrderStatus.AwaitingShipment);
      await sys.escrow.connect(sys.seller).markShipped(orderId, ethers.id("trk"));
      const { dueAt: confirmBy, trackingHash } = await sys.escrow.order(orderId);
      expect(trackingHash).to.equal(ethers.id("trk"));
      await expect(sys.escrow.connect(sys.stranger).releaseUnchallenged(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "ConfirmWindowOpen")
        .withArgs(orderId, confirmBy);
      await networkHelpers.time.increaseTo(confirmBy + 1n);
      await expect(sys.escrow.connect(sys.stranger).releaseUnchallenged(orderId))
        .to.emit(sys.escrow, "OrderReleased")
        .withArgs(orderId, sys.seller.address, PRICE, Method.Unchallenged);
      await expectBooks(sys);
    });

    it("a dispute within the window stops the unchallenged release", async () => {
      const { orderId } = await direct(sys);
      await sys.escrow.connect(sys.seller).markShipped(orderId, ethers.id("trk"));
      await sys.escrow.connect(sys.alice).openDispute(orderId);
      await networkHelpers.time.increase(60 * DAY);
      await expect(sys.escrow.connect(sys.stranger).releaseUnchallenged(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "WrongOrderStatus")
        .withArgs(orderId, OrderStatus.Disputed);
    });
  });

  describe("disputes (2 of 3)", () => {
    beforeEach(async () => {
      await expect(sys.escrow.connect(sys.stranger).setArbiter(sys.carol.address))
        .to.be.revertedWithCustomError(sys.marketplace, "AccessControlUnauthorizedAccount")
        .withArgs(sys.stranger.address, ethers.ZeroHash);
      await expect(sys.escrow.setArbiter(sys.carol.address)).to.emit(sys.escrow, "ArbiterSet").withArgs(sys.carol.address);
    });

    it("strangers can neither open nor vote; the arbiter alone decides nothing; seller + arbiter release", async () => {
      const { orderId } = await direct(sys);
      await expect(sys.escrow.connect(sys.stranger).openDispute(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "NotAParty")
        .withArgs(orderId, sys.stranger.address);
      await expect(sys.escrow.connect(sys.carol).openDispute(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "NotAParty")
        .withArgs(orderId, sys.carol.address);
      await expect(sys.escrow.connect(sys.carol).vote(orderId, Outcome.Release, 0))
        .to.be.revertedWithCustomError(sys.escrow, "WrongOrderStatus")
        .withArgs(orderId, OrderStatus.AwaitingShipment);
      await expect(sys.escrow.connect(sys.alice).openDispute(orderId))
        .to.emit(sys.escrow, "DisputeOpened")
        .withArgs(orderId, sys.alice.address, (await latest()) + 1n + 30n * BigInt(DAY));
      await expect(sys.escrow.connect(sys.seller).openDispute(orderId))
        .to.be.revertedWithCustomError(sys.escrow, "WrongOrderStatus")
        .withArgs(orderId, OrderStatus.Disputed);
      // Signatures and codes wait for the dispute's outcome.
      await expect(sys.escrow.connect(sys.seller).releaseWithCode(orderId, CODE))
        .to.be.revertedWithCustomError(sys.escrow, "WrongOrderStatus")
        .withArgs(orderId, OrderStatus.Disputed);
      await expect(sys.escrow.connect(sys.stranger).vote(orderId, Outcome.Release, 0))
        .to.be.revertedWithCustomError(sys.escrow, "NotAVoter")
        .withArgs(orderId, sys.stranger.address);
      await expect(sys.escrow.connect(sys.carol).vote(orderId, Outcome.Split, 10_001))
        .to.be.revertedWithCustomError(sys.escrow, "InvalidVote")
        .withArgs(Outcome.Split, 10_001);
      await expect(sys.escrow.connect(sys.carol).vote(orderId, Outcome.None, 0))
        .to.be.revertedWithCustomError(sys.escrow, "InvalidVote")
        .withArgs(Outcome.None, 0);
      // The arbiter acting alone: its vote is recorded, nothing moves.
      await expect(sys.escrow.connect(sys.carol).vote(orderId, Outcome.Release, 0))
        .to.emit(sys.escrow, "VoteCast")
        .withArgs(orderId, sys.carol.address, Outcome.Release, 10_000)
        .and.not.to.emit(sys.escrow, "DisputeResolved");
      expect((await sys.escrow.order(orderId)).status).to.equal(OrderStatus.Disputed);
      // The buyer disagrees: still nothing.
      await expect(sys.escrow.connect(sys.alice).vote(orderId, Outcome.Refund, 0)).not.to.emit(sys.escrow, "DisputeResolved");
      await expect(sys.escrow.connect(sys.seller).vote(orderId, Outcome.Release, 0))
        .to.emit(sys.escrow, "DisputeResolved")
        .withArgs(orderId, Outcome.Release, PRICE, 0)
        .and.to.emit(sys.escrow, "OrderReleased")
        .withArgs(orderId, sys.seller.address, PRICE, Method.Dispute);
      expect(await sys.escrow.owedTo(sys.seller.address)).to.equal(PRICE);
      expect(await sys.escrow.owedTo(sys.alice.address)).to.equal(0n);
      await expect(sys.escrow.connect(sys.alice).vote(orderId, Outcome.Release, 0))
        .to.be.revertedWithCustomError(sys.escrow, "WrongOrderStatus")
        .withArgs(orderId, OrderStatus.Released);
      await expectBooks(sys);
    });

    it("a replaced arbiter's vote stops counting; the new arbiter's counts", async () => {
      const { orderId } = await direct(sys);
      await sys.escrow.connect(sys.alice).openDispute(orderId);
      await sys.escrow.connect(sys.carol).vote(orderId, Outcome.Release, 0);
      await sys.escrow.setArbiter(sys.dave.address);
      // The seller agrees with the old arbiter: no longer two of three.
      await expect(sys.escrow.connect(sys.seller).vote(orderId, Outcome.Release, 0)).not.to.emit(sys.escrow, "DisputeResolved");
      await expect(sys.escrow.connect(sys.carol).vote(orderId, Outcome.Release, 0))
        .to.be.revertedWithCustomError(sys.escrow, "NotAVoter")
        .withArgs(orderId, sys.carol.address);
      await expect(sys.escrow.connect(sys.dave).vote(orderId, Outcome.Release, 0))
        .to.emit(sys.escrow, "DisputeResolved")
        .withArgs(orderId, Outcome.Release, PRICE, 0);
      await expectBooks(sys);
    });

    it("buyer + seller split 70/30: both are credited exactly, the deed goes to the winner", async () => {
      const { terms, orderId } = await drawn(sys);
      await sys.escrow.connect(sys.seller).openDispute(orderId);
      await sys.escrow.connect(sys.alice).vote(orderId, Outcome.Split, 7_000);
      // A different split is a different vote.
      await expect(sys.escrow.connect(sys.seller).vote(orderId, Outcome.Split, 7_001)).not.to.emit(sys.escrow, "DisputeResolved");
      const price = BigInt(terms.price);
      const toSeller = (price * 7_000n) / 10_000n;
      await expect(sys.escrow.connect(sys.seller).vote(orderId, Outcome.Split, 7_000))
        .to.emit(sys.escrow, "DisputeResolved")
        .withArgs(orderId, Outcome.Split, toSeller, price - toSeller);
      expect((await sys.escrow.order(orderId)).status).to.equal(OrderStatus.Split);
      expect(await sys.escrow.owedTo(sys.seller.address)).to.equal(toSeller);
      expect(await sys.escrow.owedTo(sys.alice.address)).to.equal(price - toSeller);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.alice.address);
      await expectBooks(sys);
      await expect(sys.escrow.connect(sys.alice).withdraw(sys.alice.address)).to.changeTokenBalance(
        ethers,
        sys.usdc,
        sys.alice,
        price - toSeller,
      );
      await expect(sys.escrow.connect(sys.seller).withdraw(sys.seller.address)).to.changeTokenBalance(
        ethers,
        sys.usdc,
        sys.seller,
        toSeller,
      );
      expect(await sys.escrow.totalHeld()).to.equal(0n);
    });
  });

  describe("cancellations", () => {
    it("by agreement: both parties must name the same attribution and reason", async () => {
      const { terms, orderId } = await drawn(sys);
      await expect(sys.escrow.connect(sys.stranger).agreeToCancel(orderId, Party.Both, 16))
        .to.be.revertedWithCustomError(sys.escrow, "NotAParty")
        .withArgs(orderId, sys.stranger.address);
      await expect(sys.escrow.connect(sys.alice).agreeToCancel(orderId, Party.Both, 5))
        .to.be.revertedWithCustomError(sys.escrow, "ReasonReserved")
        .withArgs(5);
      await expect(sys.escrow.connect(sys.alice).agreeToCancel(orderId, Party.Buyer, 16))
        .to.emit(sys.escrow, "CancellationProposed")
        .withArgs(orderId, sys.alice.address, Party.Buyer, 16)
        .and.not.to.emit(sys.escrow, "OrderRefunded");
      // The same party twice, or the other with other terms, cancels nothing.
      await expect(sys.escrow.connect(sys.alice).agreeToCancel(orderId, Party.Buyer, 16)).not.to.emit(sys.escrow, "OrderRefunded");
      await expect(sys.escrow.connect(sys.seller).agreeToCancel(orderId, Party.Seller, 16)).not.to.emit(sys.escrow, "OrderRefunded");
      await expect(sys.escrow.connect(sys.alice).agreeToCancel(orderId, Party.Seller, 16))
        .to.emit(sys.escrow, "OrderRefunded")
        .withArgs(orderId, sys.alice.address, terms.price, Party.Seller, 16);
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.seller.address);
      expect(await sys.escrow.owedTo(sys.alice.address)).to.equal(terms.price);
      await expectBooks(sys);
    });

    it("by policy: only holders of the marketplace's POLICY_ROLE, with a reason and a responsible party", async () => {
      const { orderId } = await direct(sys, { upfrontBps: 2_500n });
      const role = await sys.escrow.POLICY_ROLE();
      await expect(sys.escrow.connect(sys.dave).cancelByPolicy(orderId, Party.Buyer, 20, WALLET))
        .to.be.revertedWithCustomError(sys.marketplace, "AccessControlUnauthorizedAccount")
        .withArgs(sys.dave.address, role);
      await sys.marketplace.grantRole(role, sys.dave.address);
      await expect(sys.escrow.connect(sys.dave).cancelByPolicy(orderId, Party.Buyer, 3, WALLET))
        .to.be.revertedWithCustomError(sys.escrow, "ReasonReserved")
        .withArgs(3);
      await expect(sys.escrow.connect(sys.dave).cancelByPolicy(orderId, Party.Buyer, 20, WALLET))
        .to.emit(sys.escrow, "OrderRefunded")
        .withArgs(orderId, sys.alice.address, 250n * USDC, Party.Buyer, 20);
      await expect(sys.escrow.connect(sys.dave).cancelByPolicy(orderId, Party.Buyer, 20, WALLET))
        .to.be.revertedWithCustomError(sys.escrow, "WrongOrderStatus")
        .withArgs(orderId, OrderStatus.Refunded);
      await expectBooks(sys);
    });
  });

  describe("membership reports", () => {
    /**
     * A second marketplace born with the mock as its membership module: modules are wired once, in setModules, so a
     * membership cannot be swapped in afterwards. Switches `sys` to it (USDC, accounts and roles are the same).
     */
    async function withMembership() {
      const usdc = await sys.usdc.getAddress();
      const mp = await new Marketplace__factory(sys.admin).deploy(sys.admin.address, usdc);
      const mpa = await mp.getAddress();
      const bid = await new BidToken__factory(sys.admin).deploy(mpa, usdc, 100_000, []);
      const deed = await new AssetDeed__factory(sys.admin).deploy(mpa);
      const escrow = await new DeliveryEscrow__factory(sys.admin).deploy(mpa, usdc, await deed.getAddress());
      const vault = await new RevenueVault__factory(sys.admin).deploy(mpa, usdc);
      const membership = await new MockMembership__factory(sys.admin).deploy(mpa, await escrow.getAddress());
      const impl = await new Listing__factory(sys.admin).deploy(mpa, usdc, bid, deed, escrow, vault, membership);
      const modules = [bid, deed, escrow, vault, impl, membership];
      const [bidToken, assetDeed, escrowAddress, revenueVault, listingImplementation, membershipAddress] = await Promise.all(modules.map((c) => c.getAddress()));
      await expect(mp.setModules({ bidToken, assetDeed, escrow: escrowAddress, revenueVault, listingImplementation, membership: membershipAddress }))
        .to.emit(escrow, "MembershipSet")
        .withArgs(await membership.getAddress());
      await escrow.setArbiter(sys.carol.address);
      sys = { ...sys, marketplace: mp, escrow, deed, bidToken: bid, vault };
      return membership;
    }

    it("reports completions and cancellations with the responsible party", async () => {
      const membership = await withMembership();
      const { orderId } = await direct(sys);
      await expect(sys.escrow.connect(sys.alice).release(orderId))
        .to.emit(membership, "Completed")
        .withArgs(orderId, sys.alice.address, sys.seller.address, PRICE);
      const second = await direct(sys);
      await networkHelpers.time.increaseTo(second.shipBy + 1n);
      await expect(sys.escrow.connect(sys.stranger).refundUnshipped(second.orderId))
        .to.emit(membership, "Cancelled")
        .withArgs(second.orderId, sys.alice.address, sys.seller.address, Party.Seller, Reason.ShipByMissed);
      expect(await membership.reports()).to.equal(2n);
    });

    it("a reverting or gas-burning membership contract cannot block a release or a refund", async () => {
      const membership = await withMembership();
      await membership.setMode(1); // reverts
      const { orderId } = await direct(sys);
      await expect(sys.escrow.connect(sys.alice).release(orderId))
        .to.emit(sys.escrow, "MembershipReportFailed")
        .withArgs(orderId, anyValue, anyValue)
        .and.to.emit(sys.escrow, "OrderReleased");
      await membership.setMode(2); // burns all its gas
      const second = await direct(sys);
      await networkHelpers.time.increaseTo(second.shipBy + 1n);
      await expect(sys.escrow.connect(sys.alice).refundUnshipped(second.orderId))
        .to.emit(sys.escrow, "MembershipReportFailed")
        .withArgs(second.orderId, anyValue, anyValue)
        .and.to.emit(sys.escrow, "OrderRefunded");
      expect(await sys.escrow.owedTo(sys.seller.address)).to.equal(PRICE);
      expect(await sys.escrow.owedTo(sys.alice.address)).to.equal(PRICE);
      await expectBooks(sys);
    });

    it("membershipReportLost: a report that failed is recorded and anyone can replay it once, with more gas", async () => {
      const membership = await withMembership();
      await membership.setMode(2); // burns all its gas: the report fails under the cap
      const { orderId } = await direct(sys);
      const receipt = (await (await sys.escrow.connect(sys.alice).release(orderId)).wait())!;
      const failed = receipt.logs
        .map((l) => sys.escrow.interface.parseLog(l))
        .find((e) => e?.name === "MembershipReportFailed")!;
      const [reportHash, report] = [failed.args.reportHash as string, failed.args.report as string];
      expect(reportHash).to.equal(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256", "bytes"], [orderId, report])));
      expect(await sys.escrow.isFailedReport(reportHash)).to.equal(true);
      expect(await membership.reports()).to.equal(0n);
      // Still failing: the replay reverts and the record stays.
      await expect(sys.escrow.connect(sys.stranger).replayReport(orderId, report, { gasLimit: 1_000_000 }))
        .to.be.revertedWithCustomError(sys.escrow, "ReportReplayFailed")
        .withArgs(reportHash);
      await membership.setMode(0); // the membership works again
      await expect(sys.escrow.connect(sys.stranger).replayReport(orderId, report))
        .to.emit(sys.escrow, "MembershipReportReplayed")
        .withArgs(orderId, reportHash)
        .and.to.emit(membership, "Completed")
        .withArgs(orderId, sys.alice.address, sys.seller.address, PRICE);
      expect(await membership.reports()).to.equal(1n);
      expect(await sys.escrow.isFailedReport(reportHash)).to.equal(false);
      await expect(sys.escrow.connect(sys.stranger).replayReport(orderId, report))
        .to.be.revertedWithCustomError(sys.escrow, "NoFailedReport")
        .withArgs(reportHash);
    });

    it("a membership contract calling back into the escrow is refused: no double release or withdrawal (A13)", async () => {
      const membership = await withMembership();
      const { orderId } = await direct(sys);
      await membership.setMode(3); // re-enters
      await membership.setReentry(
        await sys.escrow.getAddress(),
        sys.escrow.interface.encodeFunctionData("releaseUnchallenged", [orderId]),
      );
      await expect(sys.escrow.connect(sys.alice).release(orderId))
        .to.emit(sys.escrow, "MembershipReportFailed")
        .withArgs(orderId, anyValue, anyValue);
      const second = await direct(sys);
      await membership.setReentry(
        await sys.escrow.getAddress(),
        sys.escrow.interface.encodeFunctionData("withdraw", [await membership.getAddress()]),
      );
      await expect(sys.escrow.connect(sys.alice).release(second.orderId))
        .to.emit(sys.escrow, "MembershipReportFailed")
        .withArgs(second.orderId, anyValue, anyValue);
      expect(await sys.escrow.owedTo(sys.seller.address)).to.equal(2n * PRICE);
      expect(await sys.usdc.balanceOf(await membership.getAddress())).to.equal(0n);
      await expectBooks(sys);
    });

    it("a caller cannot starve the report of gas on purpose", async () => {
      await withMembership();
      const { orderId } = await direct(sys);
      await expect(sys.escrow.connect(sys.alice).release(orderId, { gasLimit: 150_000 }))
        .to.be.revertedWithCustomError(sys.escrow, "GasTooLowForReport")
        .withArgs(anyValue, 200_000n + 200_000n / 63n + 40_000n);
    });
  });

  describe("books", () => {
    it("every path keeps the token balance equal to open orders plus credits, and withdrawals are single", async () => {
      await sys.escrow.setArbiter(sys.carol.address);
      const a = await direct(sys); // released by the buyer
      const b = await direct(sys, { buyer: sys.bob, upfrontBps: 1_000n }); // deposit, refunded by dispute
      const c = await direct(sys, { buyer: sys.dave }); // split by dispute
      await sys.escrow.connect(sys.alice).release(a.orderId);
      await sys.escrow.connect(sys.bob).openDispute(b.orderId);
      await sys.escrow.connect(sys.bob).vote(b.orderId, Outcome.Refund, 0);
      await expect(sys.escrow.connect(sys.carol).vote(b.orderId, Outcome.Refund, 1234))
        .to.emit(sys.escrow, "OrderRefunded")
        .withArgs(b.orderId, sys.bob.address, 100n * USDC, Party.Seller, Reason.DisputeRefund);
      await sys.escrow.connect(sys.seller).openDispute(c.orderId);
      await sys.escrow.connect(sys.dave).vote(c.orderId, Outcome.Split, 3_333);
      await sys.escrow.connect(sys.carol).vote(c.orderId, Outcome.Split, 3_333);
      await expectBooks(sys);
      const toSeller = PRICE + (PRICE * 3_333n) / 10_000n;
      expect(await sys.escrow.owedTo(sys.seller.address)).to.equal(toSeller);
      for (const [who, amount] of [
        [sys.seller, toSeller],
        [sys.bob, 100n * USDC],
        [sys.dave, PRICE - (PRICE * 3_333n) / 10_000n],
      ] as const) {
        await expect(sys.escrow.connect(who).withdraw(who.address)).to.changeTokenBalance(ethers, sys.usdc, who, amount);
        await expect(sys.escrow.connect(who).withdraw(who.address))
          .to.be.revertedWithCustomError(sys.escrow, "NothingToWithdraw")
          .withArgs(who.address);
      }
      expect(await sys.escrow.totalHeld()).to.equal(0n);
      expect(await sys.usdc.balanceOf(await sys.escrow.getAddress())).to.equal(0n);
    });
  });
});
