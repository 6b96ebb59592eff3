// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IMembershipHooks} from "./IMembershipHooks.sol";

/// @title IMembership
/// @notice Dynamic membership tiers (SPEC §4.6, source document 001): a member's history sets its tier, and the
/// tier's policy sets how it may cancel, how it is refunded and what it earns.
interface IMembership is IMembershipHooks {
    /// @notice What a condition measures. Each is met when the member's counter compares with its threshold.
    enum ConditionKind {
        Unset,
        MinCompleted,
        MaxCancellationRateBps,
        MinCancellationRateBps,
        MinRecentSales,
        MinHelpfulReviews,
        Registered,
        MinOrders,
        MaxStakeCancellations
    }

    /// @notice How a cancelled purchase or order is refunded: in full to the wallet, in full as bid-token credit, or
    /// to the wallet minus a fee (to the revenue vault).
    enum RefundMode {
        Wallet,
        Credit,
        WalletMinusFee
    }

    /// @notice A condition: a kind and its threshold (ignored for `Registered`).
    struct Condition {
        ConditionKind kind;
        uint64 threshold;
    }

    /// @notice A tier's policy.
    /// @param cancelWindow Seconds after a purchase or order during which it may be cancelled.
    /// @param refundMode How refunds are paid.
    /// @param feeBps The fee kept on `WalletMinusFee` refunds, in bps (to the revenue vault).
    /// @param rewardBps Reward credit earned on an order, in bps of its amount.
    /// @param autoRelist Whether a seller's cancelled listing or order is relisted automatically.
    struct Policy {
        uint32 cancelWindow;
        RefundMode refundMode;
        uint16 feeBps;
        uint16 rewardBps;
        bool autoRelist;
    }

    /// @notice How a cancellation reason is attributed (see `setReason`).
    /// @param enabled Whether a party may give it in `requestCancellation`.
    /// @param party Who is charged with the cancellation.
    struct ReasonRule {
        bool enabled;
        Party party;
    }

    /// @notice A tier: the conditions it requires (bit i = condition i), its unique priority and its policy.
    struct Tier {
        uint32 required;
        uint16 priority;
        bool exists;
        Policy policy;
    }

    /// @notice A member's counters.
    /// @param orders Escrow orders concluded as buyer or seller (completed or cancelled).
    /// @param completed Escrow orders completed as buyer or seller.
    /// @param cancelledAsBuyer Cancellations attributed to it as buyer.
    /// @param cancelledAsSeller Cancellations attributed to it as seller.
    /// @param stakeCancellations Stake purchases it cancelled.
    /// @param helpfulReviews Reviews it wrote that were rated at or above the helpfulness threshold.
    /// @param tier Its tier (0 = the default tier).
    /// @param registered Whether it registered as a member.
    struct Counters {
        uint32 orders;
        uint32 completed;
        uint32 cancelledAsBuyer;
        uint32 cancelledAsSeller;
        uint32 stakeCancellations;
        uint32 helpfulReviews;
        uint8 tier;
        bool registered;
    }

    /// @notice Thrown when a condition id is not below MAX_CONDITIONS, or a tier requires an unset condition.
    /// @param conditionId The id.
    error ConditionOutOfRange(uint256 conditionId);
    /// @notice Thrown when a tier id is out of range (not below MAX_TIERS, or leaves a gap).
    /// @param tierId The id.
    error TierOutOfRange(uint256 tierId);
    /// @notice Thrown when two tiers would share a priority.
    /// @param priority The priority.
    /// @param otherTier The tier that has it.
    error DuplicatePriority(uint256 priority, uint256 otherTier);
    /// @notice Thrown for a fee or reward above 10,000 bps, or a rate threshold above 10,000 bps.
    /// @param bps The value.
    error BpsTooHigh(uint256 bps);
    /// @notice Thrown for a condition threshold above 16,777,215 (thresholds are stored in 24 bits).
    /// @param threshold The value.
    error ThresholdTooLarge(uint256 threshold);
    /// @notice Thrown when the default tier (0) is given conditions.
    error DefaultTierHasConditions();
    /// @notice Thrown when a caller that is not the escrow or an enrolled listing reports.
    /// @param caller The caller.
    error NotAReporter(address caller);
    /// @notice Thrown for a stake-cancellation cut-off above 30 days.
    /// @param cutoff The value.
    error CutoffTooLong(uint256 cutoff);
    /// @notice Thrown when a member registers twice.
    /// @param member The member.
    error AlreadyRegistered(address member);
    /// @notice Thrown when a review's helpfulness is above 100.
    /// @param helpfulness The value.
    error HelpfulnessOutOfRange(uint256 helpfulness);

