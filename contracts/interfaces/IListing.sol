// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IMembership} from "./IMembership.sol";

/// @title IListing
/// @notice One listing: the per-listing DAO whose only purpose is to buy one asset (SPEC §4.2).
/// @dev Deployed as an EIP-1167 clone whose charter travels in the clone's immutable arguments.
interface IListing {
    /// @notice The life-cycle states. Open → Drawing → Settled, Open → Failed, Drawing → Failed (VRF timeout),
    /// Open → Dissolved.
    enum Status {
        Open,
        Drawing,
        Settled,
        Failed,
        Dissolved
    }

    /// @notice Why a listing failed.
    enum FailureReason {
        ThresholdNotMet,
        SellerRevoked,
        RandomnessTimedOut,
        RandomnessUnavailable,
        Stalled
    }

    /// @notice What a keeper should do next for this listing.
    enum Action {
        None,
        Settle,
        Finalize,
        Expire
    }

    /// @notice The charter, immutable once the listing exists.
    /// @param seller The verified seller who deposited the deed.
    /// @param deedId The AssetDeed token held by the listing.
    /// @param price P, the seller's price in payment-token units.
    /// @param stakePrice s, the price of one stake.
    /// @param stakeCount N, the number of stakes for sale.
    /// @param threshold T, the stakes that must be sold for the draw to happen.
    /// @param opensAt First second at which stakes can be bought.
    /// @param deadline Time-Date A: sales stop and settlement becomes possible.
    /// @param category Catalogue category chosen by the operator.
    /// @param drawAtSellOut Whether settlement may run as soon as all N stakes are sold.
    /// @param contentHash Hash of the asset's documents (also recorded on the deed).
    struct Terms {
        address seller;
        uint256 deedId;
        uint96 price;
        uint96 stakePrice;
        uint64 stakeCount;
        uint64 threshold;
        uint40 opensAt;
        uint40 deadline;
        uint32 category;
        bool drawAtSellOut;
        bytes32 contentHash;
    }

    /// @notice Thrown when the implementation contract itself is called instead of a clone.
    error ImplementationNotUsable();
    /// @notice Thrown when a call needs another status.
    /// @param current The listing's status.
    error WrongStatus(Status current);
    /// @notice Thrown when buying before the opening time.
    /// @param opensAt The opening time.
    error NotOpenYet(uint40 opensAt);
    /// @notice Thrown when buying or voting at or after Time-Date A.
    /// @param deadline Time-Date A.
    error SalesClosed(uint40 deadline);
    /// @notice Thrown when buying zero stakes.
    error ZeroStakes();
    /// @notice Thrown when buying more stakes than remain.
    /// @param requested Stakes asked for.
    /// @param remaining Stakes still for sale.
    error ExceedsRemaining(uint256 requested, uint256 remaining);
    /// @notice Thrown when the seller tries to buy stakes of its own listing.
    /// @param seller The seller.
    error SellerCannotBuy(address seller);
    /// @notice Thrown when settlement is attempted before it is due.
    /// @param deadline Time-Date A.
    /// @param held Stakes held so far (sold and not cancelled).
    error SettlementNotDue(uint40 deadline, uint64 held);
    /// @notice Thrown when finalize runs before the random word arrived.
    /// @param requestId The VRF request still pending.
    error RandomnessPending(uint256 requestId);
    /// @notice Thrown when expiring a draw whose random word already arrived (it must be finalized instead).
    /// @param requestId The fulfilled VRF request.
    error RandomnessArrived(uint256 requestId);
    /// @notice Thrown when expiring a draw before its timeout.
    /// @param expiresAt When the draw may be expired.
    error DrawNotExpired(uint40 expiresAt);
    /// @notice Thrown when a finalize hint does not hold the winning stake.
    /// @param purchaseIndex The hinted purchase.
    /// @param stake The winning stake number.
    error WrongHint(uint256 purchaseIndex, uint256 stake);
    /// @notice Thrown when a token has nothing to refund here (never bought, or already refunded).
    /// @param tokenId The bid token.
    error NothingToRefund(uint256 tokenId);
    /// @notice Thrown when a token without stakes tries to vote.
    /// @param tokenId The bid token.
    error NoStakes(uint256 tokenId);
    /// @notice Thrown when a token votes again without new stakes, or withdraws a vote it never cast.
    /// @param tokenId The bid token.
    error VoteUnchanged(uint256 tokenId);
    /// @notice Thrown when someone other than the revenue vault asks for the markup, or asks twice.
    /// @param caller The caller.
    error MarkupUnavailable(address caller);

