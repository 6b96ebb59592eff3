// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IListing} from "../interfaces/IListing.sol";
import {PurchaseLog} from "./PurchaseLog.sol";

/// @title ListingState
/// @notice A listing's two packed records, its sale state (one slot) and each bid token's position (one slot per
/// token), and the single-SSTORE writes the hot paths use for them.
/// @dev Each write packs the word in Solidity's own layout for the struct (first member in the lowest bits), so
/// `stored.member` reads still see the same values. Stake counts and numbers fit 40 bits: the marketplace caps N below
/// 2**39 and cancelled stakes never outnumber max(held, T) ≤ N, so stake numbers stay below 2N.
library ListingState {
    using PurchaseLog for PurchaseLog.Log;
    /// @notice Everything a purchase updates, in one slot.
    ///
    ///     bits      field             meaning
    ///     0 … 7     status            IListing.Status
    ///     8         markupReleased    the markup (or the fees kept) went to the revenue vault
    ///     16 … 55   held              stakes held: sold and not cancelled
    ///     56 … 95   purchases         purchases recorded, cancelled ones included
    ///     96 … 135  drawExpiresAt     when a draw without its word may be expired
    ///     136 … 175 refundedStakes    stakes whose refund was claimed
    ///     176 … 215 cancelledStakes   stakes cancelled (their numbers stay in the draw's range)
    ///     216 … 255 dissolutionVotes  held stakes voting to dissolve
    ///
    /// Stake numbers run from 1 to held + cancelledStakes, cancelled purchases keeping theirs.
    struct State {
        IListing.Status status;
        bool markupReleased;
        uint40 held;
        uint40 purchases;
        uint40 drawExpiresAt;
        uint40 refundedStakes;
        uint40 cancelledStakes;
        uint40 dissolutionVotes;
    }

    /// @notice A bid token's stakes in the listing, in one slot.
    ///
    ///     bits      field           meaning
    ///     0 … 39    stakes          stakes the token holds here
    ///     40 … 79   votedStakes     how many of them vote to dissolve
    ///     80 … 119  lastPurchase    the token's latest purchase index (the one it may cancel)
    ///     120 … 159 lastPurchaseAt  when it was made (its tier's cancellation window starts then)
    ///     160 … 255 creditPaid      payment-token units of the stakes' price paid from the token's credit
    ///
    /// What credit paid is refunded as credit, never to a wallet (SPEC §4.3); 96 bits of payment-token units exceed
    /// any supply a listing can sell.
    struct Position {
        uint40 stakes;
        uint40 votedStakes;
        uint40 lastPurchase;
        uint40 lastPurchaseAt;
        uint96 creditPaid;
    }

    /// @notice What the listing holds for others beside its sale, in the slot after the state.
    ///
    ///     bits      field          meaning
    ///     0 … 127   feesKept       cancellation fees kept for the revenue vault (tiers refunding "minus a fee")
    ///     128       priceInEscrow  a `Stalled` failure left P (and the deed) in the escrow order; `recoverFunds`
    ///                              voids it
    struct Funds {
        uint128 feesKept;
        bool priceInEscrow;
    }

    /// @notice Records a purchase of `count` stakes by token `tokenId`: appends it to the log, adds it to the token's
    /// position and writes both slots once.
    /// @param stored The listing's state slot.
    /// @param storedPosition The token's position slot.
    /// @param log The purchase log.
    /// @param state The state before the purchase (updated).
    /// @param position The token's position before the purchase (updated).
    /// @param tokenId The bid token.
    /// @param count Stakes bought.
    /// @return index The purchase's index in the log.
    /// @return firstStake The first stake number bought.
    function record(
        State storage stored,
        Position storage storedPosition,
        PurchaseLog.Log storage log,
        State memory state,
        Position memory position,
        uint256 tokenId,
        uint256 count
    ) internal returns (uint256 index, uint256 firstStake) {
        index = state.purchases;
        // Fits the log's 40-bit lane: the marketplace caps N at 2**39 − 1, and cancelled ≤ max(held, T) ≤ N.
        uint256 numbered = uint256(state.held) + state.cancelledStakes;
        firstStake = numbered + 1;
        log.append(index, tokenId, numbered + count);
        position.stakes += uint40(count);
        position.lastPurchase = uint40(index);
        position.lastPurchaseAt = uint40(block.timestamp);
        write(storedPosition, position);
        state.held += uint40(count);
        state.purchases = uint40(index + 1);
        write(stored, state);
    }

    /// @notice Writes the state slot as one word: cheaper than the member-by-member copy of a memory struct, on every
    /// path that changes the state.
    /// @param stored The listing's state slot.
    /// @param st The new state.
    function write(State storage stored, State memory st) internal {
        uint256 packed =
            uint256(uint8(st.status)) |
                (st.markupReleased ? 1 << 8 : 0) |
                (uint256(st.held) << 16) |
                (uint256(st.purchases) << 56) |
                (uint256(st.drawExpiresAt) << 96) |
                (uint256(st.refundedStakes) << 136) |
                (uint256(st.cancelledStakes) << 176) |
                (uint256(st.dissolutionVotes) << 216);
        // Why assembly: one SSTORE of the packed word; Solidity would copy the memory struct member by member.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(stored.slot, packed)
        }
    }

    /// @notice Writes a position as one word: cheaper on the purchase path than the member-by-member copy.
    /// @param stored The token's position slot.
    /// @param p The new position.
    function write(Position storage stored, Position memory p) internal {
        uint256 packed =
            uint256(p.stakes) |
                (uint256(p.votedStakes) << 40) |
                (uint256(p.lastPurchase) << 80) |
                (uint256(p.lastPurchaseAt) << 120) |
                (uint256(p.creditPaid) << 160);
        // Why assembly: one SSTORE of the packed word; Solidity would copy the memory struct member by member.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(stored.slot, packed)
        }
    }
}