    /// @notice Thrown when a reason code below 16 (the escrow's own) is configured.
    /// @param reason The code.
    error ReasonOutOfRange(uint256 reason);
    /// @notice Thrown when the caller is neither the order's buyer nor its seller.
    /// @param orderId The order.
    /// @param caller The caller.
    error NotAParty(uint256 orderId, address caller);
    /// @notice Thrown when an order cannot be cancelled unilaterally in its state: only orders awaiting shipment can
    /// (nothing once shipped, disputed, suspended or closed; the parties may still agree in the escrow).
    /// @param orderId The order.
    /// @param status Its state (IDeliveryEscrow.OrderStatus).
    error OrderNotCancellable(uint256 orderId, uint256 status);
    /// @notice Thrown for a reason code that is not enabled.
    /// @param reason The code.
    error UnknownReason(uint8 reason);
    /// @notice Thrown when a unilateral cancellation gives a reason that does not charge the initiator (e.g. a buyer
    /// citing the seller's stock): such attributions need the other party's agreement (`agreeToCancel`).
    /// @param reason The code.
    /// @param party Who it charges.
    error ReasonBlamesOtherParty(uint8 reason, Party party);
    /// @notice Thrown when the initiator's cancellation window (counted from the order's opening) has closed; a window
    /// of 0 allows no unilateral cancellation.
    /// @param orderId The order.
    /// @param closedAt When it closed.
    error CancelWindowClosed(uint256 orderId, uint256 closedAt);
    /// @notice Thrown when claiming with no claimable reward.
    /// @param member The member.
    error NothingToClaim(address member);
    /// @notice Thrown when the reward pool holds less than needed.
    /// @param needed Units needed.
    /// @param available Units available.
    error RewardPoolShort(uint256 needed, uint256 available);
    /// @notice Thrown when claiming to a bid token the caller does not hold.
    /// @param tokenId The token.
    /// @param caller The caller.
    error NotTokenHolder(uint256 tokenId, address caller);
    /// @notice Thrown for a zero amount or a zero address.
    error ZeroInput();
    /// @notice Thrown when the payment token delivered a different amount than was pulled.
    /// @param expected Units pulled.
    /// @param received Units that arrived.
    error TransferAmountMismatch(uint256 expected, uint256 received);

