// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @title CancellationReasons
/// @notice The one set of reason codes carried by `IMembershipHooks.onOrderCancelled`. Codes below
/// `FIRST_FREE` are the escrow's own (it sets them on the cancellations it decides itself); codes from `FIRST_FREE`
/// up are given by the parties (cancellation by agreement) or the policy role, and their meaning is configured in the
/// membership contract (`setReason`).
library CancellationReasons {
    /// @notice The seller missed the ship-by time.
    uint8 internal constant SHIP_BY_MISSED = 1;
    /// @notice Refunded after a suspension (too many wrong one-time codes).
    uint8 internal constant SUSPENDED = 2;
    /// @notice Refunded by dispute.
    uint8 internal constant DISPUTE_REFUND = 3;
    /// @notice Split by dispute (the asset was delivered: never a reason to relist it).
    uint8 internal constant DISPUTE_SPLIT = 4;
    /// @notice The winner of a settlement order took the cash option.
    uint8 internal constant CASH_OPTION = 5;
    /// @notice A dispute opened before shipment expired without a decision (nobody charged).
    uint8 internal constant DISPUTE_EXPIRED = 6;
    /// @notice The balance was still unpaid when the confirmation window ended: the deposit is forfeited.
    uint8 internal constant BALANCE_UNPAID = 7;
    /// @notice The first code free for agreements and policies.
    uint8 internal constant FIRST_FREE = 16;
}