    /// @notice Thrown when stake cancellation is not available (no membership contract).
    error CancellationUnavailable();
    /// @notice Thrown for a purchase index past the end of the log.
    /// @param purchaseIndex The index.
    error UnknownPurchase(uint256 purchaseIndex);
    /// @notice Thrown when cancelling a purchase twice.
    /// @param purchaseIndex The purchase.
    error PurchaseAlreadyCancelled(uint256 purchaseIndex);
    /// @notice Thrown when cancelling a purchase that is not its token's latest in this listing.
    /// @param purchaseIndex The purchase.
    /// @param latest The token's latest purchase.
    error NotLatestPurchase(uint256 purchaseIndex, uint256 latest);
    /// @notice Thrown when a cancellation would leave more stakes cancelled than both the stakes held and T.
    /// @param cancelledStakes Stakes cancelled so far.
    /// @param held Stakes held (sold and not cancelled).
    error CancellationCapReached(uint256 cancelledStakes, uint256 held);
    /// @notice Thrown when cancelling within the cut-off before Time-Date A.
    /// @param closedAt When cancellations closed.
    error CancellationClosed(uint256 closedAt);
    /// @notice Thrown when cancelling after the tier's window.
    /// @param windowEnd When the window ended.
    error CancellationWindowPassed(uint256 windowEnd);
    /// @notice Thrown when `failStalled` comes before the listing's due transition has had its grace period.
    /// @param stalledAt The first second at which the listing may be failed (Time-Date A, or the draw's expiry, + grace).
    error NotStalledYet(uint256 stalledAt);
    /// @notice Thrown when `recoverFunds` finds nothing outside the listing to bring back.
    error NothingToRecover();