    /// @notice Emitted when a condition is set.
    /// @param conditionId The id.
    /// @param kind What it measures.
    /// @param threshold Its threshold.
    event ConditionSet(uint256 indexed conditionId, ConditionKind kind, uint64 threshold);
    /// @notice Emitted when a tier is set.
    /// @param tierId The id.
    /// @param required The conditions it requires.
    /// @param priority Its priority.
    /// @param policy Its policy.
    event TierSet(uint256 indexed tierId, uint32 required, uint16 priority, Policy policy);
    /// @notice Emitted when the stake-cancellation cut-off changes.
    /// @param cutoff Seconds before Time-Date A.
    event StakeCancelCutoffSet(uint256 cutoff);
    /// @notice Emitted when the helpfulness threshold changes.
    /// @param threshold The new threshold (0 … 100).
    event HelpfulThresholdSet(uint256 threshold);
    /// @notice Emitted when any counter of a member changes.
    /// @param member The member.
    /// @param counters Its counters afterwards.
    event CountersUpdated(address indexed member, Counters counters);
    /// @notice Emitted when a seller's sale is recorded in the recent-sales window.
    /// @param seller The seller.
    /// @param recentSales Sales in the window afterwards.
    event RecentSaleRecorded(address indexed seller, uint256 recentSales);
    /// @notice Emitted when a member's tier changes.
    /// @param member The member.
    /// @param from The old tier.
    /// @param to The new tier.
    event TierChanged(address indexed member, uint256 from, uint256 to);
    /// @notice Emitted when a review is recorded.
    /// @param reviewer Who recorded it (REVIEWER_ROLE).
    /// @param author The member who wrote the review.
    /// @param helpfulness Its rating, 0 … 100.
    /// @param helpful Whether it counts as helpful.
    event ReviewRecorded(address indexed reviewer, address indexed author, uint256 helpfulness, bool helpful);
    /// @notice Emitted when a member earns reward credit on a completed order.
    /// @param member The buyer.
    /// @param orderId The escrow order.
    /// @param amount Payment-token units of reward credit earned.
    event RewardEarned(address indexed member, uint256 indexed orderId, uint256 amount);

    /// @notice Emitted when a reason code's attribution is set.
    /// @param reason The code.
    /// @param enabled Whether parties may give it.
    /// @param party Who it charges.
    event ReasonSet(uint8 indexed reason, bool enabled, Party party);
    /// @notice Emitted when a seller opts in or out of automatic relisting.
    /// @param seller The seller.
    /// @param enabled Its choice.
    event AutoRelistSet(address indexed seller, bool enabled);
    /// @notice Emitted when an order of a seller whose tier relists automatically and who opted in is cancelled
    /// without the seller being charged; operator tooling relists the asset (the deed is back with the seller).
    /// @param seller The seller.
    /// @param orderId The escrow order.
    /// @param listing The listing of a settlement order (zero for a direct order).
    /// @param deedId The deed of a settlement order (0 for a direct order).
    event RelistRequested(address indexed seller, uint256 indexed orderId, address listing, uint256 deedId);
    /// @notice Emitted when a party's unilateral cancellation passed the rules and goes to the escrow.
    /// @param orderId The order.
    /// @param initiator The buyer or the seller.
    /// @param reason The reason code.
    /// @param responsible Who is charged.
    /// @param refundMode How the buyer is refunded.
    event CancellationRequested(
        uint256 indexed orderId,
        address indexed initiator,
        uint8 reason,
        Party responsible,
        RefundMode refundMode
    );
    /// @notice Emitted when a direct order's reward is booked at opening (claimable once the order completes).
    /// @param member The buyer.
    /// @param orderId The escrow order.
    /// @param amount Payment-token units.
    event RewardPending(address indexed member, uint256 indexed orderId, uint256 amount);
    /// @notice Emitted when a cancelled order's pending reward is reversed.
    /// @param member The buyer.
    /// @param orderId The escrow order.
    /// @param amount Payment-token units.
    event RewardReversed(address indexed member, uint256 indexed orderId, uint256 amount);
    /// @notice Emitted when the reward pool is funded.
    /// @param from Who paid.
    /// @param amount Payment-token units.
    event RewardsFunded(address indexed from, uint256 amount);
    /// @notice Emitted when a member's claimable rewards are added as credit to its bid token.
    /// @param member The member.
    /// @param tokenId The token.
    /// @param amount Payment-token units.
    event RewardsClaimed(address indexed member, uint256 indexed tokenId, uint256 amount);
    /// @notice Emitted when the admin takes out pool funds not owed to members.
    /// @param to Where they went.
    /// @param amount Payment-token units.
    event RewardSurplusWithdrawn(address indexed to, uint256 amount);

    /// @notice Sets condition `conditionId`. Marketplace admin only.
    /// @param conditionId Below MAX_CONDITIONS.
    /// @param condition Kind and threshold (rates at most 10,000 bps).
    function setCondition(uint256 conditionId, Condition calldata condition) external;

