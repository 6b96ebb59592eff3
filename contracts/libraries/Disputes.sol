// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IDeliveryEscrow} from "../interfaces/IDeliveryEscrow.sol";
import {Orders} from "./Orders.sol";

/// @title Disputes
/// @notice The ballots of one disputed order: who voted what, and whether two votes now agree.
/// @dev Internal functions only, so they are compiled into the escrow (no delegatecall, no linking). The escrow
/// owns the order and moves the money; this library only keeps the votes.
library Disputes {
    /// @dev `arbiterTerm` is the arbiter's term when it voted: a vote by a replaced arbiter no longer counts.
    /// `disputedFrom` is the state the dispute interrupted, which decides its default outcome.
    struct State {
        IDeliveryEscrow.Ballot buyer;
        IDeliveryEscrow.Ballot seller;
        IDeliveryEscrow.Ballot arbiter;
        uint32 arbiterTerm;
        IDeliveryEscrow.OrderStatus disputedFrom;
    }

    /// @notice How long the arbiter has to settle a dispute before anyone may end it by its default outcome.
    uint256 internal constant TIMEOUT = 30 days;

    uint256 private constant _BPS = 10_000;

    /// @notice Opens a dispute on an open order whose own clock has not decided it yet (a suspended order may be
    /// disputed until it is refunded); the arbiter then has `TIMEOUT` to settle it.
    /// @param self The order's ballots.
    /// @param o The order.
    /// @param orderId Its id.
    /// @param arbiter The current arbiter (none: disputes are closed).
    function open(State storage self, IDeliveryEscrow.Order storage o, uint256 orderId, address arbiter) internal {
        Orders.requireParty(o, orderId);
        IDeliveryEscrow.OrderStatus status = o.status;
        if (status == IDeliveryEscrow.OrderStatus.Disputed) revert IDeliveryEscrow.WrongOrderStatus(orderId, status);
        Orders.requireOpen(status, orderId);
        // Once the ship-by time or the confirmation window is over, the order's own clock has decided it.
        if (status != IDeliveryEscrow.OrderStatus.Suspended && block.timestamp > o.dueAt) {
            revert IDeliveryEscrow.DisputeWindowClosed(orderId, o.dueAt);
        }
        if (arbiter == address(0)) revert IDeliveryEscrow.NoArbiter();
        uint40 decideBy = uint40(block.timestamp + TIMEOUT);
        o.status = IDeliveryEscrow.OrderStatus.Disputed;
        o.dueAt = decideBy;
        self.disputedFrom = status;
        emit IDeliveryEscrow.DisputeOpened(orderId, msg.sender, decideBy);
    }

    /// @notice Checks that a dispute's time is up and returns the state it interrupted, which decides its default
    /// outcome (see `IDeliveryEscrow.settleExpiredDispute`).
    /// @param self The order's ballots.
    /// @param o The order.
    /// @param orderId Its id.
    /// @return from The status the dispute interrupted.
    function expire(
        State storage self,
        IDeliveryEscrow.Order storage o,
        uint256 orderId
    ) internal view returns (IDeliveryEscrow.OrderStatus from) {
        Orders.requireStatus(o.status, IDeliveryEscrow.OrderStatus.Disputed, orderId);
        if (block.timestamp <= o.dueAt) revert IDeliveryEscrow.DisputeNotExpired(orderId, o.dueAt);
        return self.disputedFrom;
    }

    /// @notice Checks a vote and returns the seller's share it stands for (10,000 bps for Release, 0 for Refund).
    function ballot(
        IDeliveryEscrow.Outcome outcome,
        uint16 sellerBps
    ) internal pure returns (IDeliveryEscrow.Ballot memory) {
        if (outcome == IDeliveryEscrow.Outcome.None || sellerBps > _BPS) {
            revert IDeliveryEscrow.InvalidVote(outcome, sellerBps);
        }
        if (outcome == IDeliveryEscrow.Outcome.Release) sellerBps = uint16(_BPS);
        else if (outcome == IDeliveryEscrow.Outcome.Refund) sellerBps = 0;
        return IDeliveryEscrow.Ballot(outcome, sellerBps);
    }

    /// @notice Records `b` as `voter`'s ballot and tells whether it agrees with another counted ballot.
    /// @dev A party that is also the arbiter votes once, as the party. Only the current arbiter's vote counts: one
    /// cast before the arbiter was replaced is ignored.
    function cast(
        State storage self,
        IDeliveryEscrow.Ballot memory b,
        uint256 orderId,
        address voter,
        IDeliveryEscrow.Order storage o,
        address arbiter,
        uint32 term
    ) internal returns (bool agreed) {
        if (voter == o.buyer) return _record(self.buyer, b, self.seller, _arbiterVote(self, term));
        if (voter == o.seller) return _record(self.seller, b, self.buyer, _arbiterVote(self, term));
        if (voter == arbiter && voter != address(0)) {
            self.arbiterTerm = term;
            return _record(self.arbiter, b, self.buyer, self.seller);
        }
        revert IDeliveryEscrow.NotAVoter(orderId, voter);
    }

    /// @notice The three ballots as last cast (an arbiter's from an earlier term included).
    function ballots(
        State storage self
    )
        internal
        view
        returns (IDeliveryEscrow.Ballot memory, IDeliveryEscrow.Ballot memory, IDeliveryEscrow.Ballot memory)
    {
        return (self.buyer, self.seller, self.arbiter);
    }

    /// @dev Only the current arbiter's vote counts: one cast before the arbiter was replaced is ignored.
    function _arbiterVote(State storage self, uint32 term) private view returns (IDeliveryEscrow.Ballot memory) {
        return self.arbiterTerm == term ? self.arbiter : IDeliveryEscrow.Ballot(IDeliveryEscrow.Outcome.None, 0);
    }

    function _record(
        IDeliveryEscrow.Ballot storage slot,
        IDeliveryEscrow.Ballot memory b,
        IDeliveryEscrow.Ballot memory first,
        IDeliveryEscrow.Ballot memory second
    ) private returns (bool) {
        slot.outcome = b.outcome;
        slot.sellerBps = b.sellerBps;
        return _agree(b, first) || _agree(b, second);
    }

    function _agree(IDeliveryEscrow.Ballot memory a, IDeliveryEscrow.Ballot memory b) private pure returns (bool) {
        return a.outcome == b.outcome && a.sellerBps == b.sellerBps;
    }
}
