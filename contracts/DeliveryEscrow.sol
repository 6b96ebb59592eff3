// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {OfferBook} from "./OfferBook.sol";
import {OrderEnds} from "./OrderEnds.sol";
import {IDeliveryEscrow} from "./interfaces/IDeliveryEscrow.sol";
import {IMembershipHooks} from "./interfaces/IMembershipHooks.sol";
import {IMembership} from "./interfaces/IMembership.sol";
import {Authorizations} from "./libraries/Authorizations.sol";
import {Disputes} from "./libraries/Disputes.sol";
import {ExactTransfer} from "./libraries/ExactTransfer.sol";
import {MembershipReports} from "./libraries/MembershipReports.sol";
import {OneTimeCode} from "./libraries/OneTimeCode.sol";
import {Orders} from "./libraries/Orders.sol";
import {Payouts} from "./libraries/Payouts.sol";

/// @title DeliveryEscrow
/// @notice Holds the price of every order (and the deed of a settled listing) until the buyer authorizes delivery;
/// the seller is paid only then, and the buyer is refunded when the seller does not deliver (SPEC §4.5).
/// @dev Built on two bases, `EscrowSettings` under `OrderEnds` (the ends of an order: release, refund, forfeit,
/// split, each with its membership report) and `OfferBook` (sellers' signed offers). The steps before an order ends
/// are in internal libraries: `Orders` (opening, shipment, status checks), `Authorizations` (offer and release
/// signatures), `OneTimeCode`, `Disputes` and `Payouts` (the books: every payout is credited and withdrawn by its
/// owner).
contract DeliveryEscrow is OrderEnds, OfferBook, ReentrancyGuardTransient {
    using Orders for Order;
    using SafeERC20 for IERC20;

    /// @notice The buyer's authorization of delivery, signed with EIP-712 under this escrow's domain.
    // solhint-disable-next-line gas-small-strings
    bytes32 public constant RELEASE_TYPEHASH = keccak256(
        "Release(uint256 orderId,address seller,uint256 amount,uint256 deadline,uint256 nonce)"
    );
    /// @notice How long the arbiter has to settle a dispute before anyone may end it by its default outcome.
    uint256 public constant DISPUTE_TIMEOUT = Disputes.TIMEOUT;
    /// @notice Shortest one-time code in bytes: 128 bits, out of reach of an off-chain search of its public hash.
    uint256 public constant MIN_CODE_LENGTH = OneTimeCode.MIN_LENGTH;
    /// @notice Gas given to each membership report; a report that needs more fails alone and is recorded for replay.
    uint256 public constant REPORT_GAS = MembershipReports.GAS;
    /// @notice Gas kept back for recording a failed report (a new slot and the event carrying its calldata).
    uint256 public constant REPORT_RECORD_GAS = MembershipReports.RECORD_GAS;

    // solhint-disable-next-line gas-struct-packing
    struct CancelOffer {
        address by;
        IMembershipHooks.Party responsible;
        uint8 reason;
    }

    IERC20 private immutable _PAYMENT_TOKEN;

    uint256 private _orderCount;
    mapping(uint256 orderId => Order) private _orders;
    mapping(address listing => uint256 orderId) private _listingOrders;
    mapping(address seller => mapping(address agent => bool)) private _agents;
    mapping(uint256 orderId => Disputes.State) private _votes;
    mapping(uint256 orderId => CancelOffer) private _cancelOffers;

    /// @param marketplace_ The marketplace whose listings open orders and whose roles govern this escrow.
    /// @param paymentToken The ERC-20 held.
    /// @param deed The asset-deed collection.
    constructor(
        address marketplace_,
        address paymentToken,
        address deed
    ) OrderEnds(marketplace_, deed) EIP712("Copurchase DeliveryEscrow", "1") {
        _PAYMENT_TOKEN = IERC20(paymentToken);
    }

    // ---------------------------------------------------------------- opening

    /// @inheritdoc IDeliveryEscrow
    function openSettlementOrder(
        address seller,
        uint256 amount,
        uint256 deedId
    ) external nonReentrant returns (uint256 orderId) {
        if (!_MARKETPLACE.isListing(msg.sender)) revert NotAListing(msg.sender);
        Orders.checkSettlement(seller, amount, deedId);
        if (_listingOrders[msg.sender] != 0) revert OrderAlreadyOpened(msg.sender, _listingOrders[msg.sender]);
        orderId = ++_orderCount;
        _listingOrders[msg.sender] = orderId;
        Order storage o = _orders[orderId];
        o.status = OrderStatus.AwaitingDraw;
        // The window is snapshotted here so that assignment reads one slot; it becomes a time there.
        o.dueAt = uint40(_shipWindow);
        o.seller = seller;
        o.amount = uint96(amount);
        o.listing = msg.sender;
        o.paid = uint96(amount);
        // One slot with the deed id: a settlement order's cancellation window counts from settlement.
        o.deedId = uint200(deedId);
        o.openedAt = uint40(block.timestamp);
        _books.totalHeld += amount;
        emit OrderOpened(orderId, msg.sender, seller, amount, deedId);
        ExactTransfer.pullExact(_PAYMENT_TOKEN, msg.sender, amount);
        _DEED.transferFrom(msg.sender, address(this), deedId);
    }

    /// @inheritdoc IDeliveryEscrow
    function assignBuyer(address buyer) external nonReentrant {
        (uint256 orderId, Order storage o) = _drawOrderOfCaller();
        if (buyer == address(0)) revert InvalidOrder();
        uint40 shipBy = uint40(block.timestamp + o.dueAt);
        o.buyer = buyer;
        o.status = OrderStatus.AwaitingShipment;
        o.dueAt = shipBy;
        emit BuyerAssigned(orderId, buyer, shipBy);
    }

    /// @inheritdoc IDeliveryEscrow
    function voidOrder() external nonReentrant {
        (uint256 orderId, Order storage o) = _drawOrderOfCaller();
        o.status = OrderStatus.Voided;
        uint256 amount = o.amount;
        _books.totalHeld -= amount;
        emit OrderVoided(orderId);
        _PAYMENT_TOKEN.safeTransfer(msg.sender, amount);
        _DEED.transferFrom(address(this), o.seller, o.deedId);
    }

    /// @inheritdoc IDeliveryEscrow
    function openOrder(
        Offer calldata offer,
        bytes calldata signature,
        bytes32 codeHash,
        uint8 codeLength
    ) external nonReentrant returns (uint256 orderId) {
        uint256 upfront = Authorizations.checkTerms(offer, MAX_SHIP_WINDOW);
        if (codeHash != bytes32(0)) OneTimeCode.validate(codeHash, codeLength);
        address seller = offer.seller;
        {
            uint256 counter = _offerCounters[seller];
            Authorizations.takeOffer(_offerNonceUsed[seller], offer, signature, _offerDigest(offer, counter), counter);
        }

        uint256 amount = offer.amount;
        uint40 shipBy = uint40(block.timestamp + offer.shipWindow);
        uint16 feeBps = _config.directFeeBps;
        orderId = ++_orderCount;
        Order storage o = _orders[orderId];
        o.openDirect(seller, amount, upfront, shipBy, feeBps);
        _books.totalHeld += upfront;
        emit DirectOrderOpened(orderId, msg.sender, seller, amount, upfront, shipBy);
        emit OfferTaken(orderId, seller, offer.nonce, offer.item);
        if (codeHash != bytes32(0)) OneTimeCode.store(o, orderId, codeHash, codeLength);
        ExactTransfer.pullExact(_PAYMENT_TOKEN, msg.sender, upfront);
        MembershipReports.send(
            _reports,
            _config.membership,
            orderId,
            abi.encodeCall(
                IMembershipHooks.onOrderOpened,
                (orderId, msg.sender, seller, amount, (amount * feeBps) / _BPS)
            )
        );
    }

    /// @inheritdoc IDeliveryEscrow
    function payBalance(uint256 orderId) external nonReentrant {
        Order storage o = _orders[orderId];
        o.requireBuyer(orderId);
        Orders.requireOpen(o.status, orderId);
        uint256 due = o.amount - o.paid;
        if (due == 0) revert NothingDue(orderId);
        o.paid = o.amount;
        _books.totalHeld += due;
        emit BalancePaid(orderId, due);
        ExactTransfer.pullExact(_PAYMENT_TOKEN, msg.sender, due);
    }

    // ---------------------------------------------------------------- authorization and release

    /// @inheritdoc IDeliveryEscrow
    function commitCode(uint256 orderId, bytes32 codeHash, uint8 codeLength) external {
        Order storage o = _orders[orderId];
        o.requireBuyer(orderId);
        Orders.requireAuthorizable(o.status, orderId);
        OneTimeCode.replace(o, orderId, codeHash, codeLength);
    }

    /// @inheritdoc IDeliveryEscrow
    function setDeliveryAgent(address agent, bool allowed) external {
        if (agent == address(0)) revert ZeroAddress();
        _agents[msg.sender][agent] = allowed;
        emit DeliveryAgentSet(msg.sender, agent, allowed);
    }

    /// @inheritdoc IDeliveryEscrow
    function revokeAuthorizations(uint256 orderId) external {
        Order storage o = _orders[orderId];
        o.requireBuyer(orderId);
        uint32 nonce = o.nonce + 1;
        o.nonce = nonce;
        emit AuthorizationsRevoked(orderId, nonce);
    }

    /// @inheritdoc IDeliveryEscrow
    function release(uint256 orderId) external nonReentrant {
        Order storage o = _orders[orderId];
        o.requireBuyer(orderId);
        // The buyer may give in at any open stage, also during a dispute or a suspension: it only pays what it owes.
        Orders.requireOpen(o.status, orderId);
        _release(orderId, o, ReleaseMethod.Buyer);
    }

    /// @inheritdoc IDeliveryEscrow
    function releaseWithSignature(uint256 orderId, uint256 deadline, bytes calldata signature) external nonReentrant {
        Order storage o = _orders[orderId];
        Orders.requireAuthorizable(o.status, orderId);
        address seller = o.seller;
        _requireSellerOrAgent(orderId, seller);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(RELEASE_TYPEHASH, orderId, seller, o.amount, deadline, o.nonce))
        );
        Authorizations.checkRelease(orderId, o.buyer, deadline, digest, signature);
        _release(orderId, o, ReleaseMethod.Signature);
    }

    /// @inheritdoc IDeliveryEscrow
    function releaseWithCode(uint256 orderId, bytes calldata code) external nonReentrant returns (bool released) {
        Order storage o = _orders[orderId];
        Orders.requireAuthorizable(o.status, orderId);
        _requireSellerOrAgent(orderId, o.seller);
        bytes32 codeHash = o.codeHash;
        if (codeHash == bytes32(0)) revert NoCodeCommitted(orderId);
        // Before the code is compared, so a right code is never spent on a release that must revert.
        if (o.paid != o.amount) revert BalanceDue(orderId, o.amount - o.paid);
        if (code.length == o.codeLength && keccak256(code) == codeHash) {
            _release(orderId, o, ReleaseMethod.Code);
            return true;
        }
        // A wrong code returns instead of reverting, so that the count it raises is kept.
        Config memory c = _config;
        OneTimeCode.recordFailure(o, orderId, c.maxAttempts, c.suspensionPeriod);
        return false;
    }

    // ---------------------------------------------------------------- shipping, time-outs and the cash option

    /// @inheritdoc IDeliveryEscrow
    function markShipped(uint256 orderId, bytes32 trackingHash) external {
        _orders[orderId].markShipped(orderId, trackingHash, _config.confirmWindow);
    }

    /// @inheritdoc IDeliveryEscrow
    function releaseUnchallenged(uint256 orderId) external nonReentrant {
        Order storage o = _orders[orderId];
        Orders.requireStatus(o.status, OrderStatus.Shipped, orderId);
        if (block.timestamp <= o.dueAt) revert ConfirmWindowOpen(orderId, o.dueAt);
        _releaseOrForfeit(orderId, o, ReleaseMethod.Unchallenged);
    }

    /// @inheritdoc IDeliveryEscrow
    function refundUnshipped(uint256 orderId) external nonReentrant {
        Order storage o = _orders[orderId];
        Orders.requireStatus(o.status, OrderStatus.AwaitingShipment, orderId);
        if (block.timestamp <= o.dueAt) revert ShipByNotPassed(orderId, o.dueAt);
        _refund(orderId, o, OrderStatus.Refunded, IMembershipHooks.Party.Seller, REASON_SHIP_BY_MISSED);
    }

    /// @inheritdoc IDeliveryEscrow
    function refundSuspended(uint256 orderId) external nonReentrant {
        Order storage o = _orders[orderId];
        Orders.requireStatus(o.status, OrderStatus.Suspended, orderId);
        if (block.timestamp < o.dueAt) revert SuspensionNotOver(orderId, o.dueAt);
        _refund(orderId, o, OrderStatus.Refunded, IMembershipHooks.Party.Seller, REASON_SUSPENDED);
    }

    /// @inheritdoc IDeliveryEscrow
    function takeCash(uint256 orderId) external nonReentrant {
        Order storage o = _orders[orderId];
        o.requireCashable(orderId);
        _refund(orderId, o, OrderStatus.CashedOut, IMembershipHooks.Party.None, REASON_CASH_OPTION);
    }

    // ---------------------------------------------------------------- disputes and cancellations

    /// @inheritdoc IDeliveryEscrow
    function openDispute(uint256 orderId) external {
        Disputes.open(_votes[orderId], _orders[orderId], orderId, _arbiter);
    }

    /// @inheritdoc IDeliveryEscrow
    function settleExpiredDispute(uint256 orderId) external nonReentrant {
        Order storage o = _orders[orderId];
        OrderStatus from = Disputes.expire(_votes[orderId], o, orderId);
        if (from == OrderStatus.Shipped) {
            emit DisputeExpired(orderId, Outcome.Release);
            _releaseOrForfeit(orderId, o, ReleaseMethod.DisputeExpired);
        } else if (from == OrderStatus.Suspended) {
            emit DisputeExpired(orderId, Outcome.Refund);
            _refund(orderId, o, OrderStatus.Refunded, IMembershipHooks.Party.Seller, REASON_SUSPENDED);
        } else {
            // Disputed before shipment: the seller could not ship during the dispute, so nobody is charged.
            emit DisputeExpired(orderId, Outcome.Refund);
            _refund(orderId, o, OrderStatus.Refunded, IMembershipHooks.Party.None, REASON_DISPUTE_EXPIRED);
        }
    }

    /// @inheritdoc IDeliveryEscrow
    function vote(uint256 orderId, Outcome outcome, uint16 sellerBps) external nonReentrant {
        Order storage o = _orders[orderId];
        Orders.requireStatus(o.status, OrderStatus.Disputed, orderId);
        Ballot memory ballot = Disputes.ballot(outcome, sellerBps);
        bool agreed = Disputes.cast(_votes[orderId], ballot, orderId, msg.sender, o, _arbiter, _arbiterTerm);
        emit VoteCast(orderId, msg.sender, outcome, ballot.sellerBps);
        if (agreed) _resolve(orderId, o, outcome, ballot.sellerBps);
    }

    /// @inheritdoc IDeliveryEscrow
    function agreeToCancel(uint256 orderId, IMembershipHooks.Party responsible, uint8 reason) external nonReentrant {
        Order storage o = _orders[orderId];
        if (msg.sender != o.buyer && msg.sender != o.seller) revert NotAParty(orderId, msg.sender);
        Orders.requireOpen(o.status, orderId);
        if (reason < FIRST_FREE_REASON) revert ReasonReserved(reason);
        emit CancellationProposed(orderId, msg.sender, responsible, reason);
        CancelOffer memory offer = _cancelOffers[orderId];
        if (
            offer.by != address(0) &&
            offer.by != msg.sender &&
            offer.responsible == responsible &&
            offer.reason == reason
        ) {
            delete _cancelOffers[orderId];
            _refund(orderId, o, OrderStatus.Refunded, responsible, reason);
        } else {
            _cancelOffers[orderId] = CancelOffer(msg.sender, responsible, reason);
        }
    }

    /// @inheritdoc IDeliveryEscrow
    function cancelByPolicy(
        uint256 orderId,
        IMembershipHooks.Party responsible,
        uint8 reason,
        Refund calldata refund
    ) external nonReentrant {
        _checkRole(POLICY_ROLE);
        Order storage o = _orders[orderId];
        Orders.requireOpen(o.status, orderId);
        if (reason < FIRST_FREE_REASON) revert ReasonReserved(reason);
        if (refund.feeBps > _BPS) revert FeeTooHigh(refund.feeBps);
        if (refund.mode == IMembership.RefundMode.Wallet) {
            _refund(orderId, o, OrderStatus.Refunded, responsible, reason);
            return;
        }
        o.status = OrderStatus.Refunded;
        uint256 paid = o.paid;
        address buyer = o.buyer;
        address seller = o.seller;
        emit OrderRefunded(orderId, buyer, paid, responsible, reason);
        Payouts.refundByMode(_books, orderId, buyer, paid, refund, _PAYMENT_TOKEN, _MARKETPLACE);
        if (o.listing != address(0)) _DEED.transferFrom(address(this), seller, o.deedId);
        _reportCancelled(orderId, buyer, seller, responsible, reason);
    }

    // ---------------------------------------------------------------- money out

    /// @inheritdoc IDeliveryEscrow
    function withdraw(address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert ZeroAddress();
        amount = _books.owed[msg.sender];
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        _books.owed[msg.sender] = 0;
        _books.totalHeld -= amount;
        emit Withdrawn(msg.sender, to, amount);
        _PAYMENT_TOKEN.safeTransfer(to, amount);
    }

    /// @inheritdoc IDeliveryEscrow
    function sweepFees() external nonReentrant returns (uint256 amount) {
        return Payouts.sweepFees(_books, _PAYMENT_TOKEN, _MARKETPLACE);
    }

    /// @inheritdoc IDeliveryEscrow
    function replayReport(uint256 orderId, bytes calldata report) external nonReentrant {
        // The replayer pays for all the gas the report needs; a report that fails again reverts and stays recorded.
        MembershipReports.replay(_reports, _config.membership, orderId, report);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IDeliveryEscrow
    function authorizationDigest(uint256 orderId, uint256 deadline) external view returns (bytes32) {
        Order storage o = _orders[orderId];
        return
            _hashTypedDataV4(keccak256(abi.encode(RELEASE_TYPEHASH, orderId, o.seller, o.amount, deadline, o.nonce)));
    }

    /// @inheritdoc IDeliveryEscrow
    function isFailedReport(bytes32 reportHash) external view returns (bool) {
        return _reports.failed[reportHash];
    }

    /// @inheritdoc IDeliveryEscrow
    function feesHeld() external view returns (uint256) {
        return _books.feesHeld;
    }

    /// @inheritdoc IDeliveryEscrow
    function order(uint256 orderId) external view returns (Order memory) {
        return _orders[orderId];
    }

    /// @inheritdoc IDeliveryEscrow
    function votes(uint256 orderId) external view returns (Ballot memory, Ballot memory, Ballot memory) {
        return Disputes.ballots(_votes[orderId]);
    }

    /// @inheritdoc IDeliveryEscrow
    function isDeliveryAgent(address seller, address agent) external view returns (bool) {
        return _agents[seller][agent];
    }

    /// @inheritdoc IDeliveryEscrow
    function orderOfListing(address listing) external view returns (uint256) {
        return _listingOrders[listing];
    }

    /// @inheritdoc IDeliveryEscrow
    function owedTo(address account) external view returns (uint256) {
        return _books.owed[account];
    }

    /// @inheritdoc IDeliveryEscrow
    function totalHeld() external view returns (uint256) {
        return _books.totalHeld;
    }

    /// @inheritdoc IDeliveryEscrow
    function orderCount() external view returns (uint256) {
        return _orderCount;
    }

    // ---------------------------------------------------------------- internals

    function _requireSellerOrAgent(uint256 orderId, address seller) private view {
        if (msg.sender != seller && !_agents[seller][msg.sender]) revert NotSellerOrAgent(orderId, msg.sender);
    }

    /// @dev The calling listing's order, which must still await its draw (assignment and voiding, once each).
    function _drawOrderOfCaller() private view returns (uint256 orderId, Order storage o) {
        orderId = _listingOrders[msg.sender];
        if (orderId == 0) revert NoOrderForListing(msg.sender);
        o = _orders[orderId];
        if (o.status != OrderStatus.AwaitingDraw) revert WrongOrderStatus(orderId, o.status);
    }
}
