// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IListing} from "../interfaces/IListing.sol";
import {IBidToken} from "../interfaces/IBidToken.sol";
import {Charter} from "./Charter.sol";
import {ListingState} from "./ListingState.sol";

/// @title ListingBalance
/// @notice What a listing's own payment-token balance must cover in each status, and the markup it hands to the
/// revenue vault. Runs inside the listing, with its errors and events (`IListing`).
library ListingBalance {
    using SafeERC20 for IERC20;
    using ListingState for ListingState.State;

    /// @notice The markup, held × s − P. Threshold validation guarantees held × s ≥ T × s ≥ P whenever a listing
    /// reaches Drawing.
    /// @param held Stakes held.
    /// @return Payment-token units.
    function markup(uint256 held) internal view returns (uint256) {
        return held * Charter.stakePrice() - Charter.price();
    }

    /// @notice Payment-token units the listing's balance must cover (see `IListing.owed`).
    /// @param state The listing's state.
    /// @param feesKept Cancellation fees kept for the revenue vault.
    /// @param bidToken The bid token (holds the credit buyers spent while the listing is open).
    /// @return The amount.
    function owed(
        ListingState.State memory state,
        uint256 feesKept,
        IBidToken bidToken
    ) internal view returns (uint256) {
        uint256 stakePrice = Charter.stakePrice();
        uint256 fees = state.markupReleased ? 0 : feesKept;
        if (state.status == IListing.Status.Open) {
            return uint256(state.held) * stakePrice + fees - bidToken.creditPendingFor(address(this));
        }
        if (state.status == IListing.Status.Drawing) return uint256(state.held) * stakePrice + fees - Charter.price();
        if (state.status == IListing.Status.Settled) return state.markupReleased ? 0 : markup(state.held) + fees;
        return uint256(state.held - state.refundedStakes) * stakePrice + fees;
    }

    /// @notice Hands the markup (or, after a failure or dissolution, the cancellation fees kept) to the revenue vault,
    /// once (see `IListing.releaseMarkup`).
    /// @param stored The listing's state slot.
    /// @param feesKept Cancellation fees kept.
    /// @param paymentToken The payment token.
    /// @param revenueVault The revenue vault, the only caller allowed.
    /// @return amount Payment-token units transferred.
    function release(
        ListingState.State storage stored,
        uint256 feesKept,
        IERC20 paymentToken,
        address revenueVault
    ) internal returns (uint256 amount) {
        ListingState.State memory state = stored;
        if (msg.sender != revenueVault || state.markupReleased) revert IListing.MarkupUnavailable(msg.sender);
        // A failed or dissolved listing has no markup, but may have kept cancellation fees.
        bool feesOnly =
            (state.status == IListing.Status.Failed || state.status == IListing.Status.Dissolved) && feesKept != 0;
        if (state.status != IListing.Status.Settled && !feesOnly) revert IListing.WrongStatus(state.status);
        amount = (feesOnly ? 0 : markup(state.held)) + feesKept;
        state.markupReleased = true;
        stored.write(state);
        emit IListing.MarkupReleased(amount);
        paymentToken.safeTransfer(revenueVault, amount);
    }
}
