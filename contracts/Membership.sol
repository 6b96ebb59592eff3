// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MembershipRewards} from "./MembershipRewards.sol";
import {IDeliveryEscrow} from "./interfaces/IDeliveryEscrow.sol";
import {IListing} from "./interfaces/IListing.sol";
import {IMembership} from "./interfaces/IMembership.sol";
import {CancellationReasons} from "./libraries/CancellationReasons.sol";
import {Conditions} from "./libraries/Conditions.sol";
import {MemberCounters} from "./libraries/MemberCounters.sol";
import {RecentSales} from "./libraries/RecentSales.sol";

/// @title Membership
/// @notice Dynamic membership tiers (SPEC §4.6, source document 001 FIG. 29). The escrow reports every completed or
/// cancelled order and listings report cancelled stake purchases; each report updates the parties' counters and
/// re-evaluates their tiers. A tier is the highest-priority tier whose conditions the member meets, else tier 0,
/// the default; a tier for abusers is configured like any other (e.g. cancellation rate ≥ 70% with a top priority).
/// Parties cancel orders awaiting shipment through `requestCancellation` (FIG. 29A/29B): static rules, then the
/// initiator's tier window, then the escrow refunds by the buyer's tier's refund mode (this contract holds the
/// marketplace's POLICY_ROLE). Rewards are booked when a direct order opens, become claimable as bid-token credit when
/// it completes and are reversed when it is cancelled.
/// @dev Everything is bounded: at most 32 conditions and 16 tiers, and the recent-sales window is a ring of
/// RECENT_DAYS daily counters in one slot. The packed words live in libraries, each with its bit layout drawn:
/// `MemberCounters`, `RecentSales`, `Conditions` (conditions and tier keys). The reward books and the role checks are
/// in the `MembershipRewards` base. Roles are the marketplace's: its admin configures, REVIEWER_ROLE records reviews.
// One value per slot, each read on its own hot path.
// solhint-disable-next-line max-states-count
contract Membership is MembershipRewards {
    using MemberCounters for mapping(address => uint256);

    /// @notice The most conditions (bit set width).
    uint256 public constant MAX_CONDITIONS = Conditions.MAX;
    /// @notice The most tiers, the default tier included.
    uint256 public constant MAX_TIERS = Conditions.MAX_TIERS;
    /// @notice Length of the recent-sales window, in days.
    uint256 public constant RECENT_DAYS = RecentSales.DAYS;
    /// @notice The marketplace role that records reviews.
    bytes32 public constant REVIEWER_ROLE = keccak256("REVIEWER_ROLE");

    uint256 private constant _BPS = 10_000;
    uint256 private constant _THRESHOLD_MAX = (1 << 24) - 1;

    address private immutable _ESCROW;

    /// @dev Conditions packed eight to a slot (see `Conditions`), read only up to the highest set id: a tier
    /// evaluation costs a few storage reads, so every report fits the escrow's gas cap.
    uint256[4] private _conditionWords;
    /// @dev These four share one slot, read once by every report.
    uint8 private _conditionEnd;
    uint8 private _tierCount;
    uint8 private _helpfulThreshold;
    uint32 private _stakeCancelCutoff;
    mapping(uint256 tierId => Tier) private _tiers;
    /// @dev Every tier's required set and priority, four tiers to a slot (see `Conditions`): a tier evaluation reads
    /// four slots instead of fifteen Tier structs, so the worst configuration fits the escrow's report cap.
    uint256[4] private _tierKeys;
    /// @dev A member's Counters packed in one word (see `MemberCounters`), written with a single store per report.
    mapping(address member => uint256 word) private _counterWords;
    /// @dev A seller's ring of daily sales (see `RecentSales`).
    mapping(address seller => uint256 ring) private _recentSales;
    mapping(uint8 reason => ReasonRule) private _reasons;
    mapping(address seller => bool) private _autoRelist;

    /// @param marketplace_ The marketplace whose roles govern this contract.
    /// @param bidToken The bid token, whose enrolled listings report stake cancellations.
    /// @param escrow_ The delivery escrow, which reports orders.
    /// @param defaultPolicy The default tier's policy.
    constructor(
        address marketplace_,
        address bidToken,
        address escrow_,
        Policy memory defaultPolicy
    ) MembershipRewards(marketplace_, bidToken) {
        _ESCROW = escrow_;
        _checkPolicy(defaultPolicy);
        _tiers[0] = Tier({required: 0, priority: 0, exists: true, policy: defaultPolicy});
        _tierCount = 1;
        _helpfulThreshold = 60;
        _stakeCancelCutoff = 1 days;
        emit TierSet(0, 0, 0, defaultPolicy);
        emit HelpfulThresholdSet(60);
        emit StakeCancelCutoffSet(1 days);
        _setReason(16, true, Party.Buyer); // changed its mind
        _setReason(17, true, Party.Buyer); // ordered by mistake
        _setReason(18, true, Party.Seller); // out of stock
        _setReason(19, true, Party.Seller); // cannot ship
        _setReason(20, true, Party.Both); // delivery terms cannot be met
    }

    // ---------------------------------------------------------------- configuration

    /// @inheritdoc IMembership
    function setCondition(uint256 conditionId, Condition calldata condition_) external onlyAdmin {
        if (conditionId >= MAX_CONDITIONS || condition_.kind == ConditionKind.Unset) {
            revert ConditionOutOfRange(conditionId);
        }
        bool isRate =
            condition_.kind == ConditionKind.MaxCancellationRateBps ||
                condition_.kind == ConditionKind.MinCancellationRateBps;
        if (isRate && condition_.threshold > _BPS) revert BpsTooHigh(condition_.threshold);
        if (condition_.threshold > _THRESHOLD_MAX) revert ThresholdTooLarge(condition_.threshold);
        Conditions.set(_conditionWords, conditionId, condition_.kind, condition_.threshold);
        if (conditionId >= _conditionEnd) _conditionEnd = uint8(conditionId + 1);
        emit ConditionSet(conditionId, condition_.kind, condition_.threshold);
    }

    /// @inheritdoc IMembership
    function setTier(uint256 tierId, uint32 required, uint16 priority, Policy calldata policy) external onlyAdmin {
        uint256 count = _tierCount;
        if (tierId >= MAX_TIERS || tierId > count) revert TierOutOfRange(tierId);
        if (tierId == 0 && required != 0) revert DefaultTierHasConditions();
        for (uint256 i = 0; i < MAX_CONDITIONS; ++i) {
            if ((required >> i) & 1 == 1 && Conditions.get(_conditionWords, i).kind == ConditionKind.Unset) {
                revert ConditionOutOfRange(i);
            }
        }
        // The default tier is the fallback, not a candidate: only the others compete on priority.
        if (tierId != 0) {
            for (uint256 i = 1; i < count; ++i) {
                if (i != tierId && _tiers[i].priority == priority) revert DuplicatePriority(priority, i);
            }
        }
        _checkPolicy(policy);
        Tier memory t = Tier({required: required, priority: priority, exists: true, policy: policy});
        _tiers[tierId] = t;
        Conditions.setTierKey(_tierKeys, tierId, required, priority);
        if (tierId == count) _tierCount = uint8(count + 1);
        emit TierSet(tierId, required, priority, policy);
    }

    /// @inheritdoc IMembership
    function setStakeCancelCutoff(uint256 cutoff) external onlyAdmin {
        if (cutoff > 30 days) revert CutoffTooLong(cutoff);
        _stakeCancelCutoff = uint32(cutoff);
        emit StakeCancelCutoffSet(cutoff);
    }

    /// @inheritdoc IMembership
    function stakeCancelCutoff() external view returns (uint256) {
        return _stakeCancelCutoff;
    }

    /// @inheritdoc IMembership
    function setHelpfulThreshold(uint256 threshold) external onlyAdmin {
        if (threshold > 100) revert HelpfulnessOutOfRange(threshold);
        _helpfulThreshold = uint8(threshold);
        emit HelpfulThresholdSet(threshold);
    }

    /// @inheritdoc IMembership
    function setReason(uint8 reason, bool enabled, Party party) external onlyAdmin {
        if (reason < CancellationReasons.FIRST_FREE) revert ReasonOutOfRange(reason);
        _setReason(reason, enabled, party);
    }

    // ---------------------------------------------------------------- members

    /// @inheritdoc IMembership
    function setAutoRelist(bool enabled) external {
        _autoRelist[msg.sender] = enabled;
        emit AutoRelistSet(msg.sender, enabled);
    }

    /// @inheritdoc IMembership
    function requestCancellation(uint256 orderId, uint8 reason, uint256 creditTokenId) external nonReentrant {
        IDeliveryEscrow.Order memory o = IDeliveryEscrow(_ESCROW).order(orderId);
        bool byBuyer = msg.sender == o.buyer;
        if (!byBuyer && msg.sender != o.seller) revert NotAParty(orderId, msg.sender);
        // Static rules: before shipment only (afterwards the parties agree or dispute in the escrow) …
        if (o.status != IDeliveryEscrow.OrderStatus.AwaitingShipment) {
            revert OrderNotCancellable(orderId, uint256(o.status));
        }
        // … and a known reason that charges the initiator: nobody blames the other party alone unilaterally.
        ReasonRule memory rule = _reasons[reason];
        if (!rule.enabled) revert UnknownReason(reason);
        Party initiator = byBuyer ? Party.Buyer : Party.Seller;
        if (rule.party != initiator && rule.party != Party.Both) revert ReasonBlamesOtherParty(reason, rule.party);
        // Then the initiator's tier, as it stands before this cancellation.
        Policy memory policy = _tiers[_counterWords.load(msg.sender).tier].policy;
        uint256 closesAt = uint256(o.openedAt) + policy.cancelWindow;
        if (policy.cancelWindow == 0 || block.timestamp > closesAt) revert CancelWindowClosed(orderId, closesAt);
        // The buyer's refund mode applies to its own cancellations; a seller's cancellation refunds in full.
        IDeliveryEscrow.Refund memory refund;
        if (byBuyer) {
            refund = IDeliveryEscrow.Refund(policy.refundMode, policy.feeBps, creditTokenId);
        }
        emit CancellationRequested(orderId, msg.sender, reason, rule.party, refund.mode);
        // The escrow refunds and reports back (`onOrderCancelled`): counters, tiers, reward reversal, relisting.
        IDeliveryEscrow(_ESCROW).cancelByPolicy(orderId, rule.party, reason, refund);
    }

    /// @inheritdoc IMembership
    function register() external {
        Counters memory c = _counterWords.load(msg.sender);
        if (c.registered) revert AlreadyRegistered(msg.sender);
        c.registered = true;
        _store(msg.sender, c);
    }

    /// @inheritdoc IMembership
    function recordReview(address author, uint256 helpfulness) external {
        _checkRole(REVIEWER_ROLE);
        if (helpfulness > 100) revert HelpfulnessOutOfRange(helpfulness);
        bool helpful = helpfulness >= _helpfulThreshold;
        emit ReviewRecorded(msg.sender, author, helpfulness, helpful);
        if (!helpful) return;
        Counters memory c = _counterWords.load(author);
        ++c.helpfulReviews;
        _store(author, c);
    }

    /// @inheritdoc IMembership
    function refresh(address member) external returns (uint256) {
        Counters memory c = _counterWords.load(member);
        _store(member, c);
        return _counterWords.load(member).tier;
    }

    // ---------------------------------------------------------------- reports

    /// @notice Books a direct order's reward at the buyer's tier when it opens: amount × rewardBps.
    /// @dev Escrow only.
    /// @param orderId The escrow order.
    /// @param buyer The buyer.
    /// @param amount The order's price.
    /// @param fee The platform fee the order pays at release.
    function onOrderOpened(uint256 orderId, address buyer, address, uint256 amount, uint256 fee) external {
        _onlyEscrow();
        // The reward rule: no order earns more reward than the platform fee it pays.
        uint256 reward = _min(_rewardAtTier(buyer, amount), fee);
        if (reward == 0) return;
        _pendingRewards[orderId] = reward;
        emit RewardPending(buyer, orderId, reward);
    }

    /// @notice Records a completed order: both parties' counters, the seller's recent sale, the buyer's reward (now
    /// claimable).
    /// @dev Escrow only. A direct order earns the reward booked at its opening (none if the opening was not
    /// reported), at most the fee its release charged; a settlement order, whose buyer is only known at the draw,
    /// earns at the buyer's tier before this order moves it, at most the listing's markup (the platform's fee on
    /// it). Counters move only for orders whose seller is verified: an unverified seller's orders earn no tier.
    /// @param orderId The escrow order.
    /// @param buyer The buyer.
    /// @param seller The seller.
    /// @param amount The order's price.
    /// @param fee The platform fee charged at release (direct orders).
    /// @param listing The settlement order's listing (zero: a direct order).
    function onOrderCompleted(
        uint256 orderId,
        address buyer,
        address seller,
        uint256 amount,
        uint256 fee,
        address listing
    ) external {
        _onlyEscrow();
        uint256 reward;
        if (listing != address(0)) {
            reward = _min(_rewardAtTier(buyer, amount), _markupOf(listing));
        } else {
            reward = _min(_pendingRewards[orderId], fee);
            if (reward != 0) delete _pendingRewards[orderId];
        }
        if (reward != 0) {
            _rewards[buyer] += reward;
            _claimable[buyer] += reward;
            _totalClaimable += reward;
            emit RewardEarned(buyer, orderId, reward);
        }
        if (!_MARKETPLACE.isVerifiedSeller(seller)) return;
        Counters memory b = _counterWords.load(buyer);
        ++b.orders;
        ++b.completed;
        _store(buyer, b);

        uint256 sales = RecentSales.record(_recentSales, seller);
        emit RecentSaleRecorded(seller, sales);
        Counters memory s = _counterWords.load(seller);
        ++s.orders;
        ++s.completed;
        _store(seller, s);
    }

    /// @notice Records a cancelled order: both parties took part; the responsible one (or both) is charged with it.
    /// The pending reward is reversed; if the seller is not charged, the asset came back to it (not a dispute split)
    /// and its tier and opt-in say so, a relisting is requested (FIG. 28).
    /// @dev Escrow only.
    /// @param orderId The escrow order.
    /// @param buyer The buyer.
    /// @param seller The seller.
    /// @param responsible The party the cancellation is attributed to.
    /// @param reason The reason code.
    function onOrderCancelled(
        uint256 orderId,
        address buyer,
        address seller,
        Party responsible,
        uint8 reason
    ) external {
        _onlyEscrow();
        uint256 reward = _pendingRewards[orderId];
        if (reward != 0) {
            delete _pendingRewards[orderId];
            emit RewardReversed(buyer, orderId, reward);
        }
        if (!_MARKETPLACE.isVerifiedSeller(seller)) return;
        Counters memory b = _counterWords.load(buyer);
        ++b.orders;
        if (responsible == Party.Buyer || responsible == Party.Both) ++b.cancelledAsBuyer;
        _store(buyer, b);
        Counters memory s = _counterWords.load(seller);
        ++s.orders;
        bool sellerCharged = responsible == Party.Seller || responsible == Party.Both;
        if (sellerCharged) ++s.cancelledAsSeller;
        _store(seller, s);
        if (
            !sellerCharged &&
            reason != CancellationReasons.DISPUTE_SPLIT &&
            _autoRelist[seller] &&
            _tiers[_counterWords.load(seller).tier].policy.autoRelist
        ) {
            IDeliveryEscrow.Order memory o = IDeliveryEscrow(_ESCROW).order(orderId);
            emit RelistRequested(seller, orderId, o.listing, o.deedId);
        }
    }

    /// @inheritdoc IMembership
    function onStakeCancelled(
        address buyer
    ) external returns (uint256 cancelWindow, uint256 cutoff, RefundMode refundMode, uint256 feeBps) {
        if (!_BID_TOKEN.isEnrolled(msg.sender)) revert NotAReporter(msg.sender);
        Counters memory c = _counterWords.load(buyer);
        // The cancellation is judged by the tier the buyer had when it asked.
        Policy storage policy = _tiers[c.tier].policy;
        (cancelWindow, cutoff, refundMode, feeBps) = (
            policy.cancelWindow,
            _stakeCancelCutoff,
            policy.refundMode,
            policy.feeBps
        );
        ++c.stakeCancellations;
        _store(buyer, c);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IMembership
    function tierFor(uint256 met) public view returns (uint256 tierId) {
        return Conditions.bestTier(_tierKeys, _tierCount, met);
    }

    /// @inheritdoc IMembership
    function conditionsMet(address member) public view returns (uint256) {
        return Conditions.metBy(_conditionWords, _conditionEnd, _counterWords.load(member), _recentSales, member);
    }

    /// @inheritdoc IMembership
    function status(
        address member
    ) external view returns (uint256 tierId, uint256 met, uint256 nextTier, uint256 missing) {
        tierId = _counterWords.load(member).tier;
        met = conditionsMet(member);
        uint256 current = tierId == 0 ? 0 : _tiers[tierId].priority;
        bool found;
        for (uint256 i = 1; i < _tierCount; ++i) {
            uint256 p = _tiers[i].priority;
            if ((tierId == 0 || p > current) && i != tierId && (!found || p < _tiers[nextTier].priority)) {
                nextTier = i;
                found = true;
            }
        }
        if (found) missing = _tiers[nextTier].required & ~met;
    }

    /// @inheritdoc IMembership
    function policyOf(address member) external view returns (Policy memory) {
        return _tiers[_counterWords.load(member).tier].policy;
    }

    /// @inheritdoc IMembership
    function countersOf(address member) external view returns (Counters memory) {
        return _counterWords.load(member);
    }

    /// @inheritdoc IMembership
    function recentSales(address seller) external view returns (uint256 count) {
        return RecentSales.count(_recentSales[seller]);
    }

    /// @inheritdoc IMembership
    function reasonRule(uint8 reason) external view returns (ReasonRule memory) {
        return _reasons[reason];
    }

    /// @inheritdoc IMembership
    function autoRelistOf(address seller) external view returns (bool) {
        return _autoRelist[seller];
    }

    /// @inheritdoc IMembership
    function condition(uint256 conditionId) external view returns (Condition memory) {
        return Conditions.get(_conditionWords, conditionId);
    }

    /// @inheritdoc IMembership
    function escrow() external view returns (address) {
        return _ESCROW;
    }

    /// @inheritdoc IMembership
    function tier(uint256 tierId) external view returns (Tier memory) {
        return _tiers[tierId];
    }

    /// @inheritdoc IMembership
    function tierCount() external view returns (uint256) {
        return _tierCount;
    }

    // ---------------------------------------------------------------- internals

    /// @dev Writes a member's counters after re-evaluating its tier; emits the counters and any tier change.
    function _store(address member, Counters memory c) private {
        uint256 before = c.tier;
        uint256 met = Conditions.metBy(_conditionWords, _conditionEnd, c, _recentSales, member);
        uint256 next = Conditions.bestTier(_tierKeys, _tierCount, met);
        c.tier = uint8(next);
        _counterWords[member] = MemberCounters.encode(c);
        emit CountersUpdated(member, c);
        if (next != before) emit TierChanged(member, before, next);
    }

    /// @dev The reward `amount` earns at the buyer's current tier.
    function _rewardAtTier(address buyer, uint256 amount) private view returns (uint256) {
        return (amount * _tiers[_counterWords.load(buyer).tier].policy.rewardBps) / _BPS;
    }

    /// @dev The platform's fee on a settled listing: what its stakes sold for above the price.
    function _markupOf(address listing) private view returns (uint256) {
        (, IListing.Terms memory terms) = IListing(listing).charter();
        (uint256 held, ) = IListing(listing).sales();
        uint256 paid = held * terms.stakePrice;
        return paid > terms.price ? paid - terms.price : 0;
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }

    function _setReason(uint8 reason, bool enabled, Party party) private {
        _reasons[reason] = ReasonRule(enabled, party);
        emit ReasonSet(reason, enabled, party);
    }

    function _checkPolicy(Policy memory policy) private pure {
        if (policy.feeBps > _BPS) revert BpsTooHigh(policy.feeBps);
        if (policy.rewardBps > _BPS) revert BpsTooHigh(policy.rewardBps);
    }

    function _onlyEscrow() private view {
        if (msg.sender != _ESCROW) revert NotAReporter(msg.sender);
    }
}
