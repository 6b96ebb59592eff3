// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IMembership} from "../interfaces/IMembership.sol";

/// @title MemberCounters
/// @notice A member's counters (`IMembership.Counters`) packed in one storage word, so that a report reads and writes
/// each party once:
///
///     bit  255      201 200  199  192 191   160 159   128 127    96 95     64 63     32 31      0
///          ┌──────────┬───┬─────────┬─────────┬─────────┬─────────┬─────────┬─────────┬─────────┐
///          │  unused  │ r │  tier   │ helpful │  stake  │ cancel. │ cancel. │completed│ orders  │
///          │          │   │ (8)     │ reviews │ cancel. │ seller  │ buyer   │  (32)   │  (32)   │
///          └──────────┴───┴─────────┴─────────┴─────────┴─────────┴─────────┴─────────┴─────────┘
///     r: registered (1 bit). Every counter is 32 bits; a word never written reads as all zeros (tier 0, the default).
/// @dev Internal functions only, compiled into the membership contract.
library MemberCounters {
    /// @notice Reads `member`'s counters.
    /// @param self The packed words, by member.
    /// @param member The member.
    /// @return c The counters.
    function load(
        mapping(address member => uint256 word) storage self,
        address member
    ) internal view returns (IMembership.Counters memory c) {
        uint256 w = self[member];
        c.orders = uint32(w);
        c.completed = uint32(w >> 32);
        c.cancelledAsBuyer = uint32(w >> 64);
        c.cancelledAsSeller = uint32(w >> 96);
        c.stakeCancellations = uint32(w >> 128);
        c.helpfulReviews = uint32(w >> 160);
        c.tier = uint8(w >> 192);
        c.registered = (w >> 200) & 1 == 1;
    }

    /// @notice Packs counters into their word.
    /// @param c The counters.
    /// @return w The word.
    function encode(IMembership.Counters memory c) internal pure returns (uint256 w) {
        w =
            uint256(c.orders) |
            (uint256(c.completed) << 32) |
            (uint256(c.cancelledAsBuyer) << 64) |
            (uint256(c.cancelledAsSeller) << 96) |
            (uint256(c.stakeCancellations) << 128) |
            (uint256(c.helpfulReviews) << 160) |
            (uint256(c.tier) << 192) |
            (c.registered ? 1 << 200 : 0);
    }
}
