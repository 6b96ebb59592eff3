// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @title PurchaseLog
/// @notice An append-only log of stake purchases. Purchase i holds the consecutive stake numbers
/// (lastStake of purchase i−1) + 1 … lastStake of purchase i, so the last stakes increase strictly and the
/// holder of any stake number is found by binary search in O(log purchases), or checked in O(1) from a hint.
/// @dev One storage slot per purchase: the only storage a purchase must create.
library PurchaseLog {
    /// @notice One purchase.
    /// @param tokenId The bid token the stakes are recorded against.
    /// @param lastStake The last stake number of this purchase (= stakes sold right after it).
    struct Purchase {
        uint64 tokenId;
        uint64 lastStake;
    }

    /// @notice The log; its length is kept by the caller, packed with its other counters.
    struct Log {
        mapping(uint256 index => Purchase) entries;
    }

    /// @notice Appends purchase number `index` (which must equal the current length).
    /// @param self The log.
    /// @param index The new purchase's index.
    /// @param tokenId The bid token.
    /// @param lastStake The last stake number of the purchase, above every earlier one.
    function append(Log storage self, uint256 index, uint256 tokenId, uint256 lastStake) internal {
        self.entries[index] = Purchase(uint64(tokenId), uint64(lastStake));
    }

    /// @notice Finds the purchase holding `stake`.
    /// @dev Requires 1 ≤ stake ≤ the last purchase's lastStake and length ≥ 1; reads ⌈log2(length)⌉ + 1 slots.
    /// @param self The log.
    /// @param length Purchases in the log.
    /// @param stake The stake number.
    /// @return index The smallest index whose lastStake ≥ stake.
    function find(Log storage self, uint256 length, uint256 stake) internal view returns (uint256 index) {
        uint256 low = 0;
        uint256 high = length - 1;
        while (low < high) {
            // Cannot overflow: low and high are below length, itself far below 2**255.
            uint256 mid;
            unchecked {
                mid = (low + high) / 2;
            }
            if (self.entries[mid].lastStake < stake) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /// @notice Whether purchase `index` holds `stake`, in O(1).
    /// @param self The log.
    /// @param length Purchases in the log.
    /// @param index The purchase.
    /// @param stake The stake number.
    /// @return Whether it does.
    function holds(Log storage self, uint256 length, uint256 index, uint256 stake) internal view returns (bool) {
        if (index >= length || self.entries[index].lastStake < stake) return false;
        return index == 0 || self.entries[index - 1].lastStake < stake;
    }

    /// @notice The stake range of purchase `index`.
    /// @param self The log.
    /// @param index The purchase (must exist).
    /// @return tokenId The bid token.
    /// @return firstStake Its first stake number.
    /// @return lastStake Its last stake number.
    function range(
        Log storage self,
        uint256 index
    ) internal view returns (uint256 tokenId, uint256 firstStake, uint256 lastStake) {
        Purchase memory entry = self.entries[index];
        firstStake = index == 0 ? 1 : uint256(self.entries[index - 1].lastStake) + 1;
        return (entry.tokenId, firstStake, entry.lastStake);
    }
}
