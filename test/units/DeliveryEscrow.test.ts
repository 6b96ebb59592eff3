import { expect } from "chai";
import {
  buy,
  createListing,
  DAY,
  deployFixture,
  ethers,
  fulfil,
  networkHelpers,
} from "../fixtures.js";
import type { System } from "../fixtures.js";

const OrderStatus = {
  None: 0n,
  AwaitingDraw: 1n,
  AwaitingShipment: 2n,
  Shipped: 3n,
  Released: 4n,
  Refunded: 5n,
  Voided: 6n,
};

/** A listing run to a drawn winner (alice holds every stake); returns the order id and terms. */
async function drawn(sys: System) {
  const { listing, terms } = await createListing(sys);
  await buy(sys, listing, sys.alice, 150n);
  await networkHelpers.time.increaseTo(terms.deadline);
  await listing.settle();
  const orderId = await listing.escrowOrderId();
  await fulfil(sys, listing, 7n);
  await listing.finalize();
  return { listing, terms, orderId };
}

describe("DeliveryEscrow (unit)", () => {
  let sys: System;
  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(deployFixture);
  });

  it("only listings open, assign and void orders", async () => {
    await expect(
      sys.escrow
        .connect(sys.stranger)
        .openSettlementOrder(sys.seller.address, 1, 1),
    )
      .to.be.revertedWithCustomError(sys.escrow, "NotAListing")
      .withArgs(sys.stranger.address);
    await expect(
      sys.escrow.connect(sys.stranger).assignBuyer(sys.stranger.address),
    )
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
    expect(order.listing).to.equal(await listing.getAddress());
    expect(order.status).to.equal(OrderStatus.AwaitingShipment);
    expect(order.shipBy).to.equal(
      BigInt(await networkHelpers.time.latest()) +
        (await sys.escrow.shipWindow()),
    );
    expect(
      await sys.escrow.orderOfListing(await listing.getAddress()),
    ).to.equal(orderId);
    expect(await sys.deed.ownerOf(terms.deedId)).to.equal(
      await sys.escrow.getAddress(),
    );
    expect(await sys.usdc.balanceOf(await sys.escrow.getAddress())).to.equal(
      await sys.escrow.totalHeld(),
    );
  });

  it("the seller ships before ship-by, the winner releases, the seller withdraws once", async () => {
    const { terms, orderId } = await drawn(sys);
    await expect(
      sys.escrow.connect(sys.stranger).markShipped(orderId, ethers.id("trk")),
    )
      .to.be.revertedWithCustomError(sys.escrow, "NotSeller")
      .withArgs(orderId, sys.stranger.address);
    await expect(
      sys.escrow.connect(sys.seller).markShipped(orderId, ethers.ZeroHash),
    ).to.be.revertedWithCustomError(sys.escrow, "InvalidOrder");
    await expect(
      sys.escrow.connect(sys.seller).markShipped(orderId, ethers.id("trk")),
    )
      .to.emit(sys.escrow, "OrderShipped")
      .withArgs(orderId, ethers.id("trk"));
    await expect(sys.escrow.connect(sys.seller).release(orderId))
      .to.be.revertedWithCustomError(sys.escrow, "NotBuyer")
      .withArgs(orderId, sys.seller.address);
    await expect(sys.escrow.connect(sys.alice).refundUnshipped(orderId))
      .to.be.revertedWithCustomError(sys.escrow, "WrongOrderStatus")
      .withArgs(orderId, OrderStatus.Shipped);
    await expect(sys.escrow.connect(sys.alice).release(orderId))
      .to.emit(sys.escrow, "OrderReleased")
      .withArgs(orderId, sys.seller.address, terms.price);
    expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.alice.address);
    await expect(sys.escrow.connect(sys.alice).release(orderId))
      .to.be.revertedWithCustomError(sys.escrow, "WrongOrderStatus")
      .withArgs(orderId, OrderStatus.Released);
    await expect(
      sys.escrow.connect(sys.seller).withdraw(ethers.ZeroAddress),
    ).to.be.revertedWithCustomError(sys.escrow, "ZeroAddress");
    // Withdrawing to another address: a seller whose own address is blacklisted can still be paid (A9).
    await expect(
      sys.escrow.connect(sys.seller).withdraw(sys.dave.address),
    ).to.changeTokenBalance(ethers, sys.usdc, sys.dave, terms.price);
    await expect(sys.escrow.connect(sys.seller).withdraw(sys.seller.address))
      .to.be.revertedWithCustomError(sys.escrow, "NothingToWithdraw")
      .withArgs(sys.seller.address);
    expect(await sys.escrow.totalHeld()).to.equal(0n);
  });

  it("the ship window is an operator setting within 1 … 180 days, snapshotted per order", async () => {
    const role = await sys.escrow.OPERATOR_ROLE();
    await expect(sys.escrow.connect(sys.stranger).setShipWindow(10 * DAY))
      .to.be.revertedWithCustomError(
        sys.marketplace,
        "AccessControlUnauthorizedAccount",
      )
      .withArgs(sys.stranger.address, role);
    await expect(sys.escrow.setShipWindow(DAY - 1))
      .to.be.revertedWithCustomError(sys.escrow, "ShipWindowOutOfRange")
      .withArgs(DAY - 1);
    await expect(sys.escrow.setShipWindow(180 * DAY + 1))
      .to.be.revertedWithCustomError(sys.escrow, "ShipWindowOutOfRange")
      .withArgs(180 * DAY + 1);
    await expect(sys.escrow.setShipWindow(10 * DAY))
      .to.emit(sys.escrow, "ShipWindowSet")
      .withArgs(10 * DAY);
    const { orderId } = await drawn(sys);
    await sys.escrow.setShipWindow(100 * DAY);
    const order = await sys.escrow.order(orderId);
    expect(order.shipBy).to.be.lessThanOrEqual(
      BigInt(await networkHelpers.time.latest()) + BigInt(10 * DAY),
    );
  });
});