    /// @notice Sets tier `tierId` (0 is the default tier and requires nothing). Marketplace admin only.
    /// @param tierId Below MAX_TIERS and at most the current tier count.
    /// @param required The conditions it requires (each set).
    /// @param priority Unique among tiers; higher wins.
    /// @param policy Its policy (fee and reward at most 10,000 bps).
    function setTier(uint256 tierId, uint32 required, uint16 priority, Policy calldata policy) external;

    /// @notice Sets how long before Time-Date A stake cancellations close. Marketplace admin only.
    /// @param cutoff Seconds (at most 30 days).
    function setStakeCancelCutoff(uint256 cutoff) external;

    /// @notice How long before Time-Date A stake cancellations close, in seconds.
    /// @return The cut-off.
    function stakeCancelCutoff() external view returns (uint256);

    /// @notice Sets the rating from which a review counts as helpful. Marketplace admin only.
    /// @param threshold 0 … 100.
    function setHelpfulThreshold(uint256 threshold) external;

    /// @notice Sets how a cancellation reason (16 … 255) is attributed. Marketplace admin only. Defaults: 16 buyer
    /// changed its mind and 17 buyer ordered by mistake (Buyer), 18 out of stock and 19 seller cannot ship (Seller),
    /// 20 delivery terms cannot be met (Both).
    /// @param reason The code.
    /// @param enabled Whether parties may give it in `requestCancellation`.
    /// @param party Who it charges.
    function setReason(uint8 reason, bool enabled, Party party) external;

    /// @notice The caller (a seller) opts in or out of automatic relisting; it applies when its tier's policy has
    /// `autoRelist`.
    /// @param enabled Its choice.
    function setAutoRelist(bool enabled) external;

    /// @notice The buyer or the seller cancels an order awaiting shipment (source document 001 FIG. 29A/29B). Static
    /// rules first: only orders awaiting shipment, an enabled reason that charges the initiator (alone or with the
    /// other party); then the initiator's tier: its cancellation window, counted from the order's opening. The
    /// escrow refunds the buyer: by the buyer's tier's refund mode when the buyer initiates, in full to its wallet
    /// when the seller does. The escrow's report then updates counters, reverses the pending reward and may request a
    /// relisting.
    /// @param orderId The escrow order.
    /// @param reason The reason code.
    /// @param creditTokenId The buyer's bid token for a credit refund (ignored otherwise).
    function requestCancellation(uint256 orderId, uint8 reason, uint256 creditTokenId) external;

    /// @notice Adds `amount` to the reward pool, pulled from the caller (anyone may fund it).
    /// @param amount Payment-token units.
    function fundRewards(uint256 amount) external;

    /// @notice Adds the caller's claimable rewards as credit to a bid token it holds (the membership approves the
    /// bid token and calls `topUp`), paid from the pool.
    /// @param tokenId The caller's bid token.
    /// @return amount Payment-token units credited.
    function claimRewards(uint256 tokenId) external returns (uint256 amount);

    /// @notice Withdraws pool funds beyond what members can claim. Marketplace admin only.
    /// @param to Where to send them.
    /// @param amount Payment-token units, at most `rewardPool() - totalClaimable()`.
    function withdrawRewardSurplus(address to, uint256 amount) external;

    /// @notice Registers the caller as a member (the `Registered` condition).
    function register() external;

    /// @notice Records a review written by `author`, rated `helpfulness` (0 … 100). REVIEWER_ROLE only.
    /// @param author The member who wrote it.
    /// @param helpfulness The rating.
    function recordReview(address author, uint256 helpfulness) external;