    /// @notice Emitted when a purchase is cancelled and refunded.
    /// @param purchaseIndex The purchase.
    /// @param tokenId Its bid token.
    /// @param holder The token's holder, refunded.
    /// @param stakes Stakes cancelled.
    /// @param refund Payment-token units refunded in all: to the wallet, plus `toCredit` as credit on the token.
    /// @param toCredit The part of `refund` returned to the token as credit: all of it in Credit mode, otherwise the
    /// part of the stakes' price that the token's credit had paid (credit never becomes wallet money).
    /// @param fee Payment-token units kept for the revenue vault (the tier's fee, plus the budget fee on stakes
    /// cancelled beyond half of the listing's cancellation budget).
    /// @param mode The holder's tier refund mode.
    event PurchaseCancelled(
        uint256 indexed purchaseIndex,
        uint256 indexed tokenId,
        address indexed holder,
        uint256 stakes,
        uint256 refund,
        uint256 toCredit,
        uint256 fee,
        IMembership.RefundMode mode
    );
    /// @notice Emitted on every purchase; stake numbers firstStake … firstStake + count − 1 belong to tokenId.
    /// @param tokenId The bid token the stakes are recorded against.
    /// @param buyer The paying wallet.
    /// @param purchaseIndex Index of this purchase in the purchase log (0-based).
    /// @param firstStake First stake number of the range.
    /// @param count Stakes bought.
    event StakesPurchased(
        uint256 indexed tokenId,
        address indexed buyer,
        uint256 purchaseIndex,
        uint256 firstStake,
        uint256 count
    );
    /// @notice Emitted when settlement opens the escrow order and requests randomness (Open → Drawing).
    /// @param requestId The VRF request id.
    /// @param orderId The delivery-escrow order holding P and the deed.
    /// @param held Stakes held (sold and not cancelled), frozen from here on.
    /// @param expiresAt When the draw may be expired if no random word arrived.
    event DrawRequested(uint256 requestId, uint256 orderId, uint256 held, uint40 expiresAt);
    /// @notice Emitted when the winner is drawn (Drawing → Settled).
    /// @param stake The winning stake number, among stakes numbered 1 … held + cancelled: attempt 0 is
    /// `word mod (held + cancelled) + 1`, attempt i is `keccak256(abi.encode(word, i)) mod (held + cancelled) + 1`,
    /// and the first attempt that lands on a stake still held wins (see `finalize`).
    /// @param tokenId The bid token holding that stake.
    /// @param winner The token's owner at finalization.
    /// @param purchaseIndex The purchase that holds the stake.
    /// @param word The VRF random word.
    event WinnerDrawn(
        uint256 indexed stake,
        uint256 indexed tokenId,
        address indexed winner,
        uint256 purchaseIndex,
        uint256 word
    );
    /// @notice Emitted when the listing fails (Open → Failed or Drawing → Failed); refunds open.
    /// @param reason Why.
    /// @param held Stakes held (sold and not cancelled).
    event ListingFailed(FailureReason reason, uint256 held);
    /// @notice Emitted when a token's stakes vote for dissolution.
    /// @param tokenId The bid token.
    /// @param voter The token's owner or operator who voted.
    /// @param stakes The token's stakes now counted.
    /// @param votedStakes All stakes that voted.
    /// @param held All stakes held (sold and not cancelled).
    event DissolutionVoted(
        uint256 indexed tokenId,
        address indexed voter,
        uint256 stakes,
        uint256 votedStakes,
        uint256 held
    );
    /// @notice Emitted when a token's vote is withdrawn.
    /// @param tokenId The bid token.
    /// @param votedStakes All stakes still voting.
    event DissolutionVoteWithdrawn(uint256 indexed tokenId, uint256 votedStakes);
    /// @notice Emitted when every stake voted and the listing dissolved (Open → Dissolved); refunds open.
    /// @param held Stakes held (sold and not cancelled).
    event ListingDissolved(uint256 held);
    /// @notice Emitted when a token's refund is paid.
    /// @param tokenId The bid token.
    /// @param to The token's owner, who receives the wallet part of the refund.
    /// @param amount Payment-token units refunded in all (the token's stakes × s).
    /// @param toCredit The part of `amount` the token's credit had paid, returned to the token as credit; the wallet
    /// receives `amount − toCredit`.
    event RefundClaimed(uint256 indexed tokenId, address indexed to, uint256 amount, uint256 toCredit);
    /// @notice Emitted when the markup is handed to the revenue vault.
    /// @param amount Payment-token units.
    event MarkupReleased(uint256 amount);
    /// @notice Emitted when a listing failed while the payment token refused transfers brings back what was left
    /// outside it: the credit its buyers spent (held by the bid token) and P (held by the escrow order).
    /// @param credit Units collected from the bid token.
    /// @param price Units returned by voiding the escrow order.
    event FundsRecovered(uint256 credit, uint256 price);

    /// @notice Buys `count` stakes paid from the caller's wallet (approve this listing first).
    /// @param tokenId The caller's bid token, or 0 to be issued a new one in this transaction.
    /// @param count Stakes to buy, at most what remains.
    /// @return usedTokenId The token the stakes are recorded against.
    /// @return firstStake The first stake number bought.
    function buy(uint256 tokenId, uint256 count) external returns (uint256 usedTokenId, uint256 firstStake);

    /// @notice Same as `buy`, with an EIP-2612 permit in one transaction. The wallet pays count × stakePrice minus the
    /// token's credit (spent first); the signed permit is used whenever its value covers that share, so a top-up of
    /// the token by anyone only lowers what the wallet pays and never makes the purchase fail. No permit is used when
    /// the credit covers it all. Any signed value beyond what the wallet paid stays approved to this listing, which
    /// only ever pulls from the caller of its own purchases: it can serve nothing but the signer's later purchases
    /// here.
    /// @dev A permit that fails (e.g. front-run) is ignored when the allowance already suffices.
    /// @param tokenId The caller's bid token, or 0 to be issued a new one.
    /// @param count Stakes to buy.
    /// @param permitValue The value the permit signs (at least the wallet's share: cost minus the token's credit).
    /// @param permitDeadline The permit's deadline.
    /// @param v Signature part.
    /// @param r Signature part.
    /// @param s Signature part.
    /// @return usedTokenId The token the stakes are recorded against.
    /// @return firstStake The first stake number bought.
    function buyWithPermit(
        uint256 tokenId,
        uint256 count,
        uint256 permitValue,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 usedTokenId, uint256 firstStake);

