// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @title IMembershipHooks
/// @notice What the delivery escrow reports to the membership contract (SPEC §4.6): every direct order opened, every
/// completed order and every cancelled one, with the party the cancellation is attributed to.
/// @dev Reason codes (one set, `libraries/CancellationReasons.sol`): the escrow uses 1 ship-by missed, 2 refunded after
/// suspension (too many wrong codes), 3 refunded by dispute, 4 split by dispute, 5 cash option taken, 6 dispute expired
/// before shipment (nobody charged), 7 deposit forfeited (balance unpaid when the confirmation window ended). Codes 16
/// and above are given by the parties (cancellation by agreement) or by the policy role; their meaning belongs to the
/// membership contract.
interface IMembershipHooks {
    /// @notice Who a cancellation is attributed to.
    enum Party {
        None,
        Buyer,
        Seller,
        Both
    }

    /// @notice A direct order was opened (its pending reward is booked). Settlement orders are not reported at
    /// opening: their buyer is only known at the draw.
    /// @param orderId The escrow order.
    /// @param buyer The buyer.
    /// @param seller The seller.
    /// @param amount The order's price in payment-token units.
    /// @param fee The platform fee the order pays at release: no reward may exceed it.
    function onOrderOpened(uint256 orderId, address buyer, address seller, uint256 amount, uint256 fee) external;

    /// @notice An order was released to its seller.
    /// @param orderId The escrow order.
    /// @param buyer The buyer.
    /// @param seller The seller.
    /// @param amount The order's price in payment-token units.
    /// @param fee The platform fee the release charged (direct orders; 0 for settlement orders).
    /// @param listing The listing of a settlement order (not reported at opening; its platform fee is the listing's
    /// markup), zero for a direct order.
    function onOrderCompleted(
        uint256 orderId,
        address buyer,
        address seller,
        uint256 amount,
        uint256 fee,
        address listing
    ) external;

    /// @notice An order was cancelled: refunded to the buyer, split by dispute, or bought back for cash.
    /// @param orderId The escrow order.
    /// @param buyer The buyer.
    /// @param seller The seller.
    /// @param responsible The party the cancellation is attributed to.
    /// @param reason The reason code (see the contract's @dev).
    function onOrderCancelled(uint256 orderId, address buyer, address seller, Party responsible, uint8 reason) external;
}
