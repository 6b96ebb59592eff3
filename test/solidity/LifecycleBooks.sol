// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMembership} from "../../contracts/interfaces/IMembership.sol";
import {IMembershipHooks} from "../../contracts/interfaces/IMembershipHooks.sol";

/// @title LifecycleBooks
/// @notice Test-only: the running totals and the member model the lifecycle handlers keep on their own, never read
/// back from the contracts: where every unit of the payment token is (per listing, per bid token, in the escrow, each
/// party's escrow balance, the vault, the reward pool), what the vault took in, and each member's counters, tier and
/// claimable rewards as the tier configuration of `LifecycleInvariants` says they must be.
/// @dev Shared by `LifecycleHandler` and `OrderHandler` (two contracts because of the code-size limit).
contract LifecycleBooks {
    /// @notice A member's counts, as the handlers saw its orders conclude.
    struct Member {
        uint32 orders;
        uint32 completed;
        uint32 cancelledAsBuyer;
        uint32 cancelledAsSeller;
        uint32 stakeCancellations;
        bool registered;
    }

    /// @dev One tier of the suite's configuration (mirrors what the setup gives `Membership.setTier`).
    struct TierModel {
        uint32 required;
        uint16 priority;
        IMembership.Policy policy;
    }

    // ---- the conditions the suite configures (ids 0, 1, 2)
    uint256 public constant COND_REGISTERED = 0;
    uint256 public constant COND_COMPLETED = 1;
    uint256 public constant COND_CANCEL_RATE = 2;
    uint256 public constant COND_NO_STAKE_CANCELLATION = 3;
    uint64 public constant MIN_COMPLETED = 1;
    uint64 public constant MIN_CANCEL_RATE_BPS = 5_000;

    TierModel[] private _tiers;

    // ---- money
    /// @notice What listing `l` owns: its balance plus its buyers' credit still pending at the bid token.
    mapping(address listing => uint256) public held;
    /// @notice Each bid token's credit.
    mapping(uint256 tokenId => uint256) public credit;
    /// @notice What the escrow holds: open orders plus every party's withdrawable balance.
    uint256 public escrowHeld;
    /// @notice Each party's withdrawable escrow balance.
    mapping(address account => uint256) public owed;
    /// @notice What the vault owes its recipient.
    uint256 public vaultHeld;
    /// @notice What reached the vault: listings' markups, cancellation fees kept by listings, escrow refund fees.
    uint256 public vaultMarkups;
    uint256 public vaultFees;
    uint256 public vaultPaidOut;
    /// @notice The reward pool: funded minus claimed.
    uint256 public pool;
    /// @notice What was sent to a contract outside its books.
    mapping(address target => uint256) public donated;

    // ---- members
    mapping(address member => Member) private _members;
    mapping(address member => uint256) public claimable;
    uint256 public totalClaimable;

    /// @notice How often each action did real work.
    mapping(string action => uint256) public calls;

    constructor(TierModel[] memory tiers_) {
        for (uint256 i; i < tiers_.length; ++i) _tiers.push(tiers_[i]);
    }

    // ================================================================ money moves

    function hit(string memory action) external {
        ++calls[action];
    }

    function listingIn(address l, uint256 amount) external {
        held[l] += amount;
    }

    function listingOut(address l, uint256 amount) external {
        held[l] -= amount;
    }

    function creditIn(uint256 tokenId, uint256 amount) external {
        credit[tokenId] += amount;
    }

    function creditOut(uint256 tokenId, uint256 amount) external {
        credit[tokenId] -= amount;
    }

    function escrowIn(uint256 amount) external {
        escrowHeld += amount;
    }

    function escrowOut(uint256 amount) external {
        escrowHeld -= amount;
    }

    /// @notice An escrow party is credited (the money stays in the escrow until withdrawn).
    function owe(address account, uint256 amount) external {
        owed[account] += amount;
    }

    function withdrawn(address account, uint256 amount) external {
        owed[account] -= amount;
        escrowHeld -= amount;
    }

    function vaultMarkup(uint256 amount) external {
        vaultHeld += amount;
        vaultMarkups += amount;
    }

    function vaultFee(uint256 amount) external {
        vaultHeld += amount;
        vaultFees += amount;
    }

    function vaultOut(uint256 amount) external {
        vaultHeld -= amount;
        vaultPaidOut += amount;
    }

    function poolIn(uint256 amount) external {
        pool += amount;
    }

    function poolOut(uint256 amount) external {
        pool -= amount;
    }

    function donate(address target, uint256 amount) external {
        donated[target] += amount;
    }

    // ================================================================ members

    function register(address member) external {
        _members[member].registered = true;
    }

    function stakeCancelled(address member) external {
        ++_members[member].stakeCancellations;
    }

    /// @notice An order was released. The reward is booked at the buyer's tier before the count (as the membership
    /// does), capped by the listing's markup; nothing is counted while the seller is not verified.
    function completed(address buyer, address seller, uint256 amount, uint256 markup, bool verified) external {
        uint256 reward = (amount * _policy(buyer).rewardBps) / 10_000;
        if (reward > markup) reward = markup;
        claimable[buyer] += reward;
        totalClaimable += reward;
        if (!verified) return;
        ++_members[buyer].orders;
        ++_members[buyer].completed;
        ++_members[seller].orders;
        ++_members[seller].completed;
    }

    /// @notice An order was cancelled (refunded, split or cashed out) and attributed to `responsible`.
    function cancelled(address buyer, address seller, IMembershipHooks.Party responsible, bool verified) external {
        if (!verified) return;
        ++_members[buyer].orders;
        ++_members[seller].orders;
        if (responsible == IMembershipHooks.Party.Buyer || responsible == IMembershipHooks.Party.Both) {
            ++_members[buyer].cancelledAsBuyer;
        }
        if (responsible == IMembershipHooks.Party.Seller || responsible == IMembershipHooks.Party.Both) {
            ++_members[seller].cancelledAsSeller;
        }
    }

    function claimed(address member) external returns (uint256 amount) {
        amount = claimable[member];
        claimable[member] = 0;
        totalClaimable -= amount;
    }

    // ================================================================ the member model's views

    function memberOf(address m) external view returns (Member memory) {
        return _members[m];
    }

    /// @notice The tier the suite's configuration gives `m` for the counts above: the highest-priority tier whose
    /// conditions all hold, else 0.
    function tierOf(address m) public view returns (uint256 tierId) {
        Member memory c = _members[m];
        uint256 met;
        if (c.registered) met |= 1 << COND_REGISTERED;
        if (c.completed >= MIN_COMPLETED) met |= 1 << COND_COMPLETED;
        uint256 charged = uint256(c.cancelledAsBuyer) + c.cancelledAsSeller;
        if (c.orders != 0 && (charged * 10_000) / c.orders >= MIN_CANCEL_RATE_BPS) met |= 1 << COND_CANCEL_RATE;
        if (c.stakeCancellations == 0) met |= 1 << COND_NO_STAKE_CANCELLATION;
        uint256 best;
        for (uint256 i = 1; i < _tiers.length; ++i) {
            if (_tiers[i].required & met != _tiers[i].required) continue;
            if (tierId == 0 || _tiers[i].priority > best) (tierId, best) = (i, _tiers[i].priority);
        }
    }

    function policyOf(address m) external view returns (IMembership.Policy memory) {
        return _policy(m);
    }

    function _policy(address m) private view returns (IMembership.Policy memory) {
        return _tiers[tierOf(m)].policy;
    }
}
