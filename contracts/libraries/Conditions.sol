// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IMembership} from "../interfaces/IMembership.sol";
import {RecentSales} from "./RecentSales.sol";

/// @title Conditions
/// @notice The membership's conditions and the condition sets its tiers require, packed so that evaluating a member
/// against the largest configuration (32 conditions, 16 tiers) reads eight words and fits the escrow's report cap.
///
/// Conditions, eight to a word (`words[id / 8]`, condition `id` at bit `(id % 8) * 32`):
///
///     bit 255      224 223      192         63       32 31   24 23              0
///         ┌───────────┬───────────┬ ··· ┬─────────────┬───────┬─────────────────┐
///         │ cond. 8k+7│ cond. 8k+6│     │  cond. 8k+1 │ kind  │    threshold    │
///         │   (32)    │   (32)    │     │    (32)     │  (8)  │      (24)       │
///         └───────────┴───────────┴ ··· ┴─────────────┴───────┴─────────────────┘
///
/// Tier keys, four to a word (`keys[id / 4]`, tier `id` at bit `(id % 4) * 64`):
///
///     bit 255         192 191         128 127          64 63   48 47   32 31             0
///         ┌──────────────┬──────────────┬──────────────┬───────┬───────┬────────────────┐
///         │  tier 4k+3   │  tier 4k+2   │  tier 4k+1   │unused │ prio- │ required set   │
///         │    (64)      │    (64)      │    (64)      │ (16)  │ rity  │ (32: bit i =   │
///         │              │              │              │       │ (16)  │  condition i)  │
///         └──────────────┴──────────────┴──────────────┴───────┴───────┴────────────────┘
/// @dev Internal functions only, compiled into the membership contract. Loops are bounded by 32 conditions and 16
/// tiers.
library Conditions {
    /// @notice The most conditions (the width of a required set).
    uint256 internal constant MAX = 32;
    /// @notice The most tiers, the default tier included.
    uint256 internal constant MAX_TIERS = 16;

    uint256 private constant _BPS = 10_000;
    uint256 private constant _PER_WORD = 8;
    uint256 private constant _BITS = 32;
    uint256 private constant _THRESHOLD_MASK = (1 << 24) - 1;
    uint256 private constant _TIERS_PER_WORD = 4;
    uint256 private constant _TIER_KEY_BITS = 64;

    /// @notice Stores condition `id` (range and threshold checked by the caller).
    /// @param words The condition words.
    /// @param id The condition id.
    /// @param kind What it measures.
    /// @param threshold Its threshold (24 bits).
    function set(uint256[4] storage words, uint256 id, IMembership.ConditionKind kind, uint256 threshold) internal {
        uint256 word = id / _PER_WORD;
        uint256 shift = (id % _PER_WORD) * _BITS;
        uint256 packed = (uint256(kind) << 24) | threshold;
        words[word] = (words[word] & ~(uint256(type(uint32).max) << shift)) | (packed << shift);
    }

    /// @notice Reads condition `id`.
    /// @param words The condition words.
    /// @param id The condition id.
    /// @return The condition (kind Unset: never set).
    function get(uint256[4] storage words, uint256 id) internal view returns (IMembership.Condition memory) {
        uint256 packed = words[id / _PER_WORD] >> ((id % _PER_WORD) * _BITS);
        return
            IMembership.Condition({
                kind: IMembership.ConditionKind(uint8(packed >> 24)),
                threshold: uint64(packed & _THRESHOLD_MASK)
            });
    }

    /// @notice The set of conditions (bit i = condition i) a member with counters `c` meets, among conditions
    /// `0 … end − 1`. Each counter a condition can test is computed once, before the loop (recent sales, which needs
    /// another read, only when a condition asks for it), so 32 conditions cost little more than their four words.
    /// @param words The condition words.
    /// @param end One past the highest condition id set.
    /// @param c The member's counters.
    /// @param rings The recent-sales rings, by seller.
    /// @param member The member.
    /// @return bits The conditions met.
    function metBy(
        uint256[4] storage words,
        uint256 end,
        IMembership.Counters memory c,
        mapping(address seller => uint256 ring) storage rings,
        address member
    ) internal view returns (uint256 bits) {
        if (end == 0) return 0;
        uint256 orders = c.orders;
        // Cancellation rates are over concluded orders; a member without any has a rate of 0.
        uint256 rate = orders == 0 ? 0 : ((uint256(c.cancelledAsBuyer) + c.cancelledAsSeller) * _BPS) / orders;
        uint256 recent = type(uint256).max;
        uint256 packed;
        for (uint256 i = 0; i < end; ++i) {
            // Each word is read once and shifted one condition along per step.
            packed = i % _PER_WORD == 0 ? words[i / _PER_WORD] : packed >> _BITS;
            IMembership.ConditionKind kind = IMembership.ConditionKind(uint8(packed >> 24));
            uint256 t = packed & _THRESHOLD_MASK;
            bool ok;
            if (kind == IMembership.ConditionKind.MinCompleted) ok = c.completed >= t;
            else if (kind == IMembership.ConditionKind.MaxCancellationRateBps) ok = rate <= t;
            else if (kind == IMembership.ConditionKind.MinCancellationRateBps)
                ok = orders != 0 && rate >= t; // an abuser has a record
            else if (kind == IMembership.ConditionKind.MinRecentSales) {
                if (recent == type(uint256).max) recent = RecentSales.count(rings[member]);
                ok = recent >= t;
            } else if (kind == IMembership.ConditionKind.MinHelpfulReviews) ok = c.helpfulReviews >= t;
            else if (kind == IMembership.ConditionKind.Registered) ok = c.registered;
            else if (kind == IMembership.ConditionKind.MinOrders) ok = orders >= t;
            else if (kind == IMembership.ConditionKind.MaxStakeCancellations) ok = c.stakeCancellations <= t;
            if (ok) bits |= 1 << i;
        }
    }

    /// @notice Stores tier `id`'s key: its required set and priority.
    /// @param keys The tier-key words.
    /// @param id The tier id.
    /// @param required The conditions it requires.
    /// @param priority Its priority.
    function setTierKey(uint256[4] storage keys, uint256 id, uint32 required, uint16 priority) internal {
        uint256 word = id / _TIERS_PER_WORD;
        uint256 shift = (id % _TIERS_PER_WORD) * _TIER_KEY_BITS;
        uint256 key = uint256(required) | (uint256(priority) << 32);
        keys[word] = (keys[word] & ~(uint256(type(uint64).max) << shift)) | (key << shift);
    }

    /// @notice The highest-priority tier among `1 … count − 1` whose required set is within `metSet`; 0 (the default
    /// tier) when none is.
    /// @param keys The tier-key words.
    /// @param count The number of tiers, the default included.
    /// @param metSet The conditions met.
    /// @return tierId The tier.
    function bestTier(uint256[4] storage keys, uint256 count, uint256 metSet) internal view returns (uint256 tierId) {
        if (count < 2) return 0;
        uint256 best;
        // Tier 0's key is never a candidate; each word is read once and shifted one tier along per step.
        uint256 key = keys[0];
        for (uint256 i = 1; i < count; ++i) {
            key = i % _TIERS_PER_WORD == 0 ? keys[i / _TIERS_PER_WORD] : key >> _TIER_KEY_BITS;
            uint256 required = key & type(uint32).max;
            if (required & metSet != required) continue;
            uint256 priority = (key >> 32) & type(uint16).max;
            if (tierId == 0 || priority > best) {
                tierId = i;
                best = priority;
            }
        }
    }
}
