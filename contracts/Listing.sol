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
import {Charter} from "./libraries/Charter.sol";
import {ListingState} from "./libraries/ListingState.sol";
import {CancellationRules} from "./libraries/CancellationRules.sol";
import {ListingSettlement} from "./libraries/ListingSettlement.sol";
import {DissolutionVotes} from "./libraries/DissolutionVotes.sol";
import {ListingBalance} from "./libraries/ListingBalance.sol";
import {RefundModes} from "./libraries/RefundModes.sol";

/// @title Listing
/// @notice The per-listing DAO (agreements II and III): sells N equal stakes until Time-Date A, then either
/// pays the seller's price into a delivery-escrow order and draws one stake with Chainlink VRF, or refunds.
/// @dev Used only through EIP-1167 clones created by the Marketplace; the charter is the clone's immutable
/// arguments, so the buy path reads it from code instead of storage. The implementation refuses every call.
contract Listing is IListing, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using PurchaseLog for PurchaseLog.Log;
    using ListingState for ListingState.State;
    using ListingState for ListingState.Position;

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

    ListingState.State private _state;
    ListingState.Funds private _funds;
    PurchaseLog.Log private _log;
    mapping(uint256 tokenId => ListingState.Position) private _positions;

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
        if (count <= Charter.stakeCount()) {
            // The wallet pays the cost minus the token's credit, which is spent first. The signed value is used
            // whenever it covers that share: a stranger's top-up only lowers the share, so it cannot make it fail.
            uint256 cost = count * Charter.stakePrice();
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
        ListingState.State memory state = _state;
        if (state.status != Status.Open) revert WrongStatus(state.status);
        {
            uint40 opensAt = Charter.opensAt();
            if (block.timestamp < opensAt) revert NotOpenYet(opensAt);
            uint40 deadline = Charter.deadline();
            if (block.timestamp >= deadline) revert SalesClosed(deadline);
            if (count == 0) revert ZeroStakes();
            uint256 remaining = Charter.stakeCount() - state.held;
            if (count > remaining) revert ExceedsRemaining(count, remaining);
            address seller = Charter.seller();
            if (msg.sender == seller) revert SellerCannotBuy(seller);
        }

        // A token's position here is read once. A token issued by this purchase has none: a token with stakes in an
        // open listing is never recycled.
        ListingState.Position memory position;
        if (tokenId != 0) position = _positions[tokenId];
        uint256 fromWallet;
        {
            uint256 cost = count * Charter.stakePrice();
            // The bid token checks the buyer, issues a token if needed, spends its credit first and counts a new
            // position (SPEC §4.3); a token that is already in this listing's lane keeps that one lane.
            (usedTokenId, fromWallet) = _BID_TOKEN.admit(msg.sender, tokenId, cost, position.stakes == 0);
            // What credit paid is refunded as credit, whatever happens to the purchase (fits: see Position).
            position.creditPaid += uint96(cost - fromWallet);
        }

        uint256 index;
        (index, firstStake) = _state.record(_positions[usedTokenId], _log, state, position, usedTokenId, count);
        emit StakesPurchased(usedTokenId, msg.sender, index, firstStake, count);

        // The token's credit paid the rest; it stays booked at the bid token until this listing leaves Open.
        if (fromWallet != 0) _PAYMENT_TOKEN.safeTransferFrom(msg.sender, address(this), fromWallet);
    }

    // ---------------------------------------------------------------- settlement

    /// @inheritdoc IListing
    function settle() external nonReentrant onlyClone {
        ListingSettlement.settle(_state, _MARKETPLACE, _BID_TOKEN, _PAYMENT_TOKEN, _ESCROW, _DEED);
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

    /// @dev Draws the winner from the purchase log once the word arrived; kept here, not in `ListingSettlement`,
    /// because its gas is a target and a library call would add to it.
    function _finalize(uint256[] memory hints) private nonReentrant onlyClone returns (address winner) {
        ListingState.State memory state = _state;
        if (state.status != Status.Drawing) revert WrongStatus(state.status);
        (IMarketplace.DrawStatus drawStatus, uint256 word) = _MARKETPLACE.randomWord(address(this));
        if (drawStatus != IMarketplace.DrawStatus.Fulfilled) {
            revert RandomnessPending(_MARKETPLACE.drawOf(address(this)).requestId);
        }
        uint256 numbered;
        // Cannot overflow: the sum of two 40-bit counts.
        unchecked {
            numbered = uint256(state.held) + state.cancelledStakes;
        }
        (uint256 stake, uint256 index, uint256 tokenId) = _log.draw(state.purchases, numbered, word, hints);
        // The winner is whoever owns the token now: positions move with the token (SPEC §4.3).
        winner = IERC721(address(_BID_TOKEN)).ownerOf(tokenId);

        state.status = Status.Settled;
        _state.write(state);
        emit WinnerDrawn(stake, tokenId, winner, index, word);
        _ESCROW.assignBuyer(winner);
    }

    /// @inheritdoc IListing
    function expireDraw() external nonReentrant onlyClone {
        ListingSettlement.expire(_state, _MARKETPLACE, _ESCROW);
    }

    /// @inheritdoc IListing
    function failStalled() external onlyClone {
        if (!ListingSettlement.tryTransition(_state, _MARKETPLACE.settlementGrace(), _MARKETPLACE)) _failStalled();
    }

    /// @dev Guarded: reached through `failStalled` re-entered from inside its own settle attempt, it reverts.
    function _failStalled() private nonReentrant {
        ListingSettlement.failStalled(_state, _funds, _MARKETPLACE, _BID_TOKEN, _DEED);
    }

    /// @inheritdoc IListing
    function recoverFunds() external nonReentrant onlyClone returns (uint256 credit, uint256 price) {
        return ListingSettlement.recover(_state, _funds, _BID_TOKEN, _ESCROW);
    }

    // ---------------------------------------------------------------- refunds and dissolution

    /// @inheritdoc IListing
    function claimRefund(uint256 tokenId) external nonReentrant onlyClone {
        ListingState.State memory state = _state;
        if (state.status != Status.Failed && state.status != Status.Dissolved) revert WrongStatus(state.status);
        address holder = _BID_TOKEN.holderFor(tokenId, msg.sender);
        ListingState.Position memory position = _positions[tokenId];
        if (position.stakes == 0) revert NothingToRefund(tokenId);

        delete _positions[tokenId];
        state.refundedStakes += position.stakes;
        _state.write(state);
        uint256 amount = position.stakes * Charter.stakePrice();
        // What the token's credit paid goes back to the token as credit; the wallet gets what the wallet paid.
        uint256 toCredit = position.creditPaid;
        emit RefundClaimed(tokenId, holder, amount, toCredit);
        if (toCredit != 0) _returnCredit(tokenId, toCredit);
        if (amount != toCredit) _PAYMENT_TOKEN.safeTransfer(holder, amount - toCredit);
    }

    /// @inheritdoc IListing
    function voteToDissolve(uint256 tokenId) external nonReentrant onlyClone {
        DissolutionVotes.vote(_state, _positions[tokenId], tokenId, _BID_TOKEN, _DEED);
    }

    /// @inheritdoc IListing
    function cancelPurchase(uint256 purchaseIndex) external nonReentrant onlyClone returns (uint256 refund) {
        Cancellation memory c = _cancel(purchaseIndex);
        if (c.fee != 0) _funds.feesKept += uint128(c.fee);
        refund = c.toWallet + c.toCredit;
        emit PurchaseCancelled(purchaseIndex, c.tokenId, c.holder, c.count, refund, c.toCredit, c.fee, c.mode);
        if (c.dissolves) emit ListingDissolved(_state.held);

        // Part of the stakes may have been paid with credit the bid token still holds for this listing.
        if (c.dissolves || _PAYMENT_TOKEN.balanceOf(address(this)) < refund) _BID_TOKEN.collectCredit();
        if (c.toCredit != 0) _returnCredit(c.tokenId, c.toCredit);
        if (c.toWallet != 0) _PAYMENT_TOKEN.safeTransfer(c.holder, c.toWallet);
        if (c.dissolves) _DEED.transferFrom(address(this), Charter.seller(), Charter.deedId());
    }

    /// @dev The checks and effects of `cancelPurchase`.
    function _cancel(uint256 purchaseIndex) private returns (Cancellation memory c) {
        if (address(_MEMBERSHIP) == address(0)) revert CancellationUnavailable();
        ListingState.State memory state = _state;
        if (state.status != Status.Open) revert WrongStatus(state.status);
        if (purchaseIndex >= state.purchases) revert UnknownPurchase(purchaseIndex);
        (uint256 tokenId, uint256 lastStake, bool cancelled) = _log.entry(purchaseIndex);
        if (cancelled) revert PurchaseAlreadyCancelled(purchaseIndex);
        c.tokenId = tokenId;
        c.holder = _BID_TOKEN.holderFor(tokenId, msg.sender);
        ListingState.Position memory position = _positions[tokenId];
        if (position.lastPurchase != purchaseIndex) revert NotLatestPurchase(purchaseIndex, position.lastPurchase);
        c.count = uint40(lastStake - (purchaseIndex == 0 ? 0 : _log.lastStakeAt(purchaseIndex - 1)));
        // Cancelled stakes never outnumber max(held, T), and those beyond its first half pay BUDGET_FEE_BPS.
        (uint256 cancelledAfter, uint256 charged) = CancellationRules.budget(
            state.cancelledStakes,
            state.held,
            c.count,
            Charter.threshold()
        );
        // The membership counts the cancellation and answers with the holder's tier terms; if the time is not
        // right the whole cancellation reverts, that count included. A trusted system contract, called under
        // this listing's reentrancy guard.
        (uint256 window, uint256 cutoff, IMembership.RefundMode mode, uint256 feeBps) = _MEMBERSHIP.onStakeCancelled(
            c.holder
        );
        CancellationRules.checkTime(window, cutoff, position.lastPurchaseAt, Charter.deadline());
        c.mode = mode;
        _splitRefund(c, position, charged, RefundModes.feeRate(mode, feeBps));

        _log.cancel(purchaseIndex);
        position.stakes -= c.count;
        state.held -= c.count;
        state.cancelledStakes = uint40(cancelledAfter);
        if (position.votedStakes > position.stakes) {
            // Cannot underflow: the token's votes are part of the total.
            state.dissolutionVotes -= uint40(position.votedStakes - position.stakes);
            position.votedStakes = position.stakes;
        }
        // The cancelled stakes may have been the only ones not voting to dissolve.
        c.dissolves = state.held != 0 && state.dissolutionVotes == state.held;
        if (c.dissolves) state.status = Status.Dissolved;
        _positions[tokenId].write(position);
        _state.write(state);
    }

    /// @dev Prices a cancellation and splits its refund (see `RefundModes.split`). The position's wallet-paid part
    /// (its value minus what credit paid) counts as paid from the wallet first, anything beyond it as paid from credit;
    /// the fee is the tier fee, plus the budget fee on the `charged` stakes.
    function _splitRefund(
        Cancellation memory c,
        ListingState.Position memory position,
        uint256 charged,
        uint256 tierBps
    ) private view {
        uint256 price = Charter.stakePrice();
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
        DissolutionVotes.withdraw(_state, _positions[tokenId], tokenId, _BID_TOKEN);
    }

    /// @inheritdoc IListing
    function releaseMarkup() external nonReentrant onlyClone returns (uint256 amount) {
        return ListingBalance.release(_state, _funds.feesKept, _PAYMENT_TOKEN, _REVENUE_VAULT);
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
    function sales() external view returns (uint256 held, uint256 purchases) {
        return (_state.held, _state.purchases);
    }

    /// @inheritdoc IListing
    function oddsOf(uint256 tokenId) external view returns (uint256 stakes, uint256 held) {
        return (_positions[tokenId].stakes, _state.held);
    }

    /// @inheritdoc IListing
    function cancellations() external view returns (uint256 cancelledStakes, uint256 feesKept) {
        return (_state.cancelledStakes, _funds.feesKept);
    }

    /// @inheritdoc IListing
    function isCancelled(uint256 purchaseIndex) external view returns (bool cancelled) {
        (, , cancelled) = _log.entry(purchaseIndex);
    }

    /// @inheritdoc IListing
    function holdsPosition(uint256 tokenId) external view returns (bool) {
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
        return ListingSettlement.pendingAction(_state, _MARKETPLACE);
    }

    /// @inheritdoc IListing
    function winningStake() external view returns (bool ready, uint256 stake, uint256 purchaseIndex) {
        return ListingSettlement.winningStake(_state, _log, _MARKETPLACE);
    }

    /// @inheritdoc IListing
    function owed() external view onlyClone returns (uint256) {
        return ListingBalance.owed(_state, _funds.feesKept, _BID_TOKEN);
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

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }

    function _max(uint256 a, uint256 b) private pure returns (uint256) {
        return a > b ? a : b;
    }
}
