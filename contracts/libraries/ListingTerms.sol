// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IListing} from "../interfaces/IListing.sol";
import {IMarketplace} from "../interfaces/IMarketplace.sol";
import {PurchaseLog} from "./PurchaseLog.sol";

/// @title ListingTerms
/// @notice The one rule every listing's terms must meet, single listing or series alike (SPEC §4.1): prices, stake
/// count, threshold and schedule. Errors are the Marketplace's (`IMarketplace`).
library ListingTerms {
    /// @notice Reverts with the Marketplace's named error when `t` breaks a rule.
    /// @param t The terms.
    /// @param maxSaleDuration Longest sale, opening to Time-Date A.
    function validate(IListing.Terms calldata t, uint256 maxSaleDuration) internal view {
        if (t.price == 0 || t.stakePrice == 0 || t.stakeCount == 0) revert IMarketplace.ZeroPrice();
        // Half the lane: cancelled stakes keep their numbers and never outnumber max(held, T) ≤ N, so the stake
        // numbers stay below 2N and fit the purchase log's 40-bit lane.
        uint256 maxStakes = PurchaseLog.MAX_STAKE / 2;
        if (t.stakeCount > maxStakes) revert IMarketplace.TooManyStakes(t.stakeCount, maxStakes);
        uint256 proceeds = uint256(t.stakeCount) * t.stakePrice;
        if (proceeds < t.price) revert IMarketplace.StakesBelowPrice(proceeds, t.price);
        if (t.threshold == 0 || t.threshold > t.stakeCount) {
            revert IMarketplace.InvalidThreshold(t.threshold, t.stakeCount);
        }
        // Settlement must always be able to pay P: even a sale that just meets T raises at least P.
        uint256 thresholdProceeds = uint256(t.threshold) * t.stakePrice;
        if (thresholdProceeds < t.price) revert IMarketplace.StakesBelowPrice(thresholdProceeds, t.price);
        if (t.opensAt >= t.deadline || t.deadline <= block.timestamp) {
            revert IMarketplace.InvalidSchedule(t.opensAt, t.deadline);
        }
        if (t.deadline - t.opensAt > maxSaleDuration) revert IMarketplace.SaleTooLong(t.deadline - t.opensAt);
    }
}
