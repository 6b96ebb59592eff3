// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {EscrowSettings} from "./EscrowSettings.sol";
import {IMembershipHooks} from "./interfaces/IMembershipHooks.sol";
import {CancellationReasons} from "./libraries/CancellationReasons.sol";
import {MembershipReports} from "./libraries/MembershipReports.sol";
import {Payouts} from "./libraries/Payouts.sol";

/// @title OrderEnds
/// @notice The ends of a delivery-escrow order: release to the seller (the buyer gets the deed), refund to the buyer
/// (the seller gets the deed back), a forfeited deposit, a dispute's split, and the membership report of each. Every
/// path that ends an order in `DeliveryEscrow` ends here; nothing here moves tokens but the deed (payouts are
/// credited to `Payouts.Books` and withdrawn by their owners).
/// @dev The base of `DeliveryEscrow`, on top of its settings. Internal functions of a base contract compile into the
/// escrow as its own private ones did (an internal library cost 20-40 gas per release in the size it had to fit).
abstract contract OrderEnds is EscrowSettings {
    /// @notice Reason codes of the escrow's own cancellations (see `CancellationReasons`): the seller missed the
    /// ship-by time.
    uint8 public constant REASON_SHIP_BY_MISSED = CancellationReasons.SHIP_BY_MISSED;
    /// @notice Refunded after a suspension.
    uint8 public constant REASON_SUSPENDED = CancellationReasons.SUSPENDED;
    /// @notice Refunded by dispute.
    uint8 public constant REASON_DISPUTE_REFUND = CancellationReasons.DISPUTE_REFUND;
    /// @notice Split by dispute.
    uint8 public constant REASON_DISPUTE_SPLIT = CancellationReasons.DISPUTE_SPLIT;
    /// @notice Cash option taken.
    uint8 public constant REASON_CASH_OPTION = CancellationReasons.CASH_OPTION;
    /// @notice A dispute opened before shipment expired without a decision (nobody charged).
    uint8 public constant REASON_DISPUTE_EXPIRED = CancellationReasons.DISPUTE_EXPIRED;
    /// @notice The balance was still unpaid when the confirmation window ended: the deposit is forfeited.
    uint8 public constant REASON_BALANCE_UNPAID = CancellationReasons.BALANCE_UNPAID;
    /// @notice First reason code free for agreements and policies.
    uint8 public constant FIRST_FREE_REASON = CancellationReasons.FIRST_FREE;

    uint256 internal constant _BPS = 10_000;

    IERC721 internal immutable _DEED;

    Payouts.Books internal _books;
    MembershipReports.State internal _reports;

    /// @param marketplace_ The marketplace whose roles govern the escrow.
    /// @param deed The asset-deed collection.
    constructor(address marketplace_, address deed) EscrowSettings(marketplace_) {
        _DEED = IERC721(deed);
    }

    /// @dev Credits the seller and hands the deed to the buyer. Every release path ends here.
    function _release(uint256 orderId, Order storage o, ReleaseMethod method) internal {
        uint256 amount = o.amount;
        address seller = o.seller;
        address listing = o.listing;
        if (o.paid != amount) revert BalanceDue(orderId, amount - o.paid);
        o.status = OrderStatus.Released;
        address buyer = o.buyer;
        uint256 fee;
        if (listing == address(0)) {
            // Direct orders pay the platform fee snapshotted at opening (settlement orders paid the markup).
            fee = (amount * o.feeBps) / _BPS;
            if (fee != 0) _books.feesHeld += fee;
        }
        _books.owed[seller] += amount - fee;
        emit OrderReleased(orderId, seller, amount, method);
        if (fee != 0) emit PlatformFeeCharged(orderId, fee);
        // A plain transfer: no receiver callback can re-enter or block the release.
        if (listing != address(0)) _DEED.transferFrom(address(this), buyer, o.deedId);
        MembershipReports.send(
            _reports,
            _config.membership,
            orderId,
            abi.encodeCall(IMembershipHooks.onOrderCompleted, (orderId, buyer, seller, amount, fee, listing))
        );
    }

    /// @dev A shipped order whose time is up: released if paid in full, else the seller keeps the deposit and the
    /// buyer, who neither paid nor disputed in time, is charged with the cancellation. So every shipped order ends.
    function _releaseOrForfeit(uint256 orderId, Order storage o, ReleaseMethod method) internal {
        uint256 paid = o.paid;
        uint256 amount = o.amount;
        if (paid == amount) {
            _release(orderId, o, method);
            return;
        }
        address seller = o.seller;
        o.status = OrderStatus.Split;
        _books.owed[seller] += paid;
        emit DepositForfeited(orderId, paid, amount - paid);
        // Only direct orders carry a deposit, so there is no deed to move.
        _reportCancelled(orderId, o.buyer, seller, IMembershipHooks.Party.Buyer, REASON_BALANCE_UNPAID);
    }

    /// @dev Credits the buyer what it paid and returns the deed to the seller. Every refund path ends here, except
    /// `cancelByPolicy`'s Credit and WalletMinusFee modes (`Payouts.refundByMode`).
    function _refund(
        uint256 orderId,
        Order storage o,
        OrderStatus status,
        IMembershipHooks.Party responsible,
        uint8 reason
    ) internal {
        o.status = status;
        uint256 paid = o.paid;
        address buyer = o.buyer;
        address seller = o.seller;
        _books.owed[buyer] += paid;
        emit OrderRefunded(orderId, buyer, paid, responsible, reason);
        if (o.listing != address(0)) _DEED.transferFrom(address(this), seller, o.deedId);
        _reportCancelled(orderId, buyer, seller, responsible, reason);
    }

    /// @dev Two equal votes settle a dispute.
    function _resolve(uint256 orderId, Order storage o, Outcome outcome, uint16 sellerBps) internal {
        if (outcome == Outcome.Release) {
            emit DisputeResolved(orderId, outcome, o.paid, 0);
            _release(orderId, o, ReleaseMethod.Dispute);
        } else if (outcome == Outcome.Refund) {
            emit DisputeResolved(orderId, outcome, 0, o.paid);
            _refund(orderId, o, OrderStatus.Refunded, IMembershipHooks.Party.Seller, REASON_DISPUTE_REFUND);
        } else {
            Payouts.split(_books, o, orderId, sellerBps, _DEED);
            _reportCancelled(orderId, o.buyer, o.seller, IMembershipHooks.Party.Both, REASON_DISPUTE_SPLIT);
        }
    }

    /// @dev The report of every cancellation, refund and split.
    function _reportCancelled(
        uint256 orderId,
        address buyer,
        address seller,
        IMembershipHooks.Party responsible,
        uint8 reason
    ) internal {
        MembershipReports.send(
            _reports,
            _config.membership,
            orderId,
            abi.encodeCall(IMembershipHooks.onOrderCancelled, (orderId, buyer, seller, responsible, reason))
        );
    }
}
