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

    /// @notice How a cancelled purchase or order is refunded.
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
}
