// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMembershipHooks} from "../interfaces/IMembershipHooks.sol";

/// @title MockMembership
/// @notice Test-only membership contract: records the escrow's reports, or breaks on purpose (reverts, burns all the
/// gas it is given, or calls back into the escrow) to show that a broken or hostile membership contract cannot
/// block, or re-enter, releases and refunds.
contract MockMembership is IMembershipHooks {
    /// @notice How the mock answers.
    enum Mode {
        Record,
        Revert,
        BurnGas,
        Reenter
    }

    /// @notice Thrown in Revert mode.
    error Broken();

    /// @notice Emitted for each completion report.
    /// @param orderId The order.
    /// @param buyer The buyer.
    /// @param seller The seller.
    /// @param amount Units paid.
    event Completed(uint256 orderId, address buyer, address seller, uint256 amount);
    /// @notice Emitted for each cancellation report.
    /// @param orderId The order.
    /// @param buyer The buyer.
    /// @param seller The seller.
    /// @param responsible The party responsible.
    /// @param reason The reason code.
    event Cancelled(uint256 orderId, address buyer, address seller, Party responsible, uint8 reason);

    address private immutable _MARKETPLACE;
    address private immutable _ESCROW;

    /// @notice The current mode.
    Mode public mode;
    /// @notice Reports received.
    uint256 public reports;
    /// @notice What Reenter mode calls (target and calldata).
    address public reentryTarget;
    bytes public reentryData;

    /// @param marketplace_ The marketplace.
    /// @param escrow_ The escrow.
    constructor(address marketplace_, address escrow_) {
        _MARKETPLACE = marketplace_;
        _ESCROW = escrow_;
    }

    /// @notice The marketplace it serves (checked by `Marketplace.setModules`).
    /// @return The marketplace.
    function marketplace() external view returns (address) {
        return _MARKETPLACE;
    }

    /// @notice The escrow it counts orders for (checked by `Marketplace.setModules`).
    /// @return The escrow.
    function escrow() external view returns (address) {
        return _ESCROW;
    }

    /// @notice Sets the mode.
    /// @param mode_ The mode.
    function setMode(Mode mode_) external {
        mode = mode_;
    }

    /// @notice Sets the call Reenter mode makes.
    /// @param target The contract called.
    /// @param data The calldata.
    function setReentry(address target, bytes calldata data) external {
        reentryTarget = target;
        reentryData = data;
    }

    /// @notice Emitted for each opening report.
    /// @param orderId The order.
    event Opened(uint256 orderId);

    /// @inheritdoc IMembershipHooks
    /// @dev Only recorded (never misbehaves): the failure modes are exercised on completions and cancellations.
    function onOrderOpened(uint256 orderId, address, address, uint256, uint256) external {
        emit Opened(orderId);
    }

    /// @inheritdoc IMembershipHooks
    function onOrderCompleted(
        uint256 orderId,
        address buyer,
        address seller,
        uint256 amount,
        uint256,
        address
    ) external {
        _misbehave();
        ++reports;
        emit Completed(orderId, buyer, seller, amount);
    }

    /// @inheritdoc IMembershipHooks
    function onOrderCancelled(
        uint256 orderId,
        address buyer,
        address seller,
        Party responsible,
        uint8 reason
    ) external {
        _misbehave();
        ++reports;
        emit Cancelled(orderId, buyer, seller, responsible, reason);
    }

    function _misbehave() private {
        if (mode == Mode.Revert) revert Broken();
        if (mode == Mode.Reenter) {
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory reason) = reentryTarget.call(reentryData);
            // Bubbles the escrow's refusal, so the report fails the way a re-entrant call would.
            if (!ok) {
                // Why assembly: rethrows the callee's revert data unchanged.
                // solhint-disable-next-line no-inline-assembly
                assembly ("memory-safe") {
                    revert(add(reason, 32), mload(reason))
                }
            }
        }
        if (mode == Mode.BurnGas) {
            uint256 x;
            while (gasleft() > 100) ++x;
        }
    }
}
