// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @title CloneArgs
/// @notice Reads single 32-byte words of the calling clone's immutable arguments (OpenZeppelin
/// `Clones.cloneWithImmutableArgs` layout: arguments start after the 45-byte EIP-1167 code).
/// @dev The hot paths need four or five words of a twelve-word charter; copying one word costs ~110 gas, decoding
/// the whole charter ~1,000.
library CloneArgs {
    /// @dev Length of the EIP-1167 runtime code that precedes the arguments.
    uint256 private constant _ARGS_OFFSET = 45;

    /// @notice The `index`-th 32-byte word of this clone's arguments.
    /// @param index Word index (0-based) in the abi-encoded arguments.
    /// @return value The word.
    function word(uint256 index) internal view returns (uint256 value) {
        // Why assembly: reads the clone's immutable args appended to its code (EXTCODECOPY of itself).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            extcodecopy(address(), 0x00, add(_ARGS_OFFSET, mul(index, 0x20)), 0x20)
            value := mload(0x00)
        }
    }
}
