// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IListing} from "../interfaces/IListing.sol";

/// @title CancellationRules
/// @notice When a listing lets a purchase be cancelled: the shared cancellation budget and its fee, and the time
/// limits (the holder's tier window, the membership's cut-off before Time-Date A). Errors are the listing's.
/// @dev The budget keeps the draw uniform and cheap: cancelled stakes never outnumber max(held, T), and a draw only
/// happens with held ≥ T, so then at least half of the stake numbers are held and every draw attempt hits one with
/// probability ≥ 1/2 (see `PurchaseLog.draw`); nobody can inflate the numbers to stall or bias a draw. Below T it
/// never binds.
library CancellationRules {
    /// @notice Checks that cancelling `count` more stakes stays within the budget max(held after, T), and how many of
    /// them fall in its second half, which pays the budget fee: so nobody can use up everyone's budget, and block
    /// other holders' cancellations, at no cost.
    /// @param cancelled Stakes cancelled so far.
    /// @param held Stakes held now, the cancelled purchase's included.
    /// @param count Stakes the cancellation returns.
    /// @param threshold T.
    /// @return cancelledAfter Stakes cancelled once this one is.
    /// @return charged Stakes of this cancellation beyond half of the budget.
    function budget(
        uint256 cancelled,
        uint256 held,
        uint256 count,
        uint256 threshold
    ) internal pure returns (uint256 cancelledAfter, uint256 charged) {
        uint256 limit;
        // Cannot overflow or underflow: all are 40-bit counts, and `count` is part of the stakes `held`.
        unchecked {
            cancelledAfter = cancelled + count;
            uint256 heldAfter = held - count;
            limit = heldAfter > threshold ? heldAfter : threshold;
        }
        if (cancelledAfter > limit) revert IListing.CancellationCapReached(cancelled, held);
        uint256 free = limit / 2;
        if (cancelledAfter > free) {
            uint256 beyond = cancelledAfter - free;
            charged = count < beyond ? count : beyond;
        }
    }

    /// @notice Reverts unless now is within the holder's tier window after the purchase and before the membership's
    /// cut-off before Time-Date A.
    /// @param window The tier's cancellation window, in seconds after the purchase.
    /// @param cutoff The membership's cut-off, in seconds before Time-Date A.
    /// @param purchasedAt When the purchase was made.
    /// @param deadline Time-Date A.
    function checkTime(uint256 window, uint256 cutoff, uint256 purchasedAt, uint256 deadline) internal view {
        uint256 closesAt = deadline - (deadline < cutoff ? deadline : cutoff);
        if (block.timestamp >= closesAt) revert IListing.CancellationClosed(closesAt);
        uint256 windowEnd = purchasedAt + window;
        if (block.timestamp > windowEnd) revert IListing.CancellationWindowPassed(windowEnd);
    }
}
