// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @title SoladySlots
/// @notice The few token moves the bid token makes by writing Solady ERC721's storage directly, and the treasury's
/// stack of recycled ids. Internal functions only: compiled into the bid token, so `address()` is the bid token.
/// @dev Solady ERC721's layout (see its ERC721.sol, "Ownership data"), with SEED = 0x7d8825530a5a2e7a << 192:
///
///     ownership slot of `id`  = id + id + keccak256(abi.encode(id, SEED) packed as [id | SEED at 0x1c])
///       255            160 159                      0
///       | extra data (96) |       owner (160)        |
///     approval slot of `id`   = ownership slot + 1   (the approved address, zero if none)
///     balance slot of `owner` = keccak256(owner (20 bytes) ‖ bytes 4…7 of SEED's top 8)
///       255               32 31           0
///       |      aux (224)      | balance (32) |   (the treasury's own is never written: see BidToken.balanceOf)
///
/// The treasury stack packs ten 24-bit ids to a slot, the first pushed lowest:
///
///       255  240 239     216 215 … 47      24 23      0
///       | (16) | id 9 (24) |   …   | id 1 (24) | id 0 (24) |
///
/// Checked against Solady's own views (ownerOf, balanceOf, getApproved) in test/units/BidToken.test.ts.
library SoladySlots {
    uint256 private constant _MASTER_SLOT_SEED = 0x7d8825530a5a2e7a << 192;
    uint256 private constant _TRANSFER_EVENT_SIGNATURE =
        0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef;

    /// @notice Ids in one stack slot.
    uint256 internal constant IDS_PER_SLOT = 10;
    /// @notice Bits of one stacked id.
    uint256 internal constant ID_BITS = 24;
    /// @notice Mask of one stacked id.
    uint256 internal constant ID_MASK = (1 << ID_BITS) - 1;

    /// @dev The recycled ids, `IDS_PER_SLOT` to a slot. One mapping: the slot the bid token's `_recycled` had.
    struct Stack {
        mapping(uint256 slot => uint256 ids) slots;
    }

    /// @notice Owner and extra data in one read of the ownership slot.
    function ownership(uint256 id) internal view returns (address owner, uint256 extra) {
        // Why assembly: Solady keeps these slots private; its own code addresses them the same way.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, id)
            mstore(0x1c, _MASTER_SLOT_SEED)
            let packed := sload(add(id, add(id, keccak256(0x00, 0x20))))
            owner := shr(96, shl(96, packed))
            extra := shr(160, packed)
        }
    }

    /// @notice Moves `id` from `holder` to the treasury (this contract) with its approval and extra data cleared,
    /// without raising the treasury's balance slot.
    function moveToTreasury(address holder, uint256 id) internal {
        // Why assembly: Solady keeps these slots private; its own code addresses them the same way.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, id)
            mstore(0x1c, _MASTER_SLOT_SEED)
            let ownershipSlot := add(id, add(id, keccak256(0x00, 0x20)))
            if sload(add(1, ownershipSlot)) {
                sstore(add(1, ownershipSlot), 0)
            }
            sstore(ownershipSlot, address())
            mstore(0x00, holder)
            let balanceSlot := keccak256(0x0c, 0x1c)
            sstore(balanceSlot, sub(sload(balanceSlot), 1))
            log4(codesize(), 0x00, _TRANSFER_EVENT_SIGNATURE, holder, address(), id)
        }
    }

    /// @notice Issues `id` from the treasury to `to` with one position (listing `listingNumber`) as extra data. Its
    /// approval was cleared when it was recycled.
    function moveFromTreasury(address to, uint256 id, uint256 listingNumber) internal {
        // Why assembly: Solady keeps these slots private; its own code addresses them the same way.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, id)
            mstore(0x1c, _MASTER_SLOT_SEED)
            sstore(add(id, add(id, keccak256(0x00, 0x20))), or(shl(160, listingNumber), to))
            mstore(0x00, to)
            let balanceSlot := keccak256(0x0c, 0x1c)
            sstore(balanceSlot, add(sload(balanceSlot), 1))
            log4(codesize(), 0x00, _TRANSFER_EVENT_SIGNATURE, address(), to, id)
        }
    }

    /// @notice The id at position `index` of the stack.
    function at(Stack storage self, uint256 index) internal view returns (uint256) {
        return (self.slots[index / IDS_PER_SLOT] >> ((index % IDS_PER_SLOT) * ID_BITS)) & ID_MASK;
    }

    /// @notice `ids` (a stack slot buffered in memory) with `id` written at position `index` of the stack.
    function put(uint256 ids, uint256 index, uint256 id) internal pure returns (uint256) {
        uint256 shift = (index % IDS_PER_SLOT) * ID_BITS;
        return (ids & ~(ID_MASK << shift)) | (id << shift);
    }
}
