// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IDeliveryEscrow} from "./interfaces/IDeliveryEscrow.sol";
import {IMarketplace} from "./interfaces/IMarketplace.sol";

/// @title DeliveryEscrow
/// @notice Holds P and the deed of each settled listing until the winner authorizes delivery; the seller is paid
/// only then. If the seller does not ship in time, the winner takes P instead and the deed returns.
/// @dev First part of SPEC §4.5. Every payout is credited and then withdrawn by its owner (pull), so a
/// blacklisted or reverting party can only block itself.
contract DeliveryEscrow is IDeliveryEscrow, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice The operator role of the marketplace, which sets the ship window.
    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    /// @notice Bounds of the ship window.
    uint256 public constant MIN_SHIP_WINDOW = 1 days;
    /// @notice Bounds of the ship window.
    uint256 public constant MAX_SHIP_WINDOW = 180 days;

    IMarketplace private immutable _MARKETPLACE;
    IERC20 private immutable _PAYMENT_TOKEN;
    IERC721 private immutable _DEED;

    uint256 private _orderCount;
    uint256 private _shipWindow = 30 days;
    uint256 private _totalHeld;
    mapping(uint256 orderId => Order) private _orders;
    mapping(address account => uint256) private _owed;
    mapping(address listing => uint256 orderId) private _listingOrders;

    /// @param marketplace_ The marketplace whose listings open orders.
    /// @param paymentToken The ERC-20 held.
    /// @param deed The asset-deed collection.
    constructor(address marketplace_, address paymentToken, address deed) {
        _MARKETPLACE = IMarketplace(marketplace_);
        _PAYMENT_TOKEN = IERC20(paymentToken);
        _DEED = IERC721(deed);
    }

    /// @inheritdoc IDeliveryEscrow
    function openSettlementOrder(
        address seller,
        uint256 amount,
        uint256 deedId
    ) external nonReentrant returns (uint256 orderId) {
        if (!_MARKETPLACE.isListing(msg.sender)) revert NotAListing(msg.sender);
        if (seller == address(0) || amount == 0) revert InvalidOrder();
        if (_listingOrders[msg.sender] != 0) revert OrderAlreadyOpened(msg.sender, _listingOrders[msg.sender]);
        orderId = ++_orderCount;
        _listingOrders[msg.sender] = orderId;
        _orders[orderId] = Order({
            buyer: address(0),
            status: OrderStatus.AwaitingDraw,
            // The window is snapshotted here so that finalize reads one slot; it becomes a time at assignment.
            shipBy: uint40(_shipWindow),
            seller: seller,
            amount: uint96(amount),
            listing: msg.sender,
            deedId: deedId,
            trackingHash: bytes32(0)
        });
        _totalHeld += amount;
        emit OrderOpened(orderId, msg.sender, seller, amount, deedId);
        _PAYMENT_TOKEN.safeTransferFrom(msg.sender, address(this), amount);
        _DEED.transferFrom(msg.sender, address(this), deedId);
    }

    /// @inheritdoc IDeliveryEscrow
    function assignBuyer(address buyer) external {
        (uint256 orderId, Order storage o) = _orderOfCaller();
        if (o.status != OrderStatus.AwaitingDraw) revert WrongOrderStatus(orderId, o.status);
        if (buyer == address(0)) revert InvalidOrder();
        uint40 shipBy = uint40(block.timestamp + o.shipBy);
        o.buyer = buyer;
        o.status = OrderStatus.AwaitingShipment;
        o.shipBy = shipBy;
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

    /// @inheritdoc IDeliveryEscrow
    function markShipped(uint256 orderId, bytes32 trackingHash) external {
        Order storage o = _orders[orderId];
        if (msg.sender != o.seller) revert NotSeller(orderId, msg.sender);
        if (o.status != OrderStatus.AwaitingShipment) revert WrongOrderStatus(orderId, o.status);
        if (block.timestamp > o.shipBy) revert ShipByPassed(orderId, o.shipBy);
        if (trackingHash == bytes32(0)) revert InvalidOrder();
        o.status = OrderStatus.Shipped;
        o.trackingHash = trackingHash;
        emit OrderShipped(orderId, trackingHash);
    }

    /// @inheritdoc IDeliveryEscrow
    function release(uint256 orderId) external nonReentrant {
        Order storage o = _orders[orderId];
        if (msg.sender != o.buyer) revert NotBuyer(orderId, msg.sender);
        if (o.status != OrderStatus.AwaitingShipment && o.status != OrderStatus.Shipped) {
            revert WrongOrderStatus(orderId, o.status);
        }
        o.status = OrderStatus.Released;
        uint256 amount = o.amount;
        _owed[o.seller] += amount;
        emit OrderReleased(orderId, o.seller, amount);
        // A plain transfer: the buyer asked for it, and no receiver callback can re-enter.
        _DEED.transferFrom(address(this), msg.sender, o.deedId);
    }

    /// @inheritdoc IDeliveryEscrow
    function refundUnshipped(uint256 orderId) external nonReentrant {
        Order storage o = _orders[orderId];
        if (msg.sender != o.buyer) revert NotBuyer(orderId, msg.sender);
        if (o.status != OrderStatus.AwaitingShipment) revert WrongOrderStatus(orderId, o.status);
        if (block.timestamp <= o.shipBy) revert ShipByNotPassed(orderId, o.shipBy);
        o.status = OrderStatus.Refunded;
        uint256 amount = o.amount;
        _owed[msg.sender] += amount;
        emit OrderRefunded(orderId, msg.sender, amount);
        _DEED.transferFrom(address(this), o.seller, o.deedId);
    }

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
    function setShipWindow(uint256 window) external {
        if (!IAccessControl(address(_MARKETPLACE)).hasRole(OPERATOR_ROLE, msg.sender)) {
            revert IAccessControl.AccessControlUnauthorizedAccount(msg.sender, OPERATOR_ROLE);
        }
        if (window < MIN_SHIP_WINDOW || window > MAX_SHIP_WINDOW) revert ShipWindowOutOfRange(window);
        _shipWindow = window;
        emit ShipWindowSet(window);
    }

    /// @inheritdoc IDeliveryEscrow
    function order(uint256 orderId) external view returns (Order memory) {
        return _orders[orderId];
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
    function orderCount() external view returns (uint256) {
        return _orderCount;
    }

    /// @inheritdoc IDeliveryEscrow
    function marketplace() external view returns (address) {
        return address(_MARKETPLACE);
    }

    function _orderOfCaller() private view returns (uint256 orderId, Order storage o) {
        orderId = _listingOrders[msg.sender];
        if (orderId == 0) revert NoOrderForListing(msg.sender);
        o = _orders[orderId];
    }
}
