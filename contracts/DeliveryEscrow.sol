// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ExactTransfer} from "./libraries/ExactTransfer.sol";
import {Disputes} from "./libraries/Disputes.sol";
import {OneTimeCode} from "./libraries/OneTimeCode.sol";
import {MembershipReports} from "./libraries/MembershipReports.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IDeliveryEscrow} from "./interfaces/IDeliveryEscrow.sol";
import {IMarketplace} from "./interfaces/IMarketplace.sol";
import {IMembershipHooks} from "./interfaces/IMembershipHooks.sol";
import {IMembership} from "./interfaces/IMembership.sol";
import {IBidToken} from "./interfaces/IBidToken.sol";
import {IRevenueVault} from "./interfaces/IRevenueVault.sol";

/// @title DeliveryEscrow
/// @notice Holds the price of every order (and the deed of a settled listing) until the buyer authorizes delivery;
/// the seller is paid only then, and the buyer is refunded when the seller does not deliver (SPEC §4.5).
/// @dev Every payout is credited and then withdrawn by its owner (pull), so a blacklisted or reverting party can only
/// block itself. Books: the token balance equals `totalHeld`, which is what open orders were paid plus what is owed.
/// Roles are the marketplace's (admin, operator, and POLICY_ROLE for the membership contract).
// One value per slot, each read on its own hot path.
// solhint-disable-next-line max-states-count
contract DeliveryEscrow is IDeliveryEscrow, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice The marketplace role that sets the ship and confirmation windows.
    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    /// @notice The marketplace role that may cancel orders by policy (granted to the membership contract).
    bytes32 public constant POLICY_ROLE = keccak256("POLICY_ROLE");
    /// @notice The buyer's authorization of delivery, signed with EIP-712 under this escrow's domain.
    // solhint-disable-next-line gas-small-strings
    bytes32 public constant RELEASE_TYPEHASH = keccak256(
        "Release(uint256 orderId,address seller,uint256 amount,uint256 deadline,uint256 nonce)"
    );
    /// @notice The seller's offer of a direct order, signed with EIP-712 under this escrow's domain; `counter` is the
    /// seller's offer counter when it signed.
    // solhint-disable-next-line gas-small-strings
    bytes32 public constant OFFER_TYPEHASH = keccak256(
        "Offer(address seller,address buyer,bytes32 item,uint256 amount,uint256 shipWindow,uint256 upfrontBps,"
        "uint256 expiry,uint256 nonce,uint256 counter)"
    );
    /// @notice How long the arbiter has to settle a dispute before anyone may end it by its default outcome.
    uint256 public constant DISPUTE_TIMEOUT = 30 days;
    /// @notice Highest platform fee of direct orders.
    uint256 public constant MAX_DIRECT_FEE_BPS = 1_000;
    /// @notice Shortest one-time code in bytes: 128 bits, out of reach of an off-chain search of its public hash.
    uint256 public constant MIN_CODE_LENGTH = OneTimeCode.MIN_LENGTH;
    /// @notice Gas given to each membership report; a report that needs more fails alone and is recorded for replay.
    uint256 public constant REPORT_GAS = MembershipReports.GAS;
    /// @notice Gas kept back for recording a failed report (a new slot and the event carrying its calldata).
    uint256 public constant REPORT_RECORD_GAS = MembershipReports.RECORD_GAS;
    /// @notice Bounds of the ship window.
    uint256 public constant MIN_SHIP_WINDOW = 1 days;
    /// @notice Bounds of the ship window (also the furthest ship-by time of a direct order).
    uint256 public constant MAX_SHIP_WINDOW = 180 days;
    /// @notice Bounds of the confirmation window.
    uint256 public constant MIN_CONFIRM_WINDOW = 1 days;
    /// @notice Bounds of the confirmation window.
    uint256 public constant MAX_CONFIRM_WINDOW = 60 days;
    /// @notice Bounds of the suspension period.
    uint256 public constant MIN_SUSPENSION = 1 days;
    /// @notice Bounds of the suspension period.
    uint256 public constant MAX_SUSPENSION = 90 days;
    /// @notice Upper bound of the failed-attempt limit.
    uint256 public constant MAX_ATTEMPTS_LIMIT = 20;

    /// @notice Reason codes of the escrow's own cancellations (IMembershipHooks); 16 and up are the parties' and
    /// the policy's.
    uint8 public constant REASON_SHIP_BY_MISSED = 1;
    /// @notice Refunded after a suspension.
    uint8 public constant REASON_SUSPENDED = 2;
    /// @notice Refunded by dispute.
    uint8 public constant REASON_DISPUTE_REFUND = 3;
    /// @notice Split by dispute.
    uint8 public constant REASON_DISPUTE_SPLIT = 4;
    /// @notice Cash option taken.
    uint8 public constant REASON_CASH_OPTION = 5;
    /// @notice A dispute opened before shipment expired without a decision (nobody charged).
    uint8 public constant REASON_DISPUTE_EXPIRED = 6;
    /// @notice The balance was still unpaid when the confirmation window ended: the deposit is forfeited.
    uint8 public constant REASON_BALANCE_UNPAID = 7;
    /// @notice First reason code free for agreements and policies.
    uint8 public constant FIRST_FREE_REASON = 16;

    uint256 private constant _BPS = 10_000;

    /// @dev One slot, read by every release and refund.
    struct Config {
        address membership;
        uint8 maxAttempts;
        uint32 suspensionPeriod;
        uint32 confirmWindow;
        uint16 directFeeBps;
    }

    // solhint-disable-next-line gas-struct-packing
    struct CancelOffer {
        address by;
        IMembershipHooks.Party responsible;
        uint8 reason;
    }

    IMarketplace private immutable _MARKETPLACE;
    IERC20 private immutable _PAYMENT_TOKEN;
    IERC721 private immutable _DEED;

    uint256 private _orderCount;
    uint256 private _shipWindow = 30 days;
    uint256 private _totalHeld;
    Config private _config = Config({
        membership: address(0),
        maxAttempts: 5,
        suspensionPeriod: 7 days,
        confirmWindow: 14 days,
        directFeeBps: 0
    });
    address private _arbiter;
    /// @dev Grows with every `setArbiter`, so that votes cast by an earlier arbiter stop counting.
    uint32 private _arbiterTerm;
    mapping(uint256 orderId => Order) private _orders;
    mapping(address account => uint256) private _owed;
    mapping(address listing => uint256 orderId) private _listingOrders;
    mapping(address seller => mapping(address agent => bool)) private _agents;
    mapping(uint256 orderId => Disputes.State) private _votes;
    mapping(uint256 orderId => CancelOffer) private _cancelOffers;
    mapping(address seller => uint256) private _offerCounters;
    mapping(address seller => mapping(uint256 nonce => bool)) private _offerNonceUsed;
    MembershipReports.State private _reports;
    uint256 private _feesHeld;

    /// @param marketplace_ The marketplace whose listings open orders and whose roles govern this escrow.
    /// @param paymentToken The ERC-20 held.
    /// @param deed The asset-deed collection.
    constructor(address marketplace_, address paymentToken, address deed) EIP712("Copurchase DeliveryEscrow", "1") {
        _MARKETPLACE = IMarketplace(marketplace_);
        _PAYMENT_TOKEN = IERC20(paymentToken);
        _DEED = IERC721(deed);
    }

    // ---------------------------------------------------------------- settlement orders

    /// @inheritdoc IDeliveryEscrow
    function openSettlementOrder(
        address seller,
        uint256 amount,
        uint256 deedId
    ) external nonReentrant returns (uint256 orderId) {
        if (!_MARKETPLACE.isListing(msg.sender)) revert NotAListing(msg.sender);
        if (seller == address(0) || amount == 0) revert InvalidOrder();
        if (amount > type(uint96).max) revert AmountTooLarge(amount);
        if (deedId > type(uint200).max) revert DeedIdTooLarge(deedId);
        if (_listingOrders[msg.sender] != 0) revert OrderAlreadyOpened(msg.sender, _listingOrders[msg.sender]);
        orderId = ++_orderCount;
        _listingOrders[msg.sender] = orderId;
        Order storage o = _orders[orderId];
        o.status = OrderStatus.AwaitingDraw;
        // The window is snapshotted here so that finalize reads one slot; it becomes a time at assignment.
        o.deadline = uint40(_shipWindow);
        o.seller = seller;
        o.amount = uint96(amount);
        o.listing = msg.sender;
        o.paid = uint96(amount);
        // One slot with the deed id: a settlement order's cancellation window counts from settlement.
        o.deedId = uint200(deedId);
        o.openedAt = uint40(block.timestamp);
        _totalHeld += amount;
        emit OrderOpened(orderId, msg.sender, seller, amount, deedId);
        _pull(msg.sender, amount);
        _DEED.transferFrom(msg.sender, address(this), deedId);
    }

    /// @inheritdoc IDeliveryEscrow
    function assignBuyer(address buyer) external nonReentrant {
        (uint256 orderId, Order storage o) = _orderOfCaller();
        if (o.status != OrderStatus.AwaitingDraw) revert WrongOrderStatus(orderId, o.status);
        if (buyer == address(0)) revert InvalidOrder();
        uint40 shipBy = uint40(block.timestamp + o.deadline);
        o.buyer = buyer;
        o.status = OrderStatus.AwaitingShipment;
        o.deadline = shipBy;
        emit BuyerAssigned(orderId, buyer, shipBy);
    }

    /// @inheritdoc IDeliveryEscrow
    function voidOrder() external nonReentrant {
        (uint256 orderId, Order storage o) = _orderOfCaller();
        if (o.status != OrderStatus.AwaitingDraw) revert WrongOrderStatus(orderId, o.status);
        o.status = OrderStatus.Voided;
        uint256 amount = o.amount;
        _totalHeld -= amount;
        emit OrderVoided(orderId);
        _PAYMENT_TOKEN.safeTransfer(msg.sender, amount);
        _DEED.transferFrom(address(this), o.seller, o.deedId);
    }

    // ---------------------------------------------------------------- direct orders

    /// @inheritdoc IDeliveryEscrow
    function openOrder(
        Offer calldata offer,
        bytes calldata signature,
        bytes32 codeHash,
        uint8 codeLength
    ) external nonReentrant returns (uint256 orderId) {
        address seller = offer.seller;
        uint256 amount = offer.amount;
        if (seller == address(0) || seller == msg.sender || amount == 0) revert InvalidOrder();
        if (amount > type(uint96).max) revert AmountTooLarge(amount);
        if (offer.shipWindow == 0 || offer.shipWindow > MAX_SHIP_WINDOW) {
            revert ShipWindowOutOfRange(offer.shipWindow, MAX_SHIP_WINDOW);
        }
        // Rounds down: the buyer pays the rounding at delivery, with the balance.
        uint256 upfront = (amount * offer.upfrontBps) / _BPS;
        if (offer.upfrontBps > _BPS || upfront == 0) revert UpfrontShareOutOfRange(offer.upfrontBps);
        if (codeHash != bytes32(0)) OneTimeCode.validate(codeHash, codeLength);
        _takeOffer(offer, signature);

        uint40 shipBy = uint40(block.timestamp + offer.shipWindow);
        uint16 feeBps = _config.directFeeBps;
        orderId = ++_orderCount;
        Order storage o = _orders[orderId];
        o.buyer = msg.sender;
        o.status = OrderStatus.AwaitingShipment;
        o.deadline = shipBy;
        o.seller = seller;
        o.amount = uint96(amount);
        o.paid = uint96(upfront);
        o.feeBps = feeBps;
        o.openedAt = uint40(block.timestamp);
        _totalHeld += upfront;
        emit DirectOrderOpened(orderId, msg.sender, seller, amount, upfront, shipBy);
        emit OfferTaken(orderId, seller, offer.nonce, offer.item);
        if (codeHash != bytes32(0)) OneTimeCode.store(o, orderId, codeHash, codeLength);
        _pull(msg.sender, upfront);
        _report(
            orderId,
            abi.encodeCall(
                IMembershipHooks.onOrderOpened,
                (orderId, msg.sender, seller, amount, (amount * feeBps) / _BPS)
            )
        );
    }

    /// @inheritdoc IDeliveryEscrow
    function cancelOffer(uint256 nonce) external {
        if (_offerNonceUsed[msg.sender][nonce]) revert OfferNonceUsed(msg.sender, nonce);
        _offerNonceUsed[msg.sender][nonce] = true;
        emit OfferCancelled(msg.sender, nonce);
    }

    /// @inheritdoc IDeliveryEscrow
    function incrementOfferCounter() external returns (uint256 counter) {
        counter = ++_offerCounters[msg.sender];
        emit OfferCounterIncremented(msg.sender, counter);
    }

    /// @inheritdoc IDeliveryEscrow
    function payBalance(uint256 orderId) external nonReentrant {
        Order storage o = _orders[orderId];
        if (msg.sender != o.buyer) revert NotBuyer(orderId, msg.sender);
        _requireOpen(orderId, o.status);
        uint256 due = o.amount - o.paid;
        if (due == 0) revert NothingDue(orderId);
        o.paid = o.amount;
        _totalHeld += due;
        emit BalancePaid(orderId, due);
        _pull(msg.sender, due);
    }

    // ---------------------------------------------------------------- authorization

    /// @inheritdoc IDeliveryEscrow
    function commitCode(uint256 orderId, bytes32 codeHash, uint8 codeLength) external {
        Order storage o = _orders[orderId];
        if (msg.sender != o.buyer) revert NotBuyer(orderId, msg.sender);
        _requireAuthorizable(orderId, o.status);
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
        if (msg.sender != o.buyer) revert NotBuyer(orderId, msg.sender);
        uint32 nonce = o.nonce + 1;
        o.nonce = nonce;
        emit AuthorizationsRevoked(orderId, nonce);
    }

    /// @inheritdoc IDeliveryEscrow
    function release(uint256 orderId) external nonReentrant {
        Order storage o = _orders[orderId];
        if (msg.sender != o.buyer) revert NotBuyer(orderId, msg.sender);
        // The buyer may give in at any open stage, also during a dispute or a suspension: it only pays what it owes.
        _requireOpen(orderId, o.status);
        _release(orderId, o, ReleaseMethod.Buyer);
    }

    /// @inheritdoc IDeliveryEscrow
    function releaseWithSignature(uint256 orderId, uint256 deadline, bytes calldata signature) external nonReentrant {
        Order storage o = _orders[orderId];
        _requireAuthorizable(orderId, o.status);
        address seller = o.seller;
        _requireSellerOrAgent(orderId, seller);
        if (block.timestamp > deadline) revert AuthorizationExpired(deadline, block.timestamp);
        address buyer = o.buyer;
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(RELEASE_TYPEHASH, orderId, seller, o.amount, deadline, o.nonce))
        );
        // ECDSA for EOAs (rejecting high-s malleable signatures), ERC-1271 for contract wallets such as a Safe.
        if (!SignatureChecker.isValidSignatureNowCalldata(buyer, digest, signature)) {
            revert InvalidAuthorization(orderId, buyer);
        }
        _release(orderId, o, ReleaseMethod.Signature);
    }

    /// @inheritdoc IDeliveryEscrow
    function releaseWithCode(uint256 orderId, bytes calldata code) external nonReentrant returns (bool released) {
        Order storage o = _orders[orderId];
        _requireAuthorizable(orderId, o.status);
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

    // ---------------------------------------------------------------- shipping and time-outs

    /// @inheritdoc IDeliveryEscrow
    function markShipped(uint256 orderId, bytes32 trackingHash) external {
        Order storage o = _orders[orderId];
        if (msg.sender != o.seller) revert NotSeller(orderId, msg.sender);
        if (o.status != OrderStatus.AwaitingShipment) revert WrongOrderStatus(orderId, o.status);
        if (block.timestamp > o.deadline) revert ShipByPassed(orderId, o.deadline);
        if (trackingHash == bytes32(0)) revert InvalidOrder();
        uint40 confirmBy = uint40(block.timestamp + _config.confirmWindow);
        o.status = OrderStatus.Shipped;
        o.deadline = confirmBy;
        o.trackingHash = trackingHash;
        emit OrderShipped(orderId, trackingHash, confirmBy);
    }

    /// @inheritdoc IDeliveryEscrow
    function releaseUnchallenged(uint256 orderId) external nonReentrant {
        Order storage o = _orders[orderId];
        if (o.status != OrderStatus.Shipped) revert WrongOrderStatus(orderId, o.status);
        if (block.timestamp <= o.deadline) revert ConfirmWindowOpen(orderId, o.deadline);
        _releaseOrForfeit(orderId, o, ReleaseMethod.Unchallenged);
    }

    /// @inheritdoc IDeliveryEscrow
    function refundUnshipped(uint256 orderId) external nonReentrant {
        Order storage o = _orders[orderId];
        if (o.status != OrderStatus.AwaitingShipment) revert WrongOrderStatus(orderId, o.status);
        if (block.timestamp <= o.deadline) revert ShipByNotPassed(orderId, o.deadline);
        _refund(orderId, o, OrderStatus.Refunded, IMembershipHooks.Party.Seller, REASON_SHIP_BY_MISSED);
    }

    /// @inheritdoc IDeliveryEscrow
    function refundSuspended(uint256 orderId) external nonReentrant {
        Order storage o = _orders[orderId];
        if (o.status != OrderStatus.Suspended) revert WrongOrderStatus(orderId, o.status);
        if (block.timestamp < o.deadline) revert SuspensionNotOver(orderId, o.deadline);
        _refund(orderId, o, OrderStatus.Refunded, IMembershipHooks.Party.Seller, REASON_SUSPENDED);
    }

    /// @inheritdoc IDeliveryEscrow
    function takeCash(uint256 orderId) external nonReentrant {
        Order storage o = _orders[orderId];
        if (msg.sender != o.buyer) revert NotBuyer(orderId, msg.sender);
        if (o.listing == address(0)) revert NotASettlementOrder(orderId);
        OrderStatus status = o.status;
        // Not during a dispute: the seller may claim delivery, and the vote decides.
        if (status == OrderStatus.Disputed) revert WrongOrderStatus(orderId, status);
        _requireOpen(orderId, status);
        // The asset is on its way: buying it back now would leave the winner with both the asset and P.
        bytes32 trackingHash = o.trackingHash;
        if (trackingHash != bytes32(0)) revert AlreadyShipped(orderId, trackingHash);
        _refund(orderId, o, OrderStatus.CashedOut, IMembershipHooks.Party.None, REASON_CASH_OPTION);
    }

    // ---------------------------------------------------------------- disputes and cancellations

    /// @inheritdoc IDeliveryEscrow
    function openDispute(uint256 orderId) external {
        Order storage o = _orders[orderId];
        if (msg.sender != o.buyer && msg.sender != o.seller) revert NotAParty(orderId, msg.sender);
        OrderStatus status = o.status;
        if (status == OrderStatus.Disputed) revert WrongOrderStatus(orderId, status);
        _requireOpen(orderId, status);
        // Once the ship-by time or the confirmation window is over, the order's own clock has decided it.
        if (status != OrderStatus.Suspended && block.timestamp > o.deadline) {
            revert DisputeWindowClosed(orderId, o.deadline);
        }
        if (_arbiter == address(0)) revert NoArbiter();
        uint40 decideBy = uint40(block.timestamp + DISPUTE_TIMEOUT);
        o.status = OrderStatus.Disputed;
        o.deadline = decideBy;
        _votes[orderId].disputedFrom = status;
        emit DisputeOpened(orderId, msg.sender, decideBy);
    }

    /// @inheritdoc IDeliveryEscrow
    function settleExpiredDispute(uint256 orderId) external nonReentrant {
        Order storage o = _orders[orderId];
        if (o.status != OrderStatus.Disputed) revert WrongOrderStatus(orderId, o.status);
        if (block.timestamp <= o.deadline) revert DisputeNotExpired(orderId, o.deadline);
        OrderStatus from = _votes[orderId].disputedFrom;
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
        if (o.status != OrderStatus.Disputed) revert WrongOrderStatus(orderId, o.status);
        Ballot memory ballot = Disputes.ballot(outcome, sellerBps);
        bool agreed = Disputes.cast(_votes[orderId], ballot, orderId, msg.sender, o, _arbiter, _arbiterTerm);
        emit VoteCast(orderId, msg.sender, outcome, ballot.sellerBps);
        if (agreed) _resolve(orderId, o, outcome, ballot.sellerBps);
    }

    /// @inheritdoc IDeliveryEscrow
    function agreeToCancel(uint256 orderId, IMembershipHooks.Party responsible, uint8 reason) external nonReentrant {
        Order storage o = _orders[orderId];
        if (msg.sender != o.buyer && msg.sender != o.seller) revert NotAParty(orderId, msg.sender);
        _requireOpen(orderId, o.status);
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
        _requireOpen(orderId, o.status);
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
        bool credit = refund.mode == IMembership.RefundMode.Credit;
        // Credit: all of it to the bid token; WalletMinusFee: the fee (rounded down) to the vault, the rest owed.
        uint256 away = credit ? paid : (paid * refund.feeBps) / _BPS;
        uint256 toWallet = paid - away;
        if (toWallet != 0) _owed[buyer] += toWallet;
        _totalHeld -= away;
        emit OrderRefunded(orderId, buyer, paid, responsible, reason);
        emit RefundSplit(
            orderId,
            refund.mode,
            toWallet,
            credit ? paid : 0,
            credit ? refund.creditTokenId : 0,
            credit ? 0 : away
        );
        if (away != 0) {
            IMarketplace.Modules memory m = _MARKETPLACE.modules();
            if (credit) {
                if (IERC721(m.bidToken).ownerOf(refund.creditTokenId) != buyer) {
                    revert CreditTokenNotHeld(refund.creditTokenId, buyer);
                }
                // topUp pulls exactly `away` and checks what arrived; no allowance is left behind.
                _PAYMENT_TOKEN.forceApprove(m.bidToken, away);
                IBidToken(m.bidToken).topUp(refund.creditTokenId, away);
            } else {
                _PAYMENT_TOKEN.forceApprove(m.revenueVault, away);
                IRevenueVault(m.revenueVault).collectFee(away);
            }
        }
        if (o.listing != address(0)) _DEED.transferFrom(address(this), seller, o.deedId);
        _reportCancelled(orderId, buyer, seller, responsible, reason);
    }

    // ---------------------------------------------------------------- money out

    /// @inheritdoc IDeliveryEscrow
    function withdraw(address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert ZeroAddress();
        amount = _owed[msg.sender];
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        _owed[msg.sender] = 0;
        _totalHeld -= amount;
        emit Withdrawn(msg.sender, to, amount);
        _PAYMENT_TOKEN.safeTransfer(to, amount);
    }

    /// @inheritdoc IDeliveryEscrow
    function sweepFees() external nonReentrant returns (uint256 amount) {
        amount = _feesHeld;
        if (amount == 0) revert NoFees();
        _feesHeld = 0;
        _totalHeld -= amount;
        emit FeesSwept(amount);
        address vault = _MARKETPLACE.modules().revenueVault;
        // collectFee pulls exactly `amount` and checks what arrived; no allowance is left behind.
        _PAYMENT_TOKEN.forceApprove(vault, amount);
        IRevenueVault(vault).collectFee(amount);
    }

    /// @inheritdoc IDeliveryEscrow
    function replayReport(uint256 orderId, bytes calldata report) external nonReentrant {
        // The replayer pays for all the gas the report needs; a report that fails again reverts and stays recorded.
        MembershipReports.replay(_reports, _config.membership, orderId, report);
    }

    // ---------------------------------------------------------------- configuration

    /// @inheritdoc IDeliveryEscrow
    function setShipWindow(uint256 window) external {
        _checkRole(OPERATOR_ROLE);
        _checkWindow(window, MIN_SHIP_WINDOW, MAX_SHIP_WINDOW);
        _shipWindow = window;
        emit ShipWindowSet(window);
    }

    /// @inheritdoc IDeliveryEscrow
    function setConfirmWindow(uint256 window) external {
        _checkRole(OPERATOR_ROLE);
        _checkWindow(window, MIN_CONFIRM_WINDOW, MAX_CONFIRM_WINDOW);
        _config.confirmWindow = uint32(window);
        emit ConfirmWindowSet(window);
    }

    /// @inheritdoc IDeliveryEscrow
    function setCodePolicy(uint8 maxAttempts, uint256 suspensionPeriod) external {
        _checkRole(bytes32(0));
        if (maxAttempts == 0 || maxAttempts > MAX_ATTEMPTS_LIMIT) revert MaxAttemptsOutOfRange(maxAttempts);
        _checkWindow(suspensionPeriod, MIN_SUSPENSION, MAX_SUSPENSION);
        _config.maxAttempts = maxAttempts;
        _config.suspensionPeriod = uint32(suspensionPeriod);
        emit CodePolicySet(maxAttempts, suspensionPeriod);
    }

    /// @inheritdoc IDeliveryEscrow
    function setArbiter(address arbiter_) external {
        _checkRole(bytes32(0));
        if (arbiter_ == address(0)) revert ZeroAddress();
        _arbiter = arbiter_;
        ++_arbiterTerm;
        emit ArbiterSet(arbiter_);
    }

    /// @inheritdoc IDeliveryEscrow
    function setDirectFee(uint256 feeBps) external {
        _checkRole(bytes32(0));
        if (feeBps > MAX_DIRECT_FEE_BPS) revert DirectFeeTooHigh(feeBps, MAX_DIRECT_FEE_BPS);
        _config.directFeeBps = uint16(feeBps);
        emit DirectFeeSet(feeBps);
    }

    /// @inheritdoc IDeliveryEscrow
    function bindMembership(address membership_) external {
        // The marketplace wires its modules once and checks the membership has code (a call to an address without
        // code would revert outside the try/catch that isolates reports).
        if (msg.sender != address(_MARKETPLACE)) revert NotMarketplace(msg.sender);
        _config.membership = membership_;
        emit MembershipSet(membership_);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IDeliveryEscrow
    function authorizationDigest(uint256 orderId, uint256 deadline) external view returns (bytes32) {
        Order storage o = _orders[orderId];
        return
            _hashTypedDataV4(keccak256(abi.encode(RELEASE_TYPEHASH, orderId, o.seller, o.amount, deadline, o.nonce)));
    }

    /// @inheritdoc IDeliveryEscrow
    function offerDigest(Offer calldata offer) public view returns (bytes32) {
        // Every field of Offer is static, so the struct encodes as its fields in order, as EIP-712 hashes them.
        return _hashTypedDataV4(keccak256(abi.encode(OFFER_TYPEHASH, offer, _offerCounters[offer.seller])));
    }

    /// @inheritdoc IDeliveryEscrow
    function offerCounter(address seller) external view returns (uint256) {
        return _offerCounters[seller];
    }

    /// @inheritdoc IDeliveryEscrow
    function offerNonceUsed(address seller, uint256 nonce) external view returns (bool) {
        return _offerNonceUsed[seller][nonce];
    }

    /// @inheritdoc IDeliveryEscrow
    function isFailedReport(bytes32 reportHash) external view returns (bool) {
        return _reports.failed[reportHash];
    }

    /// @inheritdoc IDeliveryEscrow
    function directFeeBps() external view returns (uint256) {
        return _config.directFeeBps;
    }

    /// @inheritdoc IDeliveryEscrow
    function feesHeld() external view returns (uint256) {
        return _feesHeld;
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
        return _owed[account];
    }

    /// @inheritdoc IDeliveryEscrow
    function totalHeld() external view returns (uint256) {
        return _totalHeld;
    }

    /// @inheritdoc IDeliveryEscrow
    function shipWindow() external view returns (uint256) {
        return _shipWindow;
    }

    /// @inheritdoc IDeliveryEscrow
    function confirmWindow() external view returns (uint256) {
        return _config.confirmWindow;
    }

    /// @inheritdoc IDeliveryEscrow
    function codePolicy() external view returns (uint8, uint256) {
        return (_config.maxAttempts, _config.suspensionPeriod);
    }

    /// @inheritdoc IDeliveryEscrow
    function arbiter() external view returns (address) {
        return _arbiter;
    }

    /// @inheritdoc IDeliveryEscrow
    function membership() external view returns (address) {
        return _config.membership;
    }

    /// @inheritdoc IDeliveryEscrow
    function orderCount() external view returns (uint256) {
        return _orderCount;
    }

    /// @inheritdoc IDeliveryEscrow
    function marketplace() external view returns (address) {
        return address(_MARKETPLACE);
    }

    // ---------------------------------------------------------------- internals

    /// @dev Credits the seller and hands the deed to the buyer. Every release path ends here.
    function _release(uint256 orderId, Order storage o, ReleaseMethod method) private {
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
            if (fee != 0) _feesHeld += fee;
        }
        _owed[seller] += amount - fee;
        emit OrderReleased(orderId, seller, amount, method);
        if (fee != 0) emit PlatformFeeCharged(orderId, fee);
        // A plain transfer: no receiver callback can re-enter or block the release.
        if (listing != address(0)) _DEED.transferFrom(address(this), buyer, o.deedId);
        _report(
            orderId,
            abi.encodeCall(IMembershipHooks.onOrderCompleted, (orderId, buyer, seller, amount, fee, listing))
        );
    }

    /// @dev A shipped order whose time is up: released if paid in full, else the seller keeps the deposit and the
    /// buyer, who neither paid nor disputed in time, is charged with the cancellation. So every shipped order ends.
    function _releaseOrForfeit(uint256 orderId, Order storage o, ReleaseMethod method) private {
        uint256 paid = o.paid;
        uint256 amount = o.amount;
        if (paid == amount) {
            _release(orderId, o, method);
            return;
        }
        address seller = o.seller;
        o.status = OrderStatus.Split;
        _owed[seller] += paid;
        emit DepositForfeited(orderId, paid, amount - paid);
        // Only direct orders carry a deposit, so there is no deed to move.
        _reportCancelled(orderId, o.buyer, seller, IMembershipHooks.Party.Buyer, REASON_BALANCE_UNPAID);
    }

    /// @dev Checks the seller's signed offer and uses up its nonce.
    function _takeOffer(Offer calldata offer, bytes calldata signature) private {
        address seller = offer.seller;
        if (block.timestamp > offer.expiry) revert OfferExpired(offer.expiry, block.timestamp);
        if (offer.buyer != address(0) && offer.buyer != msg.sender) revert OfferNotForCaller(offer.buyer, msg.sender);
        if (_offerNonceUsed[seller][offer.nonce]) revert OfferNonceUsed(seller, offer.nonce);
        // ECDSA for EOAs (rejecting high-s malleable signatures), ERC-1271 for contract wallets such as a Safe.
        if (!SignatureChecker.isValidSignatureNowCalldata(seller, offerDigest(offer), signature)) {
            revert InvalidOfferSignature(seller, _offerCounters[seller]);
        }
        _offerNonceUsed[seller][offer.nonce] = true;
    }

    /// @dev Credits the buyer what it paid and returns the deed to the seller. Every refund path ends here.
    function _refund(
        uint256 orderId,
        Order storage o,
        OrderStatus status,
        IMembershipHooks.Party responsible,
        uint8 reason
    ) private {
        o.status = status;
        uint256 paid = o.paid;
        address buyer = o.buyer;
        address seller = o.seller;
        // Tier refund modes other than Wallet are applied by `cancelByPolicy`.
        _owed[buyer] += paid;
        emit OrderRefunded(orderId, buyer, paid, responsible, reason);
        if (o.listing != address(0)) _DEED.transferFrom(address(this), seller, o.deedId);
        _reportCancelled(orderId, buyer, seller, responsible, reason);
    }

    /// @dev Two equal votes settle a dispute. A split gives the deed to the buyer: the asset was delivered, and the
    /// parties agreed on a partial payment for it.
    function _resolve(uint256 orderId, Order storage o, Outcome outcome, uint16 sellerBps) private {
        uint256 paid = o.paid;
        if (outcome == Outcome.Release) {
            emit DisputeResolved(orderId, outcome, paid, 0);
            _release(orderId, o, ReleaseMethod.Dispute);
        } else if (outcome == Outcome.Refund) {
            emit DisputeResolved(orderId, outcome, 0, paid);
            _refund(orderId, o, OrderStatus.Refunded, IMembershipHooks.Party.Seller, REASON_DISPUTE_REFUND);
        } else {
            uint256 toSeller = (paid * sellerBps) / _BPS;
            address buyer = o.buyer;
            address seller = o.seller;
            o.status = OrderStatus.Split;
            _owed[seller] += toSeller;
            _owed[buyer] += paid - toSeller;
            emit DisputeResolved(orderId, outcome, toSeller, paid - toSeller);
            if (o.listing != address(0)) _DEED.transferFrom(address(this), buyer, o.deedId);
            _reportCancelled(orderId, buyer, seller, IMembershipHooks.Party.Both, REASON_DISPUTE_SPLIT);
        }
    }

    /// @dev The report of every cancellation, refund and split.
    function _reportCancelled(
        uint256 orderId,
        address buyer,
        address seller,
        IMembershipHooks.Party responsible,
        uint8 reason
    ) private {
        _report(
            orderId,
            abi.encodeCall(IMembershipHooks.onOrderCancelled, (orderId, buyer, seller, responsible, reason))
        );
    }

    /// @dev Every report to the membership contract goes through here (see `MembershipReports`).
    function _report(uint256 orderId, bytes memory report) private {
        MembershipReports.send(_reports, _config.membership, orderId, report);
    }

    /// @dev Pulls `amount` and checks it all arrived: fee-on-transfer tokens are rejected rather than booked short.
    function _pull(address from, uint256 amount) private {
        ExactTransfer.pullExact(_PAYMENT_TOKEN, from, amount);
    }

    function _checkRole(bytes32 role) private view {
        if (!IAccessControl(address(_MARKETPLACE)).hasRole(role, msg.sender)) {
            revert IAccessControl.AccessControlUnauthorizedAccount(msg.sender, role);
        }
    }

    function _requireSellerOrAgent(uint256 orderId, address seller) private view {
        if (msg.sender != seller && !_agents[seller][msg.sender]) revert NotSellerOrAgent(orderId, msg.sender);
    }

    /// @dev Signatures and codes are accepted before a dispute or suspension only.
    function _requireAuthorizable(uint256 orderId, OrderStatus status) private pure {
        if (status != OrderStatus.AwaitingShipment && status != OrderStatus.Shipped) {
            revert WrongOrderStatus(orderId, status);
        }
    }

    function _requireOpen(uint256 orderId, OrderStatus status) private pure {
        if (
            status != OrderStatus.AwaitingShipment &&
            status != OrderStatus.Shipped &&
            status != OrderStatus.Disputed &&
            status != OrderStatus.Suspended
        ) revert WrongOrderStatus(orderId, status);
    }

    function _checkWindow(uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert WindowOutOfRange(value, min, max);
    }

    function _orderOfCaller() private view returns (uint256 orderId, Order storage o) {
        orderId = _listingOrders[msg.sender];
        if (orderId == 0) revert NoOrderForListing(msg.sender);
        o = _orders[orderId];
    }
}
