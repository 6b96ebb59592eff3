// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @title CappedCall
/// @notice A call with a fixed gas cap whose return data is never copied, so a callee can neither take more gas than
/// it was given nor make the caller pay for a huge return (no return bomb).
library CappedCall {
    /// @notice Calls `target` with `data` and at most `gasCap` gas, ignoring what it returns.
    /// @param target The callee (must have code: a call to an address without code succeeds).
    /// @param gasCap The gas the callee gets.
    /// @param data The calldata.
    /// @return ok Whether the call succeeded.
    function invoke(address target, uint256 gasCap, bytes memory data) internal returns (bool ok) {
        // Why assembly: a call that copies no return data (Solidity's call always copies it).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            ok := call(gasCap, target, 0, add(data, 32), mload(data), 0, 0)
        }
    }
}
