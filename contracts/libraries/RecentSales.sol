// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @title RecentSales
/// @notice A seller's completed sales over the last `DAYS` days, kept as a ring of daily counters in one word:
///
///     bit 255   192 191  176 175  160      79   64 63   48 47   32 31              0
///         ┌───────┬────────┬────────┬ ··· ┬───────┬───────┬─────────────────┐
///         │unused │ lane 9 │ lane 8 │     │lane 1 │lane 0 │   latest day    │
///         │ (64)  │  (16)  │  (16)  │     │ (16)  │ (16)  │      (32)       │
///         └───────┴────────┴────────┴ ··· ┴───────┴───────┴─────────────────┘
///
/// `latest day` is the day number (timestamp / 1 day) of the latest recorded sale; lane `d % DAYS` counts the sales of
/// day `d`, for the `DAYS` days up to `latest day`. A lane saturates at 65,535 instead of overflowing into the next.
/// @dev Internal functions only, compiled into the membership contract. Every loop is bounded by `DAYS`.
library RecentSales {
    /// @notice Length of the window, in days.
    uint256 internal constant DAYS = 10;

    uint256 private constant _DAY_BITS = 32;
    uint256 private constant _LANE_BITS = 16;
    uint256 private constant _LANE_MASK = (1 << _LANE_BITS) - 1;

    /// @notice Records one sale today and returns the sales now in the window.
    /// @param self The rings, by seller.
    /// @param seller The seller.
    /// @return The sales over the last `DAYS` days, today's included.
    function record(mapping(address seller => uint256 ring) storage self, address seller) internal returns (uint256) {
        uint256 ring = self[seller];
        uint256 latest = ring & type(uint32).max;
        uint256 today = block.timestamp / 1 days;
        // Days between the latest sale and today are clear; a ring more than a window old is cleared whole.
        if (today >= latest + DAYS || ring == 0) {
            ring = 0;
        } else {
            for (uint256 day = latest + 1; day <= today; ++day) {
                ring &= ~(_LANE_MASK << (_DAY_BITS + (day % DAYS) * _LANE_BITS));
            }
        }
        uint256 shift = _DAY_BITS + (today % DAYS) * _LANE_BITS;
        // A day's lane saturates instead of overflowing into the next day's.
        if ((ring >> shift) & _LANE_MASK < _LANE_MASK) ring += 1 << shift;
        ring = (ring & ~uint256(type(uint32).max)) | today;
        self[seller] = ring;
        return count(ring);
    }

    /// @notice The sales a ring holds over the last `DAYS` days, today's included.
    /// @param ring The seller's ring.
    /// @return total The sales.
    function count(uint256 ring) internal view returns (uint256 total) {
        uint256 latest = ring & type(uint32).max;
        uint256 today = block.timestamp / 1 days;
        // Days latest − 9 … latest are in the ring; only those after today − DAYS count.
        for (uint256 d = 0; d < DAYS; ++d) {
            if (latest < d) break;
            uint256 day = latest - d;
            if (day + DAYS <= today) break;
            total += (ring >> (_DAY_BITS + (day % DAYS) * _LANE_BITS)) & _LANE_MASK;
        }
    }
}
