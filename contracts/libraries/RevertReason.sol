// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @title RevertReason
/// @notice Re-throws a failed call's revert data unchanged, for callers that catch a revert only to decide whether
/// to pass it on (an empty reason, what running out of gas looks like, is always passed on).
library RevertReason {
    /// @notice Reverts with `reason` as the revert data.
    /// @param reason The revert data caught from a call.
    function bubble(bytes memory reason) internal pure {
        // Why assembly: Solidity cannot revert with raw bytes.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            revert(add(reason, 0x20), mload(reason))
        }
    }
}
