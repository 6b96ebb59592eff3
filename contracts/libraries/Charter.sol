// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @title Charter
/// @notice Reads a listing clone's charter, `abi.encode(listingId, IListing.Terms)`, from the clone's immutable
/// arguments (OpenZeppelin `Clones.cloneWithImmutableArgs`: they follow the 45-byte EIP-1167 code), by name.
/// @dev The hot paths need four or five fields of the twelve-word charter: copying one word costs ~110 gas, decoding
/// the whole charter ~1,000. Each field is one 32-byte word; the charter was validated at approval, so every word
/// fits its declared type. `Listing.charter()` decodes the whole charter itself: an internal function returning the
/// `Terms` struct would allocate it twice in memory (~300 gas on every external read).
///
///     code offset   word  field
///     45 +  0 × 32    0   listingId
///     45 +  1 × 32    1   seller          address
///     45 +  2 × 32    2   deedId          uint256
///     45 +  3 × 32    3   price           uint96   P
///     45 +  4 × 32    4   stakePrice      uint96   s
///     45 +  5 × 32    5   stakeCount      uint64   N
///     45 +  6 × 32    6   threshold       uint64   T
///     45 +  7 × 32    7   opensAt         uint40
///     45 +  8 × 32    8   deadline        uint40   Time-Date A
///     45 +  9 × 32    9   category        uint32
///     45 + 10 × 32   10   drawAtSellOut   bool
///     45 + 11 × 32   11   contentHash     bytes32
library Charter {
    // Code offsets of the fields read one by one (see the table above).
    uint256 private constant _SELLER = 77; // 45 + 1 × 32
    uint256 private constant _DEED_ID = 109; // 45 + 2 × 32
    uint256 private constant _PRICE = 141; // 45 + 3 × 32
    uint256 private constant _STAKE_PRICE = 173; // 45 + 4 × 32
    uint256 private constant _STAKE_COUNT = 205; // 45 + 5 × 32
    uint256 private constant _THRESHOLD = 237; // 45 + 6 × 32
    uint256 private constant _OPENS_AT = 269; // 45 + 7 × 32
    uint256 private constant _DEADLINE = 301; // 45 + 8 × 32
    uint256 private constant _DRAW_AT_SELL_OUT = 365; // 45 + 10 × 32

    // Each accessor copies its word with its own constant offset: one internal call per field read, as cheap as
    // the EXTCODECOPY itself allows. Why assembly: the arguments are appended to the clone's code.
    // solhint-disable no-inline-assembly

    /// @notice The verified seller who deposited the deed.
    /// @return value The seller.
    function seller() internal view returns (address value) {
        uint256 v;
        assembly ("memory-safe") {
            extcodecopy(address(), 0x00, _SELLER, 0x20)
            v := mload(0x00)
        }
        value = address(uint160(v));
    }

    /// @notice The AssetDeed token the listing holds.
    /// @return value The deed id.
    function deedId() internal view returns (uint256 value) {
        assembly ("memory-safe") {
            extcodecopy(address(), 0x00, _DEED_ID, 0x20)
            value := mload(0x00)
        }
    }

    /// @notice P, the seller's price.
    /// @return value Payment-token units.
    function price() internal view returns (uint256 value) {
        assembly ("memory-safe") {
            extcodecopy(address(), 0x00, _PRICE, 0x20)
            value := mload(0x00)
        }
    }

    /// @notice s, the price of one stake.
    /// @return value Payment-token units.
    function stakePrice() internal view returns (uint256 value) {
        assembly ("memory-safe") {
            extcodecopy(address(), 0x00, _STAKE_PRICE, 0x20)
            value := mload(0x00)
        }
    }

    /// @notice N, the stakes for sale.
    /// @return value The count.
    function stakeCount() internal view returns (uint256 value) {
        assembly ("memory-safe") {
            extcodecopy(address(), 0x00, _STAKE_COUNT, 0x20)
            value := mload(0x00)
        }
    }

    /// @notice T, the stakes that must be held for the draw to happen.
    /// @return value The count.
    function threshold() internal view returns (uint256 value) {
        assembly ("memory-safe") {
            extcodecopy(address(), 0x00, _THRESHOLD, 0x20)
            value := mload(0x00)
        }
    }

    /// @notice First second at which stakes can be bought.
    /// @return value The timestamp.
    function opensAt() internal view returns (uint40 value) {
        uint256 v;
        assembly ("memory-safe") {
            extcodecopy(address(), 0x00, _OPENS_AT, 0x20)
            v := mload(0x00)
        }
        value = uint40(v);
    }

    /// @notice Time-Date A: sales stop and settlement becomes possible.
    /// @return value The timestamp.
    function deadline() internal view returns (uint40 value) {
        uint256 v;
        assembly ("memory-safe") {
            extcodecopy(address(), 0x00, _DEADLINE, 0x20)
            v := mload(0x00)
        }
        value = uint40(v);
    }

    /// @notice Whether settlement may run as soon as all N stakes are held.
    /// @return value Whether it may.
    function drawAtSellOut() internal view returns (bool value) {
        uint256 v;
        assembly ("memory-safe") {
            extcodecopy(address(), 0x00, _DRAW_AT_SELL_OUT, 0x20)
            v := mload(0x00)
        }
        value = v != 0;
    }
    // solhint-enable no-inline-assembly
}
