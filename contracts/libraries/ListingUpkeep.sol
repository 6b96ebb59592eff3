// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IListing} from "../interfaces/IListing.sol";
import {IMarketplace} from "../interfaces/IMarketplace.sol";
import {RevertReason} from "./RevertReason.sol";

/// @title ListingUpkeep
/// @notice How the Marketplace's Chainlink Automation upkeep drives one listing: which action is due, and running it
/// so that one listing whose action reverts (a payment token refusing transfers) cannot hold the keeper.
/// @dev Errors and events are the Marketplace's (`IMarketplace`).
library ListingUpkeep {
    /// @notice The upkeep action due for `listing`: retire it once it left Open and Drawing, else what it asks for.
    /// @param listing The listing.
    /// @return The action (None: nothing to do).
    function actionFor(address listing) internal view returns (IMarketplace.UpkeepAction) {
        IListing.Status status = IListing(listing).status();
        if (status != IListing.Status.Open && status != IListing.Status.Drawing) {
            return IMarketplace.UpkeepAction.Retire;
        }
        IListing.Action action = IListing(listing).pendingAction();
        if (action == IListing.Action.Settle) return IMarketplace.UpkeepAction.Settle;
        if (action == IListing.Action.Finalize) return IMarketplace.UpkeepAction.Finalize;
        if (action == IListing.Action.Expire) return IMarketplace.UpkeepAction.Expire;
        return IMarketplace.UpkeepAction.None;
    }

    /// @notice Settles, finalizes or expires `listing`. A revert with a reason does not revert the upkeep: past its
    /// grace the listing is failed (`failStalled`), else it is skipped until `now + retryDelay`. An empty reason (out
    /// of gas) is re-thrown, so no caller can get a healthy listing skipped by starving the call.
    /// @param retryAt The Marketplace's map of when each skipped listing is scanned again.
    /// @param listing The listing.
    /// @param action Settle, Finalize or Expire.
    /// @param retryDelay How long a listing whose action reverted is skipped.
    function perform(
        mapping(address listing => uint256 retryAt) storage retryAt,
        address listing,
        IMarketplace.UpkeepAction action,
        uint256 retryDelay
    ) internal {
        bytes memory call =
            action == IMarketplace.UpkeepAction.Settle
                ? abi.encodeCall(IListing.settle, ())
                : action == IMarketplace.UpkeepAction.Finalize
                    ? abi.encodeCall(IListing.finalize, ())
                    : abi.encodeCall(IListing.expireDraw, ());
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory reason) = listing.call(call);
        if (ok) return;
        if (reason.length == 0) RevertReason.bubble(reason);
        if (action != IMarketplace.UpkeepAction.Finalize) {
            try IListing(listing).failStalled() {
                return;
            } catch {} // solhint-disable-line no-empty-blocks
        }
        uint256 next = block.timestamp + retryDelay;
        retryAt[listing] = next;
        emit IMarketplace.UpkeepActionReverted(listing, action, next, reason);
    }
}