    /// @notice Settles at or after Time-Date A (or at sell-out if the charter says so). Permissionless.
    /// @dev held ≥ T: opens the escrow order (P and the deed) and requests one random word.
    /// held < T, or the seller's verification was revoked: the listing fails and refunds open.
    /// If the coordinator refuses the request, settle reverts with its reason until Time-Date A + the draw
    /// timeout, and from then on fails the listing (RandomnessUnavailable) so the refunds open.
    function settle() external;

    /// @notice Draws the winner once the random word arrived, by binary search over purchases. Permissionless.
    /// The draw is uniform over the stakes still held: attempt 0 is stake `word mod numbered + 1` (numbered =
    /// held + cancelled), attempt i is `keccak256(abi.encode(word, i)) mod numbered + 1`, and an attempt that
    /// lands in a cancelled purchase is rejected.
    /// @return winner The owner of the winning stake's token.
    function finalize() external returns (address winner);

    /// @notice As `finalize`, with the index of the purchase holding attempt 0's stake, checked in O(1) (later
    /// attempts, needed only when attempt 0 hit a cancelled purchase, are searched).
    /// @param purchaseIndex The purchase that holds stake `word mod numbered + 1` (computable from events).
    /// @return winner The owner of the winning stake's token.
    function finalizeWithHint(uint256 purchaseIndex) external returns (address winner);

    /// @notice As `finalize`, with the purchase index of each attempt in order, each checked in O(1).
    /// @param purchaseIndices Hints for attempts 0, 1, …; attempts past the hints are searched.
    /// @return winner The owner of the winning stake's token.
    function finalizeWithHints(uint256[] calldata purchaseIndices) external returns (address winner);

    /// @notice Cancels the caller's token's latest purchase here and refunds it by the holder's tier policy
    /// (wallet, bid-token credit, or wallet minus a fee kept for the revenue vault). Allowed while open, within the
    /// tier's cancellation window after the purchase and never within the membership's cut-off before Time-Date A;
    /// stakes cancelled never outnumber the budget max(stakes held, T) (so a draw always has at least half of the
    /// stake numbers held). Stakes cancelled beyond half of that budget pay the budget fee (`BUDGET_FEE_BPS` of
    /// their price) to the revenue vault. The part of the stakes' price that the token's credit paid is refunded as
    /// credit, never to the wallet. The stakes become available to buy again.
    /// @param purchaseIndex The purchase (its token's latest here).
    /// @return refund Payment-token units refunded.
    function cancelPurchase(uint256 purchaseIndex) external returns (uint256 refund);

    /// @notice Fails a draw whose random word did not arrive before the timeout; refunds open. Never re-requests.
    function expireDraw() external;

    /// @notice Ends a listing whose due transition keeps reverting, so its refunds open. Permissionless. From Time-Date A
    /// + the marketplace's settlement grace an Open listing is settled if settlement now succeeds, else failed
    /// (`Stalled`); from the draw's expiry + the grace a Drawing listing without a word is expired if that succeeds,
    /// else failed (`Stalled`) with its escrow order left for `recoverFunds`. This is for a payment token that refuses
    /// the transfers settlement needs (paused; the listing, escrow or bid token blacklisted).
    /// @dev An empty revert reason (what running out of gas looks like) is re-thrown, never taken as a refusal. Credit
    /// the bid token cannot hand over stays pending there until `recoverFunds`.
    function failStalled() external;

    /// @notice After a `Stalled` failure, brings back what the token refused to move then: the credit buyers spent (from
    /// the bid token) and P with the deed (by voiding the escrow order). Permissionless; refunds need it once the token
    /// allows transfers again.
    /// @return credit Units collected from the bid token.
    /// @return price Units returned by the escrow.
    function recoverFunds() external returns (uint256 credit, uint256 price);

    /// @notice Pays a token's full refund after failure or dissolution: what its credit paid back to the token as
    /// credit, the rest to its owner. Once per token.
    /// @param tokenId The bid token; the caller must be its owner or approved for it.
    function claimRefund(uint256 tokenId) external;

