// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IListing} from "./interfaces/IListing.sol";
import {IMarketplace} from "./interfaces/IMarketplace.sol";
import {IBidToken} from "./interfaces/IBidToken.sol";
import {IDeliveryEscrow} from "./interfaces/IDeliveryEscrow.sol";
import {PurchaseLog} from "./libraries/PurchaseLog.sol";
import {CloneArgs} from "./libraries/CloneArgs.sol";

/// @title Listing
/// @notice The per-listing DAO (agreements II and III): sells N equal stakes until Time-Date A, then either
/// pays the seller's price into a delivery-escrow order and draws one stake with Chainlink VRF, or refunds.
/// @dev Used only through EIP-1167 clones created by the Marketplace; the charter is the clone's immutable
/// arguments, so the buy path reads it from code instead of storage. The implementation refuses every call.
contract Listing is IListing, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using PurchaseLog for PurchaseLog.Log;

    /// @dev Everything a purchase updates lives in this one slot.
    struct State {
        Status status;
        bool markupReleased;
        uint64 sold;
        uint64 purchases;
        uint40 drawExpiresAt;
        uint64 refundedStakes;
    }

    /// @dev A bid token's stakes here, and how many of them voted to dissolve.
    struct Position {
        uint64 stakes;
        uint64 votedStakes;
    }

    IMarketplace private immutable _MARKETPLACE;
    IERC20 private immutable _PAYMENT_TOKEN;
    IBidToken private immutable _BID_TOKEN;
    IERC721 private immutable _DEED;
    IDeliveryEscrow private immutable _ESCROW;
    address private immutable _REVENUE_VAULT;
    address private immutable _SELF;

    // Word positions of the charter in the clone's arguments, abi.encode(listingId, Terms).
    uint256 private constant _SELLER_WORD = 1;
    uint256 private constant _STAKE_PRICE_WORD = 4;
    uint256 private constant _STAKE_COUNT_WORD = 5;
    uint256 private constant _OPENS_AT_WORD = 7;
    uint256 private constant _DEADLINE_WORD = 8;

    State private _state;
    uint64 private _dissolutionVotes;
    uint256 private _orderId;
    PurchaseLog.Log private _log;
    mapping(uint256 tokenId => Position) private _positions;

    modifier onlyClone() {
        if (address(this) == _SELF) revert ImplementationNotUsable();
        _;
    }

    /// @param marketplace_ The marketplace creating the clones.
    /// @param paymentToken The ERC-20 stakes are paid in.
    /// @param bidToken The bid-token collection.
    /// @param deed The asset-deed collection.
    /// @param escrow The delivery escrow.
    /// @param revenueVault The revenue vault that collects the markup.
    constructor(
        address marketplace_,
        address paymentToken,
        address bidToken,
        address deed,
        address escrow,
        address revenueVault
    ) {
        _MARKETPLACE = IMarketplace(marketplace_);
        _PAYMENT_TOKEN = IERC20(paymentToken);
        _BID_TOKEN = IBidToken(bidToken);
        _DEED = IERC721(deed);
        _ESCROW = IDeliveryEscrow(escrow);
        _REVENUE_VAULT = revenueVault;
        _SELF = address(this);
    }

    // ---------------------------------------------------------------- buying

    /// @inheritdoc IListing
    function buy(uint256 tokenId, uint256 count) external returns (uint256 usedTokenId, uint256 firstStake) {
        return _buy(tokenId, count);
    }

    /// @inheritdoc IListing
    function buyWithPermit(
        uint256 tokenId,
        uint256 count,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 usedTokenId, uint256 firstStake) {
        // A count above N cannot be bought: skip the permit so `_buy` names the error instead of overflowing here.
        if (count <= CloneArgs.word(_STAKE_COUNT_WORD)) {
            uint256 cost = count * CloneArgs.word(_STAKE_PRICE_WORD);
            // A permit can be front-run by anyone who saw it; if it was, the allowance is already in place.
            try
                IERC20Permit(address(_PAYMENT_TOKEN)).permit(msg.sender, address(this), cost, permitDeadline, v, r, s)
            {} catch {} // solhint-disable-line no-empty-blocks
        }
        return _buy(tokenId, count);
    }

    function _buy(
        uint256 tokenId,
        uint256 count
    ) private nonReentrant onlyClone returns (uint256 usedTokenId, uint256 firstStake) {
        State memory state = _state;
        if (state.status != Status.Open) revert WrongStatus(state.status);
        // The charter was validated at approval, so its words fit their declared types.
        uint40 opensAt = uint40(CloneArgs.word(_OPENS_AT_WORD));
        if (block.timestamp < opensAt) revert NotOpenYet(opensAt);
        uint40 deadline = uint40(CloneArgs.word(_DEADLINE_WORD));
        if (block.timestamp >= deadline) revert SalesClosed(deadline);
        if (count == 0) revert ZeroStakes();
        uint256 remaining = CloneArgs.word(_STAKE_COUNT_WORD) - state.sold;
        if (count > remaining) revert ExceedsRemaining(count, remaining);
        address seller = address(uint160(CloneArgs.word(_SELLER_WORD)));
        if (msg.sender == seller) revert SellerCannotBuy(seller);

        uint256 fromWallet;
        (usedTokenId, fromWallet) = _admit(tokenId, count);

        uint256 index = state.purchases;
        firstStake = uint256(state.sold) + 1;
        // Cannot overflow: count ≤ remaining, so sold + count ≤ stakeCount, a uint64.
        uint64 lastStake = state.sold + uint64(count);
        _log.append(index, usedTokenId, lastStake);
        _positions[usedTokenId].stakes += uint64(count);
        state.sold = lastStake;
        state.purchases = uint64(index + 1);
        _state = state;
        emit StakesPurchased(usedTokenId, msg.sender, index, firstStake, count);

        // The token's credit paid the rest; it stays booked at the bid token until this listing leaves Open.
        if (fromWallet != 0) _PAYMENT_TOKEN.safeTransferFrom(msg.sender, address(this), fromWallet);
    }

    /// @dev The bid token checks the buyer, issues a token if needed and spends the token's credit first.
    function _admit(uint256 tokenId, uint256 count) private returns (uint256 usedTokenId, uint256 fromWallet) {
        // A token opens a position here with its first purchase: the bid token keeps count of them (SPEC §4.3).
        bool newPosition = tokenId == 0 || _positions[tokenId].stakes == 0;
        return _BID_TOKEN.admit(msg.sender, tokenId, count * CloneArgs.word(_STAKE_PRICE_WORD), newPosition);
    }

    // ---------------------------------------------------------------- settlement

    /// @inheritdoc IListing
    function settle() external nonReentrant onlyClone {
        Terms memory terms = _terms();
        State memory state = _state;
        if (state.status != Status.Open) revert WrongStatus(state.status);
        if (!_settlementDue(terms, state)) revert SettlementNotDue(terms.deadline, state.sold);
        // Every outcome below pays out of this listing's balance: bring in the credit its buyers spent.
        _BID_TOKEN.collectCredit();

        if (state.sold < terms.threshold) return _failOpen(terms, state, FailureReason.ThresholdNotMet);
        if (!_MARKETPLACE.isVerifiedSeller(terms.seller)) {
            return _failOpen(terms, state, FailureReason.SellerRevoked);
        }

        uint256 timeout = _MARKETPLACE.drawTimeout();
        uint40 expiresAt = uint40(block.timestamp + timeout);
        state.status = Status.Drawing;
        state.drawExpiresAt = expiresAt;
        _state = state;

        uint256 requestId;
        try _MARKETPLACE.requestRandomness() returns (uint256 id) {
            requestId = id;
        } catch (bytes memory reason) {
            // A coordinator that keeps refusing (unfunded subscription, removed consumer) must not trap the buyers'
            // money: the operators get the same grace as an unanswered draw to fix it, then settlement fails the
            // listing. An empty reason is what running out of gas looks like, so it is never taken as a refusal.
            if (reason.length == 0 || block.timestamp < uint256(terms.deadline) + timeout) _bubble(reason);
            return _failOpen(terms, state, FailureReason.RandomnessUnavailable);
        }

        // The escrow pulls P and the deed, so its books never depend on what was pushed to it.
        _PAYMENT_TOKEN.forceApprove(address(_ESCROW), terms.price);
        _DEED.approve(address(_ESCROW), terms.deedId);
        uint256 orderId = _ESCROW.openSettlementOrder(terms.seller, terms.price, terms.deedId);
        _orderId = orderId;
        // Emitted last because it reports the ids the two calls above returned.
        emit DrawRequested(requestId, orderId, state.sold, expiresAt);
    }

    /// @inheritdoc IListing
    function finalize() external returns (address winner) {
        return _finalize(false, 0);
    }

    /// @inheritdoc IListing
    function finalizeWithHint(uint256 purchaseIndex) external returns (address winner) {
        return _finalize(true, purchaseIndex);
    }

    function _finalize(bool hinted, uint256 hint) private nonReentrant onlyClone returns (address winner) {
        State memory state = _state;
        if (state.status != Status.Drawing) revert WrongStatus(state.status);
        (IMarketplace.DrawStatus drawStatus, uint256 word) = _MARKETPLACE.randomWord(address(this));
        if (drawStatus != IMarketplace.DrawStatus.Fulfilled) {
            revert RandomnessPending(_MARKETPLACE.drawOf(address(this)).requestId);
        }

        // Uniform over the `sold` stakes: one word, reduced once (bias below 2**-190 for any sold < 2**64).
        uint256 stake = (word % state.sold) + 1;
        uint256 index;
        if (hinted) {
            if (!_log.holds(state.purchases, hint, stake)) revert WrongHint(hint, stake);
            index = hint;
        } else {
            index = _log.find(state.purchases, stake);
        }
        (uint256 tokenId, ) = _log.entry(index);
        // The winner is whoever owns the token now: positions move with the token (SPEC §4.3).
        winner = IERC721(address(_BID_TOKEN)).ownerOf(tokenId);

        state.status = Status.Settled;
        _state = state;
        emit WinnerDrawn(stake, tokenId, winner, index, word);
        _ESCROW.assignBuyer(winner);
    }

    /// @inheritdoc IListing
    function expireDraw() external nonReentrant onlyClone {
        State memory state = _state;
        if (state.status != Status.Drawing) revert WrongStatus(state.status);
        IMarketplace.Draw memory draw = _MARKETPLACE.drawOf(address(this));
        // Once a word exists it must be used: expiring then would let anyone discard a draw they dislike.
        if (draw.status == IMarketplace.DrawStatus.Fulfilled) revert RandomnessArrived(draw.requestId);
        if (block.timestamp < state.drawExpiresAt) revert DrawNotExpired(state.drawExpiresAt);

        state.status = Status.Failed;
        _state = state;
        emit ListingFailed(FailureReason.RandomnessTimedOut, state.sold);
        _MARKETPLACE.abandonRandomness();
        _ESCROW.voidOrder(); // P comes back here for the refunds, the deed goes to the seller
    }

    // ---------------------------------------------------------------- refunds and dissolution

    /// @inheritdoc IListing
    function claimRefund(uint256 tokenId) external nonReentrant onlyClone {
        State memory state = _state;
        if (state.status != Status.Failed && state.status != Status.Dissolved) revert WrongStatus(state.status);
        address holder = _BID_TOKEN.holderFor(tokenId, msg.sender);
        uint64 stakes = _positions[tokenId].stakes;
        if (stakes == 0) revert NothingToRefund(tokenId);

        delete _positions[tokenId];
        state.refundedStakes += stakes;
        _state = state;
        uint256 amount = stakes * CloneArgs.word(_STAKE_PRICE_WORD);
        emit RefundClaimed(tokenId, holder, amount);
        _PAYMENT_TOKEN.safeTransfer(holder, amount);
    }

    /// @inheritdoc IListing
    function voteToDissolve(uint256 tokenId) external nonReentrant onlyClone {
        Terms memory terms = _terms();
        State memory state = _state;
        if (state.status != Status.Open) revert WrongStatus(state.status);
        if (block.timestamp >= terms.deadline) revert SalesClosed(terms.deadline);
        _BID_TOKEN.holderFor(tokenId, msg.sender);
        Position memory position = _positions[tokenId];
        if (position.stakes == 0) revert NoStakes(tokenId);
        if (position.votedStakes == position.stakes) revert VoteUnchanged(tokenId);

        // Cannot exceed sold: each token's votes are at most its stakes, and the stakes sum to sold.
        uint64 votes = _dissolutionVotes + (position.stakes - position.votedStakes);
        _positions[tokenId].votedStakes = position.stakes;
        _dissolutionVotes = votes;
        emit DissolutionVoted(tokenId, msg.sender, position.stakes, votes, state.sold);

        if (votes == state.sold) {
            state.status = Status.Dissolved;
            _state = state;
            emit ListingDissolved(state.sold);
            _BID_TOKEN.collectCredit(); // the refunds are paid from here
            _DEED.transferFrom(address(this), terms.seller, terms.deedId);
        }
    }

    /// @inheritdoc IListing
    function withdrawDissolutionVote(uint256 tokenId) external onlyClone {
        State memory state = _state;
        if (state.status != Status.Open) revert WrongStatus(state.status);
        _BID_TOKEN.holderFor(tokenId, msg.sender);
        uint64 voted = _positions[tokenId].votedStakes;
        if (voted == 0) revert VoteUnchanged(tokenId);
        _positions[tokenId].votedStakes = 0;
        uint64 votes = _dissolutionVotes - voted;
        _dissolutionVotes = votes;
        emit DissolutionVoteWithdrawn(tokenId, votes);
    }

    /// @inheritdoc IListing
    function releaseMarkup() external nonReentrant onlyClone returns (uint256 amount) {
        State memory state = _state;
        if (msg.sender != _REVENUE_VAULT || state.markupReleased) revert MarkupUnavailable(msg.sender);
        if (state.status != Status.Settled) revert WrongStatus(state.status);
        amount = _markup(_terms(), state);
        state.markupReleased = true;
        _state = state;
        emit MarkupReleased(amount);
        _PAYMENT_TOKEN.safeTransfer(_REVENUE_VAULT, amount);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IListing
    function charter() external view onlyClone returns (uint256 listingId, Terms memory terms) {
        return abi.decode(Clones.fetchCloneArgs(address(this)), (uint256, Terms));
    }

    /// @inheritdoc IListing
    function status() external view returns (Status) {
        return _state.status;
    }

    /// @inheritdoc IListing
    function sales() external view returns (uint256 sold, uint256 purchases) {
        return (_state.sold, _state.purchases);
    }

    /// @inheritdoc IListing
    function oddsOf(uint256 tokenId) external view returns (uint256 stakes, uint256 sold) {
        return (_positions[tokenId].stakes, _state.sold);
    }

    /// @inheritdoc IListing
    function positionOpen(uint256 tokenId) external view returns (bool) {
        // Open or drawing: the stakes are live; failed or dissolved: the refund is unclaimed; settled: closed.
        return _state.status != Status.Settled && _positions[tokenId].stakes != 0;
    }

    /// @inheritdoc IListing
    function purchase(uint256 index) external view returns (uint256 tokenId, uint256 firstStake, uint256 lastStake) {
        if (index >= _state.purchases) return (0, 0, 0);
        return _log.range(index);
    }

    /// @inheritdoc IListing
    function pendingAction() external view onlyClone returns (Action) {
        State memory state = _state;
        if (state.status == Status.Open) {
            return _settlementDue(_terms(), state) ? Action.Settle : Action.None;
        }
        if (state.status == Status.Drawing) {
            (IMarketplace.DrawStatus drawStatus, ) = _MARKETPLACE.randomWord(address(this));
            if (drawStatus == IMarketplace.DrawStatus.Fulfilled) return Action.Finalize;
            if (block.timestamp >= state.drawExpiresAt) return Action.Expire;
        }
        return Action.None;
    }

    /// @inheritdoc IListing
    function winningStake() external view returns (bool ready, uint256 stake, uint256 purchaseIndex) {
        State memory state = _state;
        if (state.status != Status.Drawing && state.status != Status.Settled) return (false, 0, 0);
        (IMarketplace.DrawStatus drawStatus, uint256 word) = _MARKETPLACE.randomWord(address(this));
        if (drawStatus != IMarketplace.DrawStatus.Fulfilled) return (false, 0, 0);
        stake = (word % state.sold) + 1;
        return (true, stake, _log.find(state.purchases, stake));
    }

    /// @inheritdoc IListing
    function owed() external view onlyClone returns (uint256) {
        State memory state = _state;
        Terms memory terms = _terms();
        if (state.status == Status.Open) {
            return uint256(state.sold) * terms.stakePrice - _BID_TOKEN.creditPendingFor(address(this));
        }
        if (state.status == Status.Drawing) return uint256(state.sold) * terms.stakePrice - terms.price;
        if (state.status == Status.Settled) return state.markupReleased ? 0 : _markup(terms, state);
        return uint256(state.sold - state.refundedStakes) * terms.stakePrice;
    }

    /// @inheritdoc IListing
    function marketplace() external view returns (address) {
        return address(_MARKETPLACE);
    }

    /// @inheritdoc IListing
    function escrowOrderId() external view returns (uint256) {
        return _orderId;
    }

    // ---------------------------------------------------------------- internals

    function _terms() private view returns (Terms memory terms) {
        (, terms) = abi.decode(Clones.fetchCloneArgs(address(this)), (uint256, Terms));
    }

    function _settlementDue(Terms memory terms, State memory state) private view returns (bool) {
        return block.timestamp >= terms.deadline || (terms.drawAtSellOut && state.sold == terms.stakeCount);
    }

    /// @dev Threshold validation guarantees sold × s ≥ T × s ≥ P whenever a listing reaches Drawing.
    function _markup(Terms memory terms, State memory state) private pure returns (uint256) {
        return uint256(state.sold) * terms.stakePrice - terms.price;
    }

    function _bubble(bytes memory reason) private pure {
        assembly ("memory-safe") {
            revert(add(reason, 0x20), mload(reason))
        }
    }

    function _failOpen(Terms memory terms, State memory state, FailureReason reason) private {
        state.status = Status.Failed;
        _state = state;
        emit ListingFailed(reason, state.sold);
        // A plain transfer: a seller contract without an ERC-721 receiver must not block the refunds.
        _DEED.transferFrom(address(this), terms.seller, terms.deedId);
    }
}
