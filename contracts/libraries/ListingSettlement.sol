// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IListing} from "../interfaces/IListing.sol";
import {IMarketplace} from "../interfaces/IMarketplace.sol";
import {IBidToken} from "../interfaces/IBidToken.sol";
import {IDeliveryEscrow} from "../interfaces/IDeliveryEscrow.sol";
import {Charter} from "./Charter.sol";
import {ListingState} from "./ListingState.sol";
import {PurchaseLog} from "./PurchaseLog.sol";
import {RevertReason} from "./RevertReason.sol";

/// @title ListingSettlement
/// @notice How a listing leaves Open at Time-Date A (agreement III): settle (escrow order and VRF request, or
/// failure), fail a draw that never got its word, fail a listing whose transition keeps reverting; and the keeper's
/// view of what is due. The draw itself (`finalize`) stays in the listing: its gas is a target. Runs inside the listing
/// (internal functions), with its errors and events (`IListing`); the listing's entry points hold the guards.
/// @dev The randomness itself is the Marketplace's (`Draws`): the listing asks it for a word, reads the word back and
/// gives up a pending draw through it, because the Marketplace is the system's single VRF consumer.
library ListingSettlement {
    using SafeERC20 for IERC20;
    using PurchaseLog for PurchaseLog.Log;
    using ListingState for ListingState.State;

    /// @notice Whether settlement is due: Time-Date A passed, or every stake is held and the charter draws at
    /// sell-out.
    /// @param held Stakes held.
    /// @return Whether it is due.
    function due(uint256 held) internal view returns (bool) {
        return block.timestamp >= Charter.deadline() || (Charter.drawAtSellOut() && held == Charter.stakeCount());
    }

    /// @notice Settles an open listing whose settlement is due (see `IListing.settle`).
    /// @param stored The listing's state slot.
    /// @param marketplace The marketplace (seller verification, draw timeout, randomness).
    /// @param bidToken The bid token (holds the credit buyers spent until now).
    /// @param paymentToken The payment token (P is approved to the escrow).
    /// @param escrow The delivery escrow (takes P and the deed into a settlement order).
    /// @param deed The asset-deed collection.
    function settle(
        ListingState.State storage stored,
        IMarketplace marketplace,
        IBidToken bidToken,
        IERC20 paymentToken,
        IDeliveryEscrow escrow,
        IERC721 deed
    ) internal {
        ListingState.State memory state = stored;
        if (state.status != IListing.Status.Open) revert IListing.WrongStatus(state.status);
        if (!due(state.held)) revert IListing.SettlementNotDue(Charter.deadline(), state.held);
        // Every outcome below pays out of this listing's balance: bring in the credit its buyers spent.
        bidToken.collectCredit();

        if (state.held < Charter.threshold()) {
            return failOpen(stored, state, IListing.FailureReason.ThresholdNotMet, deed);
        }
        address seller = Charter.seller();
        if (!marketplace.isVerifiedSeller(seller)) {
            return failOpen(stored, state, IListing.FailureReason.SellerRevoked, deed);
        }

        uint256 timeout = marketplace.drawTimeout();
        uint40 expiresAt = uint40(block.timestamp + timeout);
        state.status = IListing.Status.Drawing;
        state.drawExpiresAt = expiresAt;
        stored.write(state);

        uint256 requestId;
        try marketplace.requestRandomness() returns (uint256 id) {
            requestId = id;
        } catch (bytes memory reason) {
            // A coordinator that keeps refusing (unfunded subscription, removed consumer) must not trap the buyers'
            // money: the operators get the same grace as an unanswered draw to fix it, then settlement fails the
            // listing. An empty reason is what running out of gas looks like, so it is never taken as a refusal.
            if (reason.length == 0 || block.timestamp < uint256(Charter.deadline()) + timeout) {
                RevertReason.bubble(reason);
            }
            return failOpen(stored, state, IListing.FailureReason.RandomnessUnavailable, deed);
        }

        // The escrow pulls P and the deed, so its books never depend on what was pushed to it.
        uint256 price = Charter.price();
        uint256 deedId = Charter.deedId();
        paymentToken.forceApprove(address(escrow), price);
        deed.approve(address(escrow), deedId);
        // The escrow records the order under this listing (`escrowOrderId` reads it there): not stored twice.
        uint256 orderId = escrow.openSettlementOrder(seller, price, deedId);
        // Emitted last because it reports the ids the two calls above returned.
        emit IListing.DrawRequested(requestId, orderId, state.held, expiresAt);
    }

    /// @notice Fails a draw whose word did not arrive before its expiry (see `IListing.expireDraw`).
    /// @param stored The listing's state slot.
    /// @param marketplace The marketplace (the pending draw is abandoned).
    /// @param escrow The delivery escrow (the order is voided: P comes back, the deed goes to the seller).
    function expire(ListingState.State storage stored, IMarketplace marketplace, IDeliveryEscrow escrow) internal {
        ListingState.State memory state = stored;
        if (state.status != IListing.Status.Drawing) revert IListing.WrongStatus(state.status);
        IMarketplace.Draw memory draw = marketplace.drawOf(address(this));
        // Once a word exists it must be used: expiring then would let anyone discard a draw they dislike.
        if (draw.status == IMarketplace.DrawStatus.Fulfilled) revert IListing.RandomnessArrived(draw.requestId);
        if (block.timestamp < state.drawExpiresAt) revert IListing.DrawNotExpired(state.drawExpiresAt);

        state.status = IListing.Status.Failed;
        stored.write(state);
        emit IListing.ListingFailed(IListing.FailureReason.RandomnessTimedOut, state.held);
        marketplace.abandonRandomness();
        escrow.voidOrder(); // P comes back here for the refunds, the deed goes to the seller
    }

    /// @notice The stalled-listing check of `IListing.failStalled`: reverts unless the grace passed, then tries the
    /// normal transition (settle, or expire a draw without a word).
    /// @param stored The listing's state slot.
    /// @param grace The marketplace's settlement grace.
    /// @param marketplace The marketplace (a draw's word).
    /// @return done Whether the normal transition succeeded (nothing left to fail).
    function tryTransition(
        ListingState.State storage stored,
        uint256 grace,
        IMarketplace marketplace
    ) internal returns (bool done) {
        IListing.Status current = stored.status;
        // The listing first tries its normal transition: only one that reverts now is failed (a healthy one settles).
        if (current == IListing.Status.Open) {
            uint256 stalledAt = Charter.deadline() + grace;
            if (block.timestamp < stalledAt) revert IListing.NotStalledYet(stalledAt);
            try IListing(address(this)).settle() {
                return true;
            } catch (bytes memory reason) {
                if (reason.length == 0) RevertReason.bubble(reason);
            }
        } else if (current == IListing.Status.Drawing) {
            uint256 stalledAt = uint256(stored.drawExpiresAt) + grace;
            if (block.timestamp < stalledAt) revert IListing.NotStalledYet(stalledAt);
            // A word that arrived is always used: finalize moves no money, so the token cannot stop it.
            IMarketplace.Draw memory draw = marketplace.drawOf(address(this));
            if (draw.status == IMarketplace.DrawStatus.Fulfilled) revert IListing.RandomnessArrived(draw.requestId);
            try IListing(address(this)).expireDraw() {
                return true;
            } catch (bytes memory reason) {
                if (reason.length == 0) RevertReason.bubble(reason);
            }
        } else {
            revert IListing.WrongStatus(current);
        }
    }

    /// @notice Fails a listing whose due transition kept reverting (`IListing.failStalled`, after `tryTransition`):
    /// an open one as `failOpen`, collecting the credit if the token allows; a drawing one leaves P and the deed in
    /// the escrow order for `recover`.
    /// @param stored The listing's state slot.
    /// @param funds The listing's funds slot.
    /// @param marketplace The marketplace (a pending draw is abandoned).
    /// @param bidToken The bid token (holds the credit buyers spent).
    /// @param deed The asset-deed collection.
    function failStalled(
        ListingState.State storage stored,
        ListingState.Funds storage funds,
        IMarketplace marketplace,
        IBidToken bidToken,
        IERC721 deed
    ) internal {
        ListingState.State memory state = stored;
        if (state.status == IListing.Status.Open) {
            // The credit stays pending at the bid token if the token refuses it now; `recover` collects it later.
            try bidToken.collectCredit() {} catch {} // solhint-disable-line no-empty-blocks
            return failOpen(stored, state, IListing.FailureReason.Stalled, deed);
        }
        if (state.status != IListing.Status.Drawing) revert IListing.WrongStatus(state.status);
        state.status = IListing.Status.Failed;
        stored.write(state);
        funds.priceInEscrow = true; // P and the deed stay in the escrow order until `recover` voids it
        emit IListing.ListingFailed(IListing.FailureReason.Stalled, state.held);
        marketplace.abandonRandomness();
    }

    /// @notice After a `Stalled` failure, brings back the credit the bid token still holds and P with the deed from
    /// the escrow order (see `IListing.recoverFunds`).
    /// @param stored The listing's state slot.
    /// @param funds The listing's funds slot.
    /// @param bidToken The bid token.
    /// @param escrow The delivery escrow.
    /// @return credit Units collected from the bid token.
    /// @return price Units returned by the escrow.
    function recover(
        ListingState.State storage stored,
        ListingState.Funds storage funds,
        IBidToken bidToken,
        IDeliveryEscrow escrow
    ) internal returns (uint256 credit, uint256 price) {
        IListing.Status current = stored.status;
        if (current != IListing.Status.Failed) revert IListing.WrongStatus(current);
        credit = bidToken.creditPendingFor(address(this));
        if (funds.priceInEscrow) {
            price = Charter.price();
            funds.priceInEscrow = false;
        }
        if (credit == 0 && price == 0) revert IListing.NothingToRecover();
        emit IListing.FundsRecovered(credit, price);
        if (credit != 0) bidToken.collectCredit();
        if (price != 0) escrow.voidOrder(); // P comes back here for the refunds, the deed goes to the seller
    }

    /// @notice What a keeper should do now (see `IListing.pendingAction`).
    /// @param state The listing's state.
    /// @param marketplace The marketplace holding the draw's word.
    /// @return The action.
    function pendingAction(
        ListingState.State memory state,
        IMarketplace marketplace
    ) internal view returns (IListing.Action) {
        if (state.status == IListing.Status.Open) {
            return due(state.held) ? IListing.Action.Settle : IListing.Action.None;
        }
        if (state.status == IListing.Status.Drawing) {
            (IMarketplace.DrawStatus drawStatus, ) = marketplace.randomWord(address(this));
            if (drawStatus == IMarketplace.DrawStatus.Fulfilled) return IListing.Action.Finalize;
            if (block.timestamp >= state.drawExpiresAt) return IListing.Action.Expire;
        }
        return IListing.Action.None;
    }

    /// @notice The draw's outcome once its word is known, without hints (see `IListing.winningStake`).
    /// @param state The listing's state.
    /// @param log The purchase log.
    /// @param marketplace The marketplace holding the draw's word.
    /// @return ready Whether the word is known.
    /// @return stake The winning stake number (0 if not ready).
    /// @return purchaseIndex The purchase holding it (0 if not ready).
    function winningStake(
        ListingState.State memory state,
        PurchaseLog.Log storage log,
        IMarketplace marketplace
    ) internal view returns (bool ready, uint256 stake, uint256 purchaseIndex) {
        if (state.status != IListing.Status.Drawing && state.status != IListing.Status.Settled) return (false, 0, 0);
        (IMarketplace.DrawStatus drawStatus, uint256 word) = marketplace.randomWord(address(this));
        if (drawStatus != IMarketplace.DrawStatus.Fulfilled) return (false, 0, 0);
        (stake, purchaseIndex, ) = log.draw(
            state.purchases,
            uint256(state.held) + state.cancelledStakes,
            word,
            new uint256[](0)
        );
        return (true, stake, purchaseIndex);
    }

    /// @notice Fails an open listing: refunds open and the deed goes back to the seller.
    /// @param stored The listing's state slot.
    /// @param state The state, written with status Failed.
    /// @param reason Why.
    /// @param deed The asset-deed collection.
    function failOpen(
        ListingState.State storage stored,
        ListingState.State memory state,
        IListing.FailureReason reason,
        IERC721 deed
    ) internal {
        state.status = IListing.Status.Failed;
        stored.write(state);
        emit IListing.ListingFailed(reason, state.held);
        // A plain transfer: a seller contract without an ERC-721 receiver must not block the refunds.
        deed.transferFrom(address(this), Charter.seller(), Charter.deedId());
    }
}