    /// @notice Counts all of a token's stakes for unanimous dissolution; when every stake held voted, the
    /// listing dissolves, the deed returns to the seller and refunds open.
    /// @param tokenId The bid token; the caller must be its owner or approved for it.
    function voteToDissolve(uint256 tokenId) external;

    /// @notice Withdraws a token's dissolution vote.
    /// @param tokenId The bid token; the caller must be its owner or approved for it.
    function withdrawDissolutionVote(uint256 tokenId) external;

    /// @notice Transfers the markup (held × s − P) to the revenue vault once the listing is settled.
    /// @return amount Payment-token units transferred.
    function releaseMarkup() external returns (uint256 amount);

    /// @notice The charter.
    /// @return listingId The marketplace's id for this listing.
    /// @return terms The terms.
    function charter() external view returns (uint256 listingId, Terms memory terms);

    /// @notice The current status.
    /// @return The status.
    function status() external view returns (Status);

    /// @notice Stakes held (sold and not cancelled) and purchases recorded (cancelled ones included).
    /// @return held Stakes held by buyers: sold minus cancelled.
    /// @return purchases Purchases recorded.
    function sales() external view returns (uint256 held, uint256 purchases);

    /// @notice A token's stakes and the odds they give: `stakes` in `held`.
    /// @param tokenId The bid token.
    /// @return stakes Stakes held by the token (0 after its refund).
    /// @return held Stakes held in all (sold minus cancelled).
    function oddsOf(uint256 tokenId) external view returns (uint256 stakes, uint256 held);

    /// @notice Stakes cancelled (their numbers stay in the draw's range and are rejected) and fees kept.
    /// @return cancelledStakes Stakes cancelled.
    /// @return feesKept Payment-token units of cancellation fees for the revenue vault.
    function cancellations() external view returns (uint256 cancelledStakes, uint256 feesKept);

    /// @notice Whether purchase `purchaseIndex` was cancelled.
    /// @param purchaseIndex The purchase.
    /// @return cancelled Whether it was.
    function isCancelled(uint256 purchaseIndex) external view returns (bool cancelled);

    /// @notice Whether `tokenId` still has something here: true while the listing is Open or Drawing and the token
    /// holds stakes in it (cancelling them all makes it false), or while the listing is Failed or Dissolved and the
    /// token's refund is still to claim (claiming it makes it false); always false once the listing is Settled.
    /// @dev The bid token frees a position lane, and may recycle the token, only once this is false.
    /// @param tokenId The bid token.
    /// @return Whether the token holds stakes here or has a refund still to claim.
    function holdsPosition(uint256 tokenId) external view returns (bool);

    /// @notice One purchase of the log.
    /// @param index Purchase index.
    /// @return tokenId The token.
    /// @return firstStake First stake number.
    /// @return lastStake Last stake number.
    function purchase(uint256 index) external view returns (uint256 tokenId, uint256 firstStake, uint256 lastStake);

    /// @notice What a keeper should do now.
    /// @return The action.
    function pendingAction() external view returns (Action);

    /// @notice The winner draw's data once it can be computed.
    /// @return ready Whether the random word is known.
    /// @return stake The winning stake number (0 if not ready).
    /// @return purchaseIndex The purchase holding it (0 if not ready).
    function winningStake() external view returns (bool ready, uint256 stake, uint256 purchaseIndex);

    /// @notice Payment-token units this listing's own balance must cover: stakes paid in while open (less the
    /// credit its buyers spent, which the bid token holds for it until it leaves Open) or drawing, the markup once
    /// settled until released, unclaimed refunds once failed or dissolved.
    /// @return The amount.
    function owed() external view returns (uint256);

    /// @notice The marketplace that created this listing.
    /// @return The marketplace.
    function marketplace() external view returns (address);

    /// @notice The delivery-escrow order opened at settlement (0 before).
    /// @return The order id.
    function escrowOrderId() external view returns (uint256);

    /// @notice The modules this listing (implementation and clones alike) was built against, which the marketplace
    /// checks against its own when it wires them.
    /// @return bidToken The bid token.
    /// @return deed The asset-deed collection.
    /// @return escrow The delivery escrow.
    /// @return revenueVault The revenue vault.
    /// @return membership The membership contract.
    function wiring()
        external
        view
        returns (address bidToken, address deed, address escrow, address revenueVault, address membership);
}
