// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IListing} from "../interfaces/IListing.sol";
import {IBidToken} from "../interfaces/IBidToken.sol";
import {Charter} from "./Charter.sol";
import {ListingState} from "./ListingState.sol";

/// @title DissolutionVotes
/// @notice Unanimous dissolution of an open listing (SPEC §4.2): a bid token votes with all of its stakes, may
/// withdraw its vote, and when every held stake votes the listing dissolves, the deed goes back to the seller and
/// refunds open. Runs inside the listing, with its errors and events (`IListing`).
/// @dev The total lives in `ListingState.State.dissolutionVotes`, each token's share in its position's
/// `votedStakes`; a cancellation trims a token's votes to the stakes it still holds (in `Listing.cancelPurchase`).
library DissolutionVotes {
    using ListingState for ListingState.State;

    /// @notice Counts all of token `tokenId`'s stakes for dissolution; dissolves if every held stake now votes.
    /// @param stored The listing's state slot.
    /// @param position The token's position slot.
    /// @param tokenId The bid token; the caller must be its holder or approved for it.
    /// @param bidToken The bid token collection (checks the caller; holds credit to collect on dissolution).
    /// @param deed The asset-deed collection.
    function vote(
        ListingState.State storage stored,
        ListingState.Position storage position,
        uint256 tokenId,
        IBidToken bidToken,
        IERC721 deed
    ) internal {
        ListingState.State memory state = stored;
        if (state.status != IListing.Status.Open) revert IListing.WrongStatus(state.status);
        uint40 deadline = Charter.deadline();
        if (block.timestamp >= deadline) revert IListing.SalesClosed(deadline);
        bidToken.holderFor(tokenId, msg.sender);
        ListingState.Position memory p = position;
        uint40 stakes = p.stakes;
        uint40 voted = p.votedStakes;
        if (stakes == 0) revert IListing.NoStakes(tokenId);
        if (voted == stakes) revert IListing.VoteUnchanged(tokenId);

        // Cannot exceed held: each token's votes are at most its stakes, and the stakes sum to held.
        uint40 votes = state.dissolutionVotes + (stakes - voted);
        position.votedStakes = stakes;
        state.dissolutionVotes = votes;
        stored.write(state);
        emit IListing.DissolutionVoted(tokenId, msg.sender, stakes, votes, state.held);

        if (votes == state.held) dissolve(stored, state, bidToken, deed);
    }

    /// @notice Withdraws token `tokenId`'s vote.
    /// @param stored The listing's state slot.
    /// @param position The token's position slot.
    /// @param tokenId The bid token; the caller must be its holder or approved for it.
    /// @param bidToken The bid token collection (checks the caller).
    function withdraw(
        ListingState.State storage stored,
        ListingState.Position storage position,
        uint256 tokenId,
        IBidToken bidToken
    ) internal {
        IListing.Status status = stored.status;
        if (status != IListing.Status.Open) revert IListing.WrongStatus(status);
        bidToken.holderFor(tokenId, msg.sender);
        uint40 voted = position.votedStakes;
        if (voted == 0) revert IListing.VoteUnchanged(tokenId);
        position.votedStakes = 0;
        uint40 votes = stored.dissolutionVotes - voted;
        stored.dissolutionVotes = votes;
        emit IListing.DissolutionVoteWithdrawn(tokenId, votes);
    }

    /// @notice Dissolves the listing: refunds open, the deed goes back to the seller.
    /// @param stored The listing's state slot.
    /// @param state The state, written with status Dissolved.
    /// @param bidToken The bid token (the credit buyers spent is collected: the refunds are paid from here).
    /// @param deed The asset-deed collection.
    function dissolve(
        ListingState.State storage stored,
        ListingState.State memory state,
        IBidToken bidToken,
        IERC721 deed
    ) internal {
        state.status = IListing.Status.Dissolved;
        stored.write(state);
        emit IListing.ListingDissolved(state.held);
        bidToken.collectCredit(); // the refunds are paid from here
        deed.transferFrom(address(this), Charter.seller(), Charter.deedId());
    }
}
