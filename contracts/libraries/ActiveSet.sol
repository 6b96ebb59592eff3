// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @title ActiveSet
/// @notice An unordered set of ids with O(1) add and remove (swap-and-pop) and a bounded scan whose starting offset
/// rotates with the block, so that no item can starve the others. The Marketplace keeps its active listings in one
/// (an address is stored as its uint160 value) and ListingSeries its active series.
/// @dev `index` is one-based: 0 means absent. The order of `items` carries no meaning (a removal moves the last item
/// into the gap).
library ActiveSet {
    /// @notice The set's storage.
    /// @param items The members, in no meaningful order.
    /// @param index Each member's position in `items` plus one (0: not a member).
    struct Set {
        uint256[] items;
        mapping(uint256 item => uint256 oneBasedIndex) index;
    }

    /// @notice Adds `item`, which must not be a member yet.
    /// @param self The set.
    /// @param item The id to add.
    function add(Set storage self, uint256 item) internal {
        self.items.push(item);
        self.index[item] = self.items.length;
    }

    /// @notice Removes `item`, which must be a member: the last member takes its place.
    /// @param self The set.
    /// @param item The id to remove.
    function remove(Set storage self, uint256 item) internal {
        uint256[] storage items = self.items;
        // Cannot underflow: a member's one-based index is ≥ 1 and the set holding it is not empty.
        unchecked {
            uint256 position = self.index[item] - 1;
            uint256 last = items[items.length - 1];
            items[position] = last;
            self.index[last] = position + 1;
        }
        items.pop();
        delete self.index[item];
    }

    /// @notice Whether `item` is a member.
    /// @param self The set.
    /// @param item The id.
    /// @return Whether it is.
    function contains(Set storage self, uint256 item) internal view returns (bool) {
        return self.index[item] != 0;
    }

    /// @notice How many members the set has.
    /// @param self The set.
    /// @return The count.
    function length(Set storage self) internal view returns (uint256) {
        return self.items.length;
    }

    /// @notice The window of a bounded scan: visit `scan` members, the i-th being `scanItem(self, start, i, count)`.
    /// @param self The set.
    /// @param limit Most members one scan visits (bounds its gas).
    /// @return start Offset of the first member visited: the block number modulo the count (0 when empty).
    /// @return scan Members to visit: min(count, limit).
    /// @return count The set's size, to pass back to `scanItem`.
    function scanWindow(
        Set storage self,
        uint256 limit
    ) internal view returns (uint256 start, uint256 scan, uint256 count) {
        count = self.items.length;
        scan = count < limit ? count : limit;
        start = count == 0 ? 0 : block.number % count;
    }

    /// @notice The `step`-th member a scan from `start` visits, wrapping around the end.
    /// @param self The set.
    /// @param start The window's start.
    /// @param step 0 … scan − 1.
    /// @param count The window's count.
    /// @return The member.
    function scanItem(Set storage self, uint256 start, uint256 step, uint256 count) internal view returns (uint256) {
        return self.items[(start + step) % count];
    }
}
