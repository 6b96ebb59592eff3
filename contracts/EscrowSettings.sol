// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IDeliveryEscrow} from "./interfaces/IDeliveryEscrow.sol";
import {IMarketplace} from "./interfaces/IMarketplace.sol";

/// @title EscrowSettings
/// @notice The delivery escrow's settings: the ship and confirmation windows, the one-time-code policy, the arbiter,
/// the direct-order fee and the membership contract it reports to, with their bounds, setters and getters. Roles are
/// the marketplace's: its admin, OPERATOR_ROLE for the windows, POLICY_ROLE (the membership contract) for cancellations.
/// @dev The base of `DeliveryEscrow`, which holds the orders and the money; nothing here moves tokens.
abstract contract EscrowSettings is IDeliveryEscrow {
    /// @notice The marketplace role that sets the ship and confirmation windows.
    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    /// @notice The marketplace role that may cancel orders by policy (granted to the membership contract).
    bytes32 public constant POLICY_ROLE = keccak256("POLICY_ROLE");
    /// @notice Highest platform fee of direct orders.
    uint256 public constant MAX_DIRECT_FEE_BPS = 1_000;
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

    /// @dev One slot, read by every release and refund.
    struct Config {
        address membership;
        uint8 maxAttempts;
        uint32 suspensionPeriod;
        uint32 confirmWindow;
        uint16 directFeeBps;
    }

    IMarketplace internal immutable _MARKETPLACE;

    uint256 internal _shipWindow = 30 days;
    Config internal _config = Config({
        membership: address(0),
        maxAttempts: 5,
        suspensionPeriod: 7 days,
        confirmWindow: 14 days,
        directFeeBps: 0
    });
    address internal _arbiter;
    /// @dev Grows with every `setArbiter`, so that votes cast by an earlier arbiter stop counting.
    uint32 internal _arbiterTerm;

    /// @param marketplace_ The marketplace whose roles govern the escrow.
    constructor(address marketplace_) {
        _MARKETPLACE = IMarketplace(marketplace_);
    }

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

    /// @inheritdoc IDeliveryEscrow
    function directFeeBps() external view returns (uint256) {
        return _config.directFeeBps;
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
    function marketplace() external view returns (address) {
        return address(_MARKETPLACE);
    }

    function _checkRole(bytes32 role) internal view {
        if (!IAccessControl(address(_MARKETPLACE)).hasRole(role, msg.sender)) {
            revert IAccessControl.AccessControlUnauthorizedAccount(msg.sender, role);
        }
    }

    function _checkWindow(uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert WindowOutOfRange(value, min, max);
    }
}