    /// @notice Records a stake purchase cancelled by `buyer` and returns the terms of the tier it had when it asked:
    /// the listing checks the window and cut-off (reverting the whole cancellation, this count included, if they
    /// are not met) and refunds by the mode. Enrolled listings only.
    /// @param buyer The buyer.
    /// @return cancelWindow Seconds after a purchase during which it may be cancelled.
    /// @return cutoff Seconds before Time-Date A when cancellations close.
    /// @return refundMode How the refund is paid.
    /// @return feeBps The fee kept on `WalletMinusFee` refunds.
    function onStakeCancelled(
        address buyer
    ) external returns (uint256 cancelWindow, uint256 cutoff, RefundMode refundMode, uint256 feeBps);

    /// @notice Re-evaluates a member's tier (e.g. after the operator changed tiers, or as its sales age out).
    /// @param member The member.
    /// @return tierId Its tier afterwards.
    function refresh(address member) external returns (uint256 tierId);

    /// @notice The tier whose conditions `met` satisfies with the highest priority, else 0 (the default tier).
    /// @param met A set of conditions (bit i = condition i).
    /// @return tierId The tier.
    function tierFor(uint256 met) external view returns (uint256 tierId);

    /// @notice The conditions a member meets now.
    /// @param member The member.
    /// @return met Bit i set when condition i is met.
    function conditionsMet(address member) external view returns (uint256 met);

    /// @notice The "membership status" screen: the member's tier as stored, the conditions it meets, the next
    /// tier up (the tier with the lowest priority above the current one's; 0 if none) and what it lacks for it.
    /// @param member The member.
    /// @return tierId Its tier.
    /// @return met The conditions it meets.
    /// @return nextTier The next tier up, or 0.
    /// @return missing The conditions of `nextTier` it does not meet.
    function status(
        address member
    ) external view returns (uint256 tierId, uint256 met, uint256 nextTier, uint256 missing);

    /// @notice The policy of a member's tier.
    /// @param member The member.
    /// @return The policy.
    function policyOf(address member) external view returns (Policy memory);

    /// @notice A member's counters.
    /// @param member The member.
    /// @return The counters.
    function countersOf(address member) external view returns (Counters memory);

    /// @notice A seller's sales in the last RECENT_DAYS days.
    /// @param seller The seller.
    /// @return The count.
    function recentSales(address seller) external view returns (uint256);

    /// @notice How a reason code is attributed.
    /// @param reason The code.
    /// @return The rule.
    function reasonRule(uint8 reason) external view returns (ReasonRule memory);

    /// @notice Whether a seller opted in to automatic relisting.
    /// @param seller The seller.
    /// @return Its choice.
    function autoRelistOf(address seller) external view returns (bool);

    /// @notice The reward booked for an open direct order.
    /// @param orderId The order.
    /// @return Payment-token units.
    function pendingReward(uint256 orderId) external view returns (uint256);

    /// @notice Rewards a member can claim.
    /// @param member The member.
    /// @return Payment-token units.
    function claimableRewards(address member) external view returns (uint256);

    /// @notice The pool's books: units held for rewards (always the contract's token balance).
    /// @return Payment-token units.
    function rewardPool() external view returns (uint256);

    /// @notice What all members can claim (the pool may hold less: claims then wait for funding).
    /// @return Payment-token units.
    function totalClaimable() external view returns (uint256);

    /// @notice Reward credit a member has earned in all.
    /// @param member The member.
    /// @return Payment-token units.
    function rewardsEarned(address member) external view returns (uint256);

    /// @notice A condition.
    /// @param conditionId The id.
    /// @return The condition.
    function condition(uint256 conditionId) external view returns (Condition memory);

    /// @notice A tier.
    /// @param tierId The id.
    /// @return The tier.
    function tier(uint256 tierId) external view returns (Tier memory);

    /// @notice How many tiers exist (ids 0 … tierCount − 1).
    /// @return The count.
    function tierCount() external view returns (uint256);

    /// @notice The marketplace whose roles govern this contract.
    /// @return The marketplace.
    function marketplace() external view returns (address);

    /// @notice The delivery escrow whose orders this contract counts.
    /// @return The escrow.
    function escrow() external view returns (address);
}
