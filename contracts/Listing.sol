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
import {IMembership} from "./interfaces/IMembership.sol";
import {PurchaseLog} from "./libraries/PurchaseLog.sol";
import {CloneArgs} from "./libraries/CloneArgs.sol";
import {RefundModes} from "./libraries/RefundModes.sol";

/// @title Listing
/// @notice The per-listing DAO (agreements II and III): sells N equal stakes until Time-Date A, then either
/// pays the seller's price into a delivery-escrow order and draws one stake with Chainlink VRF, or refunds.
/// @dev Used only through EIP-1167 clones created by the Marketplace; the charter is the clone's immutable
/// arguments, so the buy path reads it from code instead of storage. The implementation refuses every call.
contract Listing is IListing, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using PurchaseLog for PurchaseLog.Log;

    /// @dev Everything a purchase updates lives in this one slot. `sold` counts stakes held (sold and not
    /// cancelled); stake numbers run from 1 to sold + cancelledStakes, cancelled purchases keeping theirs. All fit
    /// 40 bits: the marketplace caps N below 2**40 and cancellations keep the numbers below 2N.
    struct State {
        Status status;
        bool markupReleased;
        uint40 sold;
        uint40 purchases;
        uint40 drawExpiresAt;
        uint40 refundedStakes;
        uint40 cancelledStakes;
        uint40 dissolutionVotes;
    }

    /// @dev A bid token's stakes here, how many of them voted to dissolve, its latest purchase (the one it may
    /// cancel, within its tier's window after `lastPurchaseAt`) and how much of its stakes' price was paid from the
    /// token's credit (refunded as credit, never to a wallet: SPEC §4.3). One slot: stake counts fit 40 bits (the
    /// marketplace caps N below 2**40) and 96 bits of payment-token units exceed any supply a listing can sell.
    struct Position {
        uint40 stakes;
        uint40 votedStakes;
        uint40 lastPurchase;
        uint40 lastPurchaseAt;
        uint96 creditPaid;
    }

    /// @dev What a cancellation hands from its checks and effects to its refund.
    struct Cancellation {
        uint256 tokenId;
        address holder;
        uint40 count;
        bool dissolves;
        IMembership.RefundMode mode;
        uint256 fee;
        uint256 toWallet;
        uint256 toCredit;
    }

    /// @notice The fee, in basis points of the stakes' price, on the stakes of a cancellation that take the listing's
    /// cancelled stakes beyond half of its cancellation budget max(held, T). The budget is shared by every holder (it
    /// keeps the draw uniform), so using up its second half costs the vault's fee: nobody can exhaust it for free.
    uint256 public constant BUDGET_FEE_BPS = 1_000;

    IMarketplace private immutable _MARKETPLACE;
    IERC20 private immutable _PAYMENT_TOKEN;
    IBidToken private immutable _BID_TOKEN;
    IERC721 private immutable _DEED;
    IDeliveryEscrow private immutable _ESCROW;
    address private immutable _REVENUE_VAULT;
    IMembership private immutable _MEMBERSHIP;
    address private immutable _SELF;

    // Word positions of the charter in the clone's arguments, abi.encode(listingId, Terms).
    uint256 private constant _SELLER_WORD = 1;
    uint256 private constant _DEED_ID_WORD = 2;
    uint256 private constant _PRICE_WORD = 3;
    uint256 private constant _STAKE_PRICE_WORD = 4;
    uint256 private constant _STAKE_COUNT_WORD = 5;
    uint256 private constant _THRESHOLD_WORD = 6;
    uint256 private constant _OPENS_AT_WORD = 7;
    uint256 private constant _DEADLINE_WORD = 8;

    State private _state;
    /// @dev Cancellation fees kept for the revenue vault (tiers refunding "minus a fee").
    uint128 private _feesKept;
    /// @dev A `Stalled` failure left P (and the deed) in the escrow order; `recoverFunds` voids it.
    bool private _priceInEscrow;
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
    /// @param membership The membership contract whose tiers govern stake cancellations (zero: none allowed).
    constructor(
        address marketplace_,
        address paymentToken,
        address bidToken,
        address deed,
        address escrow,
        address revenueVault,
        address membership
    ) {
        _MARKETPLACE = IMarketplace(marketplace_);
        _PAYMENT_TOKEN = IERC20(paymentToken);
        _BID_TOKEN = IBidToken(bidToken);
        _DEED = IERC721(deed);
        _ESCROW = IDeliveryEscrow(escrow);
        _REVENUE_VAULT = revenueVault;
        _MEMBERSHIP = IMembership(membership);
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
        uint256 permitValue,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 usedTokenId, uint256 firstStake) {
        // A count above N cannot be bought: skip the permit so `_buy` names the error instead of overflowing here.
        if (count <= CloneArgs.word(_STAKE_COUNT_WORD)) {
            // The wallet pays the cost minus the token's credit, which is spent first. The signed value is used
            // whenever it covers that share: a stranger's top-up only lowers the share, so it cannot make it fail.
            uint256 cost = count * CloneArgs.word(_STAKE_PRICE_WORD);
            uint256 credit = tokenId == 0 ? 0 : _BID_TOKEN.creditOf(tokenId);
            uint256 fromWallet = cost > credit ? cost - credit : 0;
            // A permit can be front-run by anyone who saw it; if it was, the allowance is already in place.
            if (fromWallet != 0 && permitValue >= fromWallet) {
                try
                    IERC20Permit(address(_PAYMENT_TOKEN)).permit(
                        msg.sender,
                        address(this),
                        permitValue,
                        permitDeadline,
                        v,
                        r,
                        s
                    )
                {} catch {} // solhint-disable-line no-empty-blocks
            }
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

        // A token's position here is read once. A token issued by this purchase has none: a token with stakes in an
        // open listing is never recycled.
        Position memory position;
        if (tokenId != 0) position = _positions[tokenId];
        uint256 fromWallet;
        {
            uint256 cost = count * CloneArgs.word(_STAKE_PRICE_WORD);
            // The bid token checks the buyer, issues a token if needed, spends its credit first and counts a new
            // position (SPEC §4.3); a token that is already in this listing's lane keeps that one lane.
            (usedTokenId, fromWallet) = _BID_TOKEN.admit(msg.sender, tokenId, cost, position.stakes == 0);
            // What credit paid is refunded as credit, whatever happens to the purchase (fits: see Position).
            position.creditPaid += uint96(cost - fromWallet);
        }

        uint256 index;
        (index, firstStake) = _record(state, position, usedTokenId, count);
        emit StakesPurchased(usedTokenId, msg.sender, index, firstStake, count);

        // The token's credit paid the rest; it stays booked at the bid token until this listing leaves Open.
        if (fromWallet != 0) _PAYMENT_TOKEN.safeTransferFrom(msg.sender, address(this), fromWallet);
    }

    /// @dev Appends the purchase to the log and the token's position, and writes the state slot once.
    function _record(
        State memory state,
        Position memory position,
        uint256 tokenId,
        uint256 count
    ) private returns (uint256 index, uint256 firstStake) {
        index = state.purchases;
        // Fits the log's 40-bit lane: the marketplace caps N at 2**39 − 1, and cancelled ≤ max(held, T) ≤ N.
        uint256 numbered = uint256(state.sold) + state.cancelledStakes;
        firstStake = numbered + 1;
        _log.append(index, tokenId, numbered + count);
        position.stakes += uint40(count);
        position.lastPurchase = uint40(index);
        position.lastPurchaseAt = uint40(block.timestamp);
        _storePosition(tokenId, position);
        state.sold += uint40(count);
        state.purchases = uint40(index + 1);
        _storeState(state);
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
        _storeState(state);

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
        // The escrow records the order under this listing (`escrowOrderId` reads it there): not stored twice.
        uint256 orderId = _ESCROW.openSettlementOrder(terms.seller, terms.price, terms.deedId);
        // Emitted last because it reports the ids the two calls above returned.
        emit DrawRequested(requestId, orderId, state.sold, expiresAt);
    }

    /// @inheritdoc IListing
    function finalize() external returns (address winner) {
        return _finalize(new uint256[](0));
    }

    /// @inheritdoc IListing
    function finalizeWithHint(uint256 purchaseIndex) external returns (address winner) {
        uint256[] memory hints = new uint256[](1);
        hints[0] = purchaseIndex;
        return _finalize(hints);
    }

    /// @inheritdoc IListing
    function finalizeWithHints(uint256[] calldata purchaseIndices) external returns (address winner) {
        return _finalize(purchaseIndices);
    }

    function _finalize(uint256[] memory hints) private nonReentrant onlyClone returns (address winner) {
        State memory state = _state;
        if (state.status != Status.Drawing) revert WrongStatus(state.status);
        (IMarketplace.DrawStatus drawStatus, uint256 word) = _MARKETPLACE.randomWord(address(this));
        if (drawStatus != IMarketplace.DrawStatus.Fulfilled) {
            revert RandomnessPending(_MARKETPLACE.drawOf(address(this)).requestId);
        }
        (uint256 stake, uint256 index, uint256 tokenId) = _log.draw(
            state.purchases,
            uint256(state.sold) + state.cancelledStakes,
            word,
            hints
        );
        // The winner is whoever owns the token now: positions move with the token (SPEC §4.3).
        winner = IERC721(address(_BID_TOKEN)).ownerOf(tokenId);

        state.status = Status.Settled;
        _storeState(state);
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
        _storeState(state);
        emit ListingFailed(FailureReason.RandomnessTimedOut, state.sold);
        _MARKETPLACE.abandonRandomness();
        _ESCROW.voidOrder(); // P comes back here for the refunds, the deed goes to the seller
    }

    /// @inheritdoc IListing
    function failStalled() external onlyClone {
        Status current = _state.status;
        uint256 grace = _MARKETPLACE.settlementGrace();
        // The listing first tries its normal transition: only one that reverts now is failed (a healthy one settles).
        if (current == Status.Open) {
            uint256 stalledAt = CloneArgs.word(_DEADLINE_WORD) + grace;
            if (block.timestamp < stalledAt) revert NotStalledYet(stalledAt);
            try this.settle() {
                return;
            } catch (bytes memory reason) {
                if (reason.length == 0) _bubble(reason);
            }
        } else if (current == Status.Drawing) {
            uint256 stalledAt = uint256(_state.drawExpiresAt) + grace;
            if (block.timestamp < stalledAt) revert NotStalledYet(stalledAt);
            // A word that arrived is always used: finalize moves no money, so the token cannot stop it.
            IMarketplace.Draw memory draw = _MARKETPLACE.drawOf(address(this));
            if (draw.status == IMarketplace.DrawStatus.Fulfilled) revert RandomnessArrived(draw.requestId);
            try this.expireDraw() {
                return;
            } catch (bytes memory reason) {
                if (reason.length == 0) _bubble(reason);
            }
        } else {
            revert WrongStatus(current);
        }
        _failStalled();
    }

    /// @dev Guarded: reached through `failStalled` re-entered from inside its own settle attempt, it reverts.
    function _failStalled() private nonReentrant {
        State memory state = _state;
        if (state.status == Status.Open) {
            // The credit stays pending at the bid token if the token refuses it now; `recoverFunds` collects it later.
            try _BID_TOKEN.collectCredit() {} catch {} // solhint-disable-line no-empty-blocks
            return _failOpen(_terms(), state, FailureReason.Stalled);
        }
        if (state.status != Status.Drawing) revert WrongStatus(state.status);
        state.status = Status.Failed;
        _state = state;
        _priceInEscrow = true; // P and the deed stay in the escrow order until `recoverFunds` voids it
        emit ListingFailed(FailureReason.Stalled, state.sold);
        _MARKETPLACE.abandonRandomness();
    }

    /// @inheritdoc IListing
    function recoverFunds() external nonReentrant onlyClone returns (uint256 credit, uint256 price) {
        Status current = _state.status;
        if (current != Status.Failed) revert WrongStatus(current);
        credit = _BID_TOKEN.creditPendingFor(address(this));
        if (_priceInEscrow) {
            price = CloneArgs.word(_PRICE_WORD);
            _priceInEscrow = false;
        }
        if (credit == 0 && price == 0) revert NothingToRecover();
        emit FundsRecovered(credit, price);
        if (credit != 0) _BID_TOKEN.collectCredit();
        if (price != 0) _ESCROW.voidOrder(); // P comes back here for the refunds, the deed goes to the seller
    }

    // ---------------------------------------------------------------- refunds and dissolution

    /// @inheritdoc IListing
    function claimRefund(uint256 tokenId) external nonReentrant onlyClone {
        State memory state = _state;
        if (state.status != Status.Failed && state.status != Status.Dissolved) revert WrongStatus(state.status);
        address holder = _BID_TOKEN.holderFor(tokenId, msg.sender);
        Position memory position = _positions[tokenId];
        if (position.stakes == 0) revert NothingToRefund(tokenId);

        delete _positions[tokenId];
        state.refundedStakes += position.stakes;
        _storeState(state);
        uint256 amount = position.stakes * CloneArgs.word(_STAKE_PRICE_WORD);
        // What the token's credit paid goes back to the token as credit; the wallet gets what the wallet paid.
        uint256 toCredit = position.creditPaid;
        emit RefundClaimed(tokenId, holder, amount, toCredit);
        if (toCredit != 0) _returnCredit(tokenId, toCredit);
        if (amount != toCredit) _PAYMENT_TOKEN.safeTransfer(holder, amount - toCredit);
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
        uint40 votes = state.dissolutionVotes + (position.stakes - position.votedStakes);
        _positions[tokenId].votedStakes = position.stakes;
        state.dissolutionVotes = votes;
        _storeState(state);
        emit DissolutionVoted(tokenId, msg.sender, position.stakes, votes, state.sold);

        if (votes == state.sold) _dissolve(terms, state);
    }

    /// @inheritdoc IListing
    function cancelPurchase(uint256 purchaseIndex) external nonReentrant onlyClone returns (uint256 refund) {
        Cancellation memory c = _cancel(purchaseIndex);
        if (c.fee != 0) _feesKept += uint128(c.fee);
        refund = c.toWallet + c.toCredit;
        emit PurchaseCancelled(purchaseIndex, c.tokenId, c.holder, c.count, refund, c.toCredit, c.fee, c.mode);
        if (c.dissolves) emit ListingDissolved(_state.sold);

        // Part of the stakes may have been paid with credit the bid token still holds for this listing.
        if (c.dissolves || _PAYMENT_TOKEN.balanceOf(address(this)) < refund) _BID_TOKEN.collectCredit();
        if (c.toCredit != 0) _returnCredit(c.tokenId, c.toCredit);
        if (c.toWallet != 0) _PAYMENT_TOKEN.safeTransfer(c.holder, c.toWallet);
        if (c.dissolves) _DEED.transferFrom(address(this), address(uint160(CloneArgs.word(_SELLER_WORD))), _deedId());
    }

    /// @dev The checks and effects of `cancelPurchase`.
    function _cancel(uint256 purchaseIndex) private returns (Cancellation memory c) {
        if (address(_MEMBERSHIP) == address(0)) revert CancellationUnavailable();
        State memory state = _state;
        if (state.status != Status.Open) revert WrongStatus(state.status);
        if (purchaseIndex >= state.purchases) revert UnknownPurchase(purchaseIndex);
        (uint256 tokenId, uint256 lastStake, bool cancelled) = _log.entry(purchaseIndex);
        if (cancelled) revert PurchaseAlreadyCancelled(purchaseIndex);
        c.tokenId = tokenId;
        c.holder = _BID_TOKEN.holderFor(tokenId, msg.sender);
        Position memory position = _positions[tokenId];
        if (position.lastPurchase != purchaseIndex) revert NotLatestPurchase(purchaseIndex, position.lastPurchase);
        c.count = uint40(lastStake - (purchaseIndex == 0 ? 0 : _log.lastStakeAt(purchaseIndex - 1)));
        // Cancelled stakes never outnumber max(held, T): a draw only happens with held ≥ T, so then at least half
        // of the stake numbers are held and every draw attempt hits one with probability ≥ 1/2 (see
        // `PurchaseLog.draw`); nobody can inflate the numbers to stall or bias a draw. Below T it never binds.
        uint256 cancelledAfter = uint256(state.cancelledStakes) + c.count;
        uint256 budget = _max(state.sold - c.count, CloneArgs.word(_THRESHOLD_WORD));
        if (cancelledAfter > budget) revert CancellationCapReached(state.cancelledStakes, state.sold);
        // The budget's first half is free; its stakes beyond cost the budget fee (see BUDGET_FEE_BPS), so that
        // nobody can use up everyone's budget, and block other holders' cancellations, at no cost.
        uint256 charged = cancelledAfter > budget / 2 ? _min(c.count, cancelledAfter - budget / 2) : 0;
        // The membership counts the cancellation and answers with the holder's tier terms; if the time is not
        // right the whole cancellation reverts, that count included. A trusted system contract, called under
        // this listing's reentrancy guard.
        (uint256 window, uint256 cutoff, IMembership.RefundMode mode, uint256 feeBps) = _MEMBERSHIP.onStakeCancelled(
            c.holder
        );
        _checkCancellationTime(window, cutoff, position.lastPurchaseAt);
        c.mode = mode;
        _splitRefund(c, position, charged, RefundModes.feeRate(mode, feeBps));

        _log.cancel(purchaseIndex);
        position.stakes -= c.count;
        state.sold -= c.count;
        state.cancelledStakes = uint40(cancelledAfter);
        if (position.votedStakes > position.stakes) {
            // Cannot underflow: the token's votes are part of the total.
            state.dissolutionVotes -= uint40(position.votedStakes - position.stakes);
            position.votedStakes = position.stakes;
        }
        // The cancelled stakes may have been the only ones not voting to dissolve.
        c.dissolves = state.sold != 0 && state.dissolutionVotes == state.sold;
        if (c.dissolves) state.status = Status.Dissolved;
        _storePosition(tokenId, position);
        _storeState(state);
    }

    /// @dev Prices a cancellation and splits its refund (see `RefundModes.split`). The position's wallet-paid part
    /// (its value minus what credit paid) counts as paid from the wallet first, anything beyond it as paid from credit;
    /// the fee is the tier fee, plus the budget fee on the `charged` stakes.
    function _splitRefund(
        Cancellation memory c,
        Position memory position,
        uint256 charged,
        uint256 tierBps
    ) private view {
        uint256 price = CloneArgs.word(_STAKE_PRICE_WORD);
        uint256 amount = uint256(c.count) * price;
        uint256 walletPaid = uint256(position.stakes) * price - position.creditPaid;
        uint256 creditPart = amount > walletPaid ? amount - walletPaid : 0;
        position.creditPaid -= uint96(creditPart);
        uint256 chargedBps = _max(tierBps, BUDGET_FEE_BPS);
        c.fee = ((amount - charged * price) * tierBps + charged * price * chargedBps) / 10_000;
        (c.toWallet, c.toCredit) = RefundModes.split(c.mode, amount, creditPart, c.fee);
    }

    /// @dev Hands `amount` back to token `tokenId` as credit (the listing's balance covers it: the caller collected
    /// the credit pending for this listing whenever its own balance fell short).
    function _returnCredit(uint256 tokenId, uint256 amount) private {
        _PAYMENT_TOKEN.forceApprove(address(_BID_TOKEN), amount);
        _BID_TOKEN.topUp(tokenId, amount);
    }

    /// @inheritdoc IListing
    function withdrawDissolutionVote(uint256 tokenId) external onlyClone {
        State memory state = _state;
        if (state.status != Status.Open) revert WrongStatus(state.status);
        _BID_TOKEN.holderFor(tokenId, msg.sender);
        uint40 voted = _positions[tokenId].votedStakes;
        if (voted == 0) revert VoteUnchanged(tokenId);
        _positions[tokenId].votedStakes = 0;
        uint40 votes = _state.dissolutionVotes - voted;
        _state.dissolutionVotes = votes;
        emit DissolutionVoteWithdrawn(tokenId, votes);
    }

    /// @inheritdoc IListing
    function releaseMarkup() external nonReentrant onlyClone returns (uint256 amount) {
        State memory state = _state;
        if (msg.sender != _REVENUE_VAULT || state.markupReleased) revert MarkupUnavailable(msg.sender);
        // A failed or dissolved listing has no markup, but may have kept cancellation fees.
        bool feesOnly = (state.status == Status.Failed || state.status == Status.Dissolved) && _feesKept != 0;
        if (state.status != Status.Settled && !feesOnly) revert WrongStatus(state.status);
        amount = (feesOnly ? 0 : _markup(_terms(), state)) + _feesKept;
        state.markupReleased = true;
        _storeState(state);
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
    function cancellations() external view returns (uint256 cancelledStakes, uint256 feesKept) {
        return (_state.cancelledStakes, _feesKept);
    }

    /// @inheritdoc IListing
    function isCancelled(uint256 purchaseIndex) external view returns (bool cancelled) {
        (, , cancelled) = _log.entry(purchaseIndex);
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
        (stake, purchaseIndex, ) = _log.draw(
            state.purchases,
            uint256(state.sold) + state.cancelledStakes,
            word,
            new uint256[](0)
        );
        return (true, stake, purchaseIndex);
    }

    /// @inheritdoc IListing
    function owed() external view onlyClone returns (uint256) {
        State memory state = _state;
        Terms memory terms = _terms();
        uint256 fees = state.markupReleased ? 0 : _feesKept;
        if (state.status == Status.Open) {
            return uint256(state.sold) * terms.stakePrice + fees - _BID_TOKEN.creditPendingFor(address(this));
        }
        if (state.status == Status.Drawing) return uint256(state.sold) * terms.stakePrice + fees - terms.price;
        if (state.status == Status.Settled) return state.markupReleased ? 0 : _markup(terms, state) + fees;
        return uint256(state.sold - state.refundedStakes) * terms.stakePrice + fees;
    }

    /// @inheritdoc IListing
    function marketplace() external view returns (address) {
        return address(_MARKETPLACE);
    }

    /// @inheritdoc IListing
    function escrowOrderId() external view returns (uint256) {
        return _ESCROW.orderOfListing(address(this));
    }

    /// @inheritdoc IListing
    function wiring() external view returns (address, address, address, address, address) {
        return (address(_BID_TOKEN), address(_DEED), address(_ESCROW), _REVENUE_VAULT, address(_MEMBERSHIP));
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

    /// @dev A cancellation must come within the holder's tier window after the purchase, and never within the
    /// membership's cut-off before Time-Date A.
    function _checkCancellationTime(uint256 window, uint256 cutoff, uint256 purchasedAt) private view {
        uint256 deadline = CloneArgs.word(_DEADLINE_WORD);
        uint256 closesAt = deadline - _min(deadline, cutoff);
        if (block.timestamp >= closesAt) revert CancellationClosed(closesAt);
        uint256 windowEnd = purchasedAt + window;
        if (block.timestamp > windowEnd) revert CancellationWindowPassed(windowEnd);
    }

    /// @dev Writes the state slot as one word, in Solidity's own layout for `State` (first member lowest): cheaper than
    /// the member-by-member copy of a memory struct, on every path that changes the state.
    function _storeState(State memory st) private {
        uint256 packed =
            uint256(uint8(st.status)) |
                (st.markupReleased ? 1 << 8 : 0) |
                (uint256(st.sold) << 16) |
                (uint256(st.purchases) << 56) |
                (uint256(st.drawExpiresAt) << 96) |
                (uint256(st.refundedStakes) << 136) |
                (uint256(st.cancelledStakes) << 176) |
                (uint256(st.dissolutionVotes) << 216);
        State storage stored = _state;
        // Why assembly: one SSTORE of the packed word; Solidity would copy the memory struct member by member.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(stored.slot, packed)
        }
    }

    /// @dev Writes a position as one word, in Solidity's own layout for `Position` (first member lowest): cheaper on
    /// the purchase path than the member-by-member copy of a memory struct.
    function _storePosition(uint256 tokenId, Position memory p) private {
        uint256 packed =
            uint256(p.stakes) |
                (uint256(p.votedStakes) << 40) |
                (uint256(p.lastPurchase) << 80) |
                (uint256(p.lastPurchaseAt) << 120) |
                (uint256(p.creditPaid) << 160);
        Position storage stored = _positions[tokenId];
        // Why assembly: one SSTORE of the packed word; Solidity would copy the memory struct member by member.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(stored.slot, packed)
        }
    }

    function _deedId() private view returns (uint256) {
        return CloneArgs.word(_DEED_ID_WORD);
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }

    function _max(uint256 a, uint256 b) private pure returns (uint256) {
        return a > b ? a : b;
    }

    function _dissolve(Terms memory terms, State memory state) private {
        state.status = Status.Dissolved;
        _storeState(state);
        emit ListingDissolved(state.sold);
        _BID_TOKEN.collectCredit(); // the refunds are paid from here
        _DEED.transferFrom(address(this), terms.seller, terms.deedId);
    }

    function _bubble(bytes memory reason) private pure {
        // Why assembly: rethrows the callee's revert data unchanged (Solidity cannot revert with raw bytes).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            revert(add(reason, 0x20), mload(reason))
        }
    }

    function _failOpen(Terms memory terms, State memory state, FailureReason reason) private {
        state.status = Status.Failed;
        _storeState(state);
        emit ListingFailed(reason, state.sold);
        // A plain transfer: a seller contract without an ERC-721 receiver must not block the refunds.
        _DEED.transferFrom(address(this), terms.seller, terms.deedId);
    }
}
