// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IDeliveryEscrow} from "../interfaces/IDeliveryEscrow.sol";

/// @title Orders
/// @notice An escrow order's life before it ends: the checks of a settlement order's terms, a direct order's opening,
/// shipment, the cash option's conditions, and the status checks of every step. The ends themselves (release,
/// refund, split) are the escrow's base `OrderEnds`; the settlement order's opening and the winner's assignment stay
/// in the escrow (on the settle and finalize paths, where every jump costs gas).
/// @dev Internal functions over `IDeliveryEscrow.Order` (the layout the `order` view returns), compiled into the
/// escrow. `Order.dueAt` is the one clock of the current status (see `IDeliveryEscrow.Order`).
library Orders {
    /// @dev Bit `s` set for every open status `s`: AwaitingShipment, Shipped, Disputed, Suspended.
    uint256 private constant _OPEN =
        (1 << uint8(IDeliveryEscrow.OrderStatus.AwaitingShipment)) |
            (1 << uint8(IDeliveryEscrow.OrderStatus.Shipped)) |
            (1 << uint8(IDeliveryEscrow.OrderStatus.Disputed)) |
            (1 << uint8(IDeliveryEscrow.OrderStatus.Suspended));
    /// @dev Bit `s` set for every status that accepts a signature or a code: before a dispute or suspension only.
    uint256 private constant _AUTHORIZABLE =
        (1 << uint8(IDeliveryEscrow.OrderStatus.AwaitingShipment)) | (1 << uint8(IDeliveryEscrow.OrderStatus.Shipped));

    /// @notice Reverts unless a settlement order's terms fit the order's fields.
    /// @param seller The listing's seller.
    /// @param amount The price paid in.
    /// @param deedId The deed held for the winner.
    function checkSettlement(address seller, uint256 amount, uint256 deedId) internal pure {
        if (seller == address(0) || amount == 0) revert IDeliveryEscrow.InvalidOrder();
        if (amount > type(uint96).max) revert IDeliveryEscrow.AmountTooLarge(amount);
        if (deedId > type(uint200).max) revert IDeliveryEscrow.DeedIdTooLarge(deedId);
    }

    /// @notice Opens a direct order from a checked offer: the buyer paid `upfront` of `amount`.
    /// @param self The new order.
    /// @param seller The seller.
    /// @param amount The price.
    /// @param upfront What the buyer pays now.
    /// @param shipBy The ship-by time.
    /// @param feeBps The platform fee, snapshotted now and charged at release.
    function openDirect(
        IDeliveryEscrow.Order storage self,
        address seller,
        uint256 amount,
        uint256 upfront,
        uint40 shipBy,
        uint16 feeBps
    ) internal {
        self.buyer = msg.sender;
        self.status = IDeliveryEscrow.OrderStatus.AwaitingShipment;
        self.dueAt = shipBy;
        self.seller = seller;
        self.amount = uint96(amount);
        self.paid = uint96(upfront);
        self.feeBps = feeBps;
        self.openedAt = uint40(block.timestamp);
    }

    /// @notice Records the shipment and starts the confirmation window.
    /// @param self The order.
    /// @param orderId Its id.
    /// @param trackingHash Hash of the tracking reference (not zero).
    /// @param confirmWindow The confirmation window in seconds.
    function markShipped(
        IDeliveryEscrow.Order storage self,
        uint256 orderId,
        bytes32 trackingHash,
        uint256 confirmWindow
    ) internal {
        if (msg.sender != self.seller) revert IDeliveryEscrow.NotSeller(orderId, msg.sender);
        requireStatus(self.status, IDeliveryEscrow.OrderStatus.AwaitingShipment, orderId);
        if (block.timestamp > self.dueAt) revert IDeliveryEscrow.ShipByPassed(orderId, self.dueAt);
        if (trackingHash == bytes32(0)) revert IDeliveryEscrow.InvalidOrder();
        uint40 confirmBy = uint40(block.timestamp + confirmWindow);
        self.status = IDeliveryEscrow.OrderStatus.Shipped;
        self.dueAt = confirmBy;
        self.trackingHash = trackingHash;
        emit IDeliveryEscrow.OrderShipped(orderId, trackingHash, confirmBy);
    }

    /// @notice Checks that the winner of a settlement order may take the cash option: not during a dispute (the
    /// seller may claim delivery, and the vote decides) and not once the asset is on its way (buying it back then
    /// would leave the winner with both the asset and the price).
    /// @param self The order.
    /// @param orderId Its id.
    function requireCashable(IDeliveryEscrow.Order storage self, uint256 orderId) internal view {
        if (msg.sender != self.buyer) revert IDeliveryEscrow.NotBuyer(orderId, msg.sender);
        if (self.listing == address(0)) revert IDeliveryEscrow.NotASettlementOrder(orderId);
        IDeliveryEscrow.OrderStatus status = self.status;
        if (status == IDeliveryEscrow.OrderStatus.Disputed) revert IDeliveryEscrow.WrongOrderStatus(orderId, status);
        requireOpen(status, orderId);
        bytes32 trackingHash = self.trackingHash;
        if (trackingHash != bytes32(0)) revert IDeliveryEscrow.AlreadyShipped(orderId, trackingHash);
    }

    /// @notice Reverts unless the caller is the order's buyer.
    /// @param self The order.
    /// @param orderId Its id.
    function requireBuyer(IDeliveryEscrow.Order storage self, uint256 orderId) internal view {
        if (msg.sender != self.buyer) revert IDeliveryEscrow.NotBuyer(orderId, msg.sender);
    }

    /// @notice Reverts unless the caller is the order's buyer or seller.
    /// @param self The order.
    /// @param orderId Its id.
    function requireParty(IDeliveryEscrow.Order storage self, uint256 orderId) internal view {
        if (msg.sender != self.buyer && msg.sender != self.seller)
            revert IDeliveryEscrow.NotAParty(orderId, msg.sender);
    }

    /// @notice Reverts unless `status` is `expected`.
    /// @param status The order's status.
    /// @param expected The status the step needs.
    /// @param orderId The order.
    function requireStatus(
        IDeliveryEscrow.OrderStatus status,
        IDeliveryEscrow.OrderStatus expected,
        uint256 orderId
    ) internal pure {
        if (status != expected) revert IDeliveryEscrow.WrongOrderStatus(orderId, status);
    }

    /// @notice Reverts unless `status` is open: AwaitingShipment, Shipped, Disputed or Suspended.
    /// @param status The order's status.
    /// @param orderId The order.
    function requireOpen(IDeliveryEscrow.OrderStatus status, uint256 orderId) internal pure {
        if ((1 << uint8(status)) & _OPEN == 0) revert IDeliveryEscrow.WrongOrderStatus(orderId, status);
    }

    /// @notice Reverts unless `status` accepts a signature or a code: before a dispute or suspension only.
    /// @param status The order's status.
    /// @param orderId The order.
    function requireAuthorizable(IDeliveryEscrow.OrderStatus status, uint256 orderId) internal pure {
        if ((1 << uint8(status)) & _AUTHORIZABLE == 0) revert IDeliveryEscrow.WrongOrderStatus(orderId, status);
    }
}
