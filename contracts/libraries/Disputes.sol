// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IDeliveryEscrow} from "../interfaces/IDeliveryEscrow.sol";

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

    uint256 private constant _BPS = 10_000;

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
