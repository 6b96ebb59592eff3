// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @title PurchaseLog
/// @notice An append-only log of stake purchases. Purchase i holds the consecutive stake numbers
/// (lastStake of purchase i−1) + 1 … lastStake of purchase i, so the last stakes increase strictly and the
/// holder of any stake number is found by binary search in O(log purchases), or checked in O(1) from a hint.
/// @dev Four purchases share one storage slot (64-bit lanes: a cancelled flag, a 23-bit token id and a 40-bit
/// last stake, from the top), so only one purchase in four pays for a fresh slot; the other three rewrite a slot
/// that is already non-zero. A cancelled purchase keeps its stake numbers (so the search is unchanged) and is
/// flagged in its own lane, which every reader of the lane sees for free.
/// Callers keep token ids ≤ MAX_TOKEN_ID and stake numbers ≤ MAX_STAKE.
library PurchaseLog {
    /// @notice The largest token id a lane can hold.
    uint256 internal constant MAX_TOKEN_ID = (1 << 23) - 1;
    /// @notice The largest stake number a lane can hold.
    uint256 internal constant MAX_STAKE = (1 << 40) - 1;

    uint256 private constant _LANES_PER_SLOT = 4;
    uint256 private constant _LANE_BITS = 64;
    uint256 private constant _STAKE_BITS = 40;
    uint256 private constant _LANE_MASK = (1 << 64) - 1;
    uint256 private constant _CANCELLED = 1 << 63;

    /// @notice Rejection-sampling attempts before `draw` falls back to the next held purchase.
    uint256 internal constant MAX_DRAW_ATTEMPTS = 64;

    /// @notice Thrown when a hint does not hold the stake of its attempt (same signature as the listing's).
    /// @param purchaseIndex The hint.
    /// @param stake The stake it should hold.
    error WrongHint(uint256 purchaseIndex, uint256 stake);

    /// @notice The log; its length is kept by the caller, packed with its other counters.
    struct Log {
        mapping(uint256 slot => uint256 lanes) slots;
    }

    /// @notice Appends purchase number `index` (which must equal the current length).
    /// @param self The log.
    /// @param index The new purchase's index.
    /// @param tokenId The bid token (≤ MAX_TOKEN_ID).
    /// @param lastStake The last stake number of the purchase (≤ MAX_STAKE), above every earlier one.
    function append(Log storage self, uint256 index, uint256 tokenId, uint256 lastStake) internal {
        uint256 shift = (index % _LANES_PER_SLOT) * _LANE_BITS;
        // The lane is still zero: the log only grows, so OR-ing writes it without touching its neighbours.
        self.slots[index / _LANES_PER_SLOT] |= ((tokenId << _STAKE_BITS) | lastStake) << shift;
    }

    /// @notice Flags purchase `index` (which must exist) as cancelled.
    /// @param self The log.
    /// @param index The purchase.
    function cancel(Log storage self, uint256 index) internal {
        self.slots[index / _LANES_PER_SLOT] |= _CANCELLED << ((index % _LANES_PER_SLOT) * _LANE_BITS);
    }

    /// @notice The winning stake of a draw with random `word` over `numbered` stake numbers: attempt 0 is
    /// `word mod numbered + 1`, attempt i ≥ 1 is `keccak256(abi.encode(word, i)) mod numbered + 1`, and an attempt
    /// landing in a cancelled purchase is rejected.
    /// @dev Uniformity: each attempt is uniform over 1 … numbered (modulo bias below 2**-190 for numbered below
    /// 2**64) and independent of the others, so the accepted stake is uniform over the stakes still held: with c of
    /// n numbers cancelled, every held stake is accepted with probability Σ_k (c/n)^k · 1/n = 1/(n − c). Cancelled
    /// stakes are never returned. Each attempt is one O(log length) search, or O(1) with a hint. The listing keeps
    /// at least half of the numbers held whenever it draws, so the expected attempts are ≤ 2 and MAX_DRAW_ATTEMPTS rejections in a row
    /// have probability ≤ 2**-64; only then is the next held purchase after the last attempt's taken, so that a
    /// draw can never stall.
    /// @param self The log.
    /// @param length Purchases in the log (≥ 1, at least one not cancelled).
    /// @param numbered Stake numbers issued, cancelled ones included.
    /// @param word The random word.
    /// @param hints Purchase indices for attempts 0, 1, …; attempts past them are searched.
    /// @return stake The winning stake number.
    /// @return index The purchase holding it.
    /// @return tokenId That purchase's bid token.
    function draw(
        Log storage self,
        uint256 length,
        uint256 numbered,
        uint256 word,
        uint256[] memory hints
    ) internal view returns (uint256 stake, uint256 index, uint256 tokenId) {
        bool cancelled;
        for (uint256 attempt = 0; attempt < MAX_DRAW_ATTEMPTS; ++attempt) {
            uint256 sample = attempt == 0 ? word : uint256(keccak256(abi.encode(word, attempt)));
            stake = (sample % numbered) + 1;
            if (attempt < hints.length) {
                index = hints[attempt];
                if (!holds(self, length, index, stake)) revert WrongHint(index, stake);
            } else {
                index = find(self, length, stake);
            }
            (tokenId, , cancelled) = entry(self, index);
            if (!cancelled) return (stake, index, tokenId);
        }
        do {
            index = (index + 1) % length;
            (tokenId, stake, cancelled) = entry(self, index);
        } while (cancelled);
    }

    /// @notice Finds the purchase holding `stake`.
    /// @dev Requires 1 ≤ stake ≤ the last purchase's lastStake and length ≥ 1; reads ⌈log2(length)⌉ + 1 lanes,
    /// the last two probes usually in a slot already read.
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
            if (lastStakeAt(self, mid) < stake) {
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
    /// @param stake The stake number (≥ 1).
    /// @return Whether it does.
    function holds(Log storage self, uint256 length, uint256 index, uint256 stake) internal view returns (bool) {
        if (stake == 0 || index >= length || lastStakeAt(self, index) < stake) return false;
        return index == 0 || lastStakeAt(self, index - 1) < stake;
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
        (tokenId, lastStake, ) = entry(self, index);
        firstStake = index == 0 ? 1 : lastStakeAt(self, index - 1) + 1;
    }

    /// @notice The token, last stake and cancelled flag of purchase `index` (zeros past the end).
    /// @param self The log.
    /// @param index The purchase.
    /// @return tokenId The bid token.
    /// @return lastStake Its last stake number.
    /// @return cancelled Whether the purchase was cancelled.
    function entry(
        Log storage self,
        uint256 index
    ) internal view returns (uint256 tokenId, uint256 lastStake, bool cancelled) {
        uint256 lane = _lane(self, index);
        return ((lane >> _STAKE_BITS) & MAX_TOKEN_ID, lane & MAX_STAKE, lane & _CANCELLED != 0);
    }

    /// @notice The last stake number of purchase `index` (zero past the end).
    /// @param self The log.
    /// @param index The purchase.
    /// @return The last stake number.
    function lastStakeAt(Log storage self, uint256 index) internal view returns (uint256) {
        return _lane(self, index) & MAX_STAKE;
    }

    function _lane(Log storage self, uint256 index) private view returns (uint256) {
        return (self.slots[index / _LANES_PER_SLOT] >> ((index % _LANES_PER_SLOT) * _LANE_BITS)) & _LANE_MASK;
    }
}
