// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CommonBase} from "forge-std/Base.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {StdAssertions} from "forge-std/StdAssertions.sol";
import {AssetDeed} from "../../contracts/AssetDeed.sol";
import {BidToken} from "../../contracts/BidToken.sol";
import {DeliveryEscrow} from "../../contracts/DeliveryEscrow.sol";
import {RevenueVault} from "../../contracts/RevenueVault.sol";
import {Membership} from "../../contracts/Membership.sol";
import {Listing} from "../../contracts/Listing.sol";
import {MockUSDC} from "../../contracts/mocks/MockUSDC.sol";
import {IDeliveryEscrow} from "../../contracts/interfaces/IDeliveryEscrow.sol";
import {IMembership} from "../../contracts/interfaces/IMembership.sol";
import {IMembershipHooks} from "../../contracts/interfaces/IMembershipHooks.sol";
import {IRevenueVault} from "../../contracts/interfaces/IRevenueVault.sol";
import {LifecycleBooks} from "./LifecycleBooks.sol";
import {LifecycleHandler} from "./LifecycleHandler.sol";
import {OrderStatuses} from "./OrderStatuses.sol";

/// @title OrderHandler
/// @notice Test-only invariant handler next to `LifecycleHandler`: the settlement orders of its listings go through
/// the escrow's hard paths — shipping, the winner's direct, signed and one-time-code releases (wrong codes suspend),
/// disputes voted by buyer, seller and arbiter or left to time out, the cash option, cancellation by agreement and by
/// tier policy through the membership (refunds as credit or minus a fee), refunds and releases by time — while the
/// reward pool is funded and claimed. Each outcome is booked in `LifecycleBooks` from the rules, and each report to
/// the membership is counted there for the member model.
contract OrderHandler is CommonBase, StdUtils, StdAssertions {
    uint256 private constant _OPEN = OrderStatuses.OPEN;

    MockUSDC private immutable _USDC;
    BidToken private immutable _BID_TOKEN;
    AssetDeed private immutable _DEED;
    DeliveryEscrow private immutable _ESCROW;
    RevenueVault private immutable _VAULT;
    Membership private immutable _MEMBERSHIP;
    LifecycleHandler private immutable _MAIN;
    LifecycleBooks private immutable _BOOKS;
    address private immutable _SELLER;
    address private immutable _ARBITER;
    address private immutable _RECIPIENT;

    mapping(address actor => uint256) private _keys;
    mapping(uint256 orderId => bytes) private _codes;
    mapping(uint256 orderId => IDeliveryEscrow.OrderStatus) private _disputedFrom;

    constructor(
        LifecycleHandler.System memory s,
        LifecycleHandler main,
        address arbiter,
        address[] memory actors,
        uint256[] memory keys
    ) {
        _USDC = s.usdc;
        _BID_TOKEN = s.bidToken;
        _DEED = s.deed;
        _ESCROW = s.escrow;
        _VAULT = s.vault;
        _MEMBERSHIP = s.membership;
        _MAIN = main;
        _BOOKS = s.books;
        _SELLER = s.seller;
        _ARBITER = arbiter;
        // The deployment's single revenue recipient is its deployer (system.ts `revenueRecipient` default).
        _RECIPIENT = s.admin;
        for (uint256 i; i < actors.length; ++i) _keys[actors[i]] = keys[i];
    }

    // ================================================================ shipping and releases

    function markShipped(uint256 seed) external {
        (uint256 id, IDeliveryEscrow.Order memory o, ) = _pick(seed, _bit(IDeliveryEscrow.OrderStatus.AwaitingShipment));
        if (id == 0 || block.timestamp > o.dueAt) return;
        vm.prank(_SELLER);
        _ESCROW.markShipped(id, keccak256(abi.encode("trk", id)));
        _BOOKS.hit("markShipped");
    }

    /// @notice The winner releases directly.
    function release(uint256 seed) external {
        (uint256 id, IDeliveryEscrow.Order memory o, address l) = _pick(seed, _AUTHORIZABLE);
        if (id == 0) return;
        vm.prank(o.buyer);
        _ESCROW.release(id);
        _released(id, o, l);
        _BOOKS.hit("release");
    }

    /// @notice The seller presents the winner's EIP-712 authorization.
    function releaseWithSignature(uint256 seed) external {
        (uint256 id, IDeliveryEscrow.Order memory o, address l) = _pick(seed, _AUTHORIZABLE);
        if (id == 0 || _keys[o.buyer] == 0) return;
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_keys[o.buyer], _ESCROW.authorizationDigest(id, deadline));
        vm.prank(_SELLER);
        _ESCROW.releaseWithSignature(id, deadline, abi.encodePacked(r, s, v));
        _released(id, o, l);
        _BOOKS.hit("releaseWithSignature");
    }

    /// @notice The winner commits a one-time code before shipment.
    function commitCode(uint256 seed) external {
        (uint256 id, IDeliveryEscrow.Order memory o, ) = _pick(seed, _bit(IDeliveryEscrow.OrderStatus.AwaitingShipment));
        if (id == 0) return;
        bytes memory code = abi.encodePacked(keccak256(abi.encode("code", id, seed)));
        vm.prank(o.buyer);
        _ESCROW.commitCode(id, keccak256(code), 32);
        _codes[id] = code;
        _BOOKS.hit("commitCode");
    }

    /// @notice The seller presents the code, right or wrong: a wrong one counts, the limit suspends the order.
    function releaseWithCode(uint256 seed, bool right) external {
        (uint256 id, IDeliveryEscrow.Order memory o, address l) = _pick(seed, _AUTHORIZABLE);
        if (id == 0) return;
        if (_codes[id].length == 0) {
            // No code yet: the winner commits one first (possible before shipment only).
            if (o.status != IDeliveryEscrow.OrderStatus.AwaitingShipment) return;
            _codes[id] = abi.encodePacked(keccak256(abi.encode("code", id, seed)));
            vm.prank(o.buyer);
            _ESCROW.commitCode(id, keccak256(_codes[id]), 32);
        }
        vm.prank(_SELLER);
        bool released = _ESCROW.releaseWithCode(id, right ? _codes[id] : abi.encodePacked(seed));
        assertEq(released, right, "code outcome");
        if (released) {
            _released(id, o, l);
            _BOOKS.hit("releaseWithCode");
        } else if (_ESCROW.order(id).status == IDeliveryEscrow.OrderStatus.Suspended) {
            _BOOKS.hit("suspended");
        } else {
            _BOOKS.hit("wrongCode");
        }
    }

    // ================================================================ disputes and the cash option

    function openDispute(uint256 seed, bool bySeller) external {
        (uint256 id, IDeliveryEscrow.Order memory o, ) = _pick(seed, _OPEN & ~_bit(IDeliveryEscrow.OrderStatus.Disputed));
        if (id == 0) return;
        if (o.status != IDeliveryEscrow.OrderStatus.Suspended && block.timestamp > o.dueAt) {
            vm.expectRevert(abi.encodeWithSelector(IDeliveryEscrow.DisputeWindowClosed.selector, id, o.dueAt));
        }
        vm.prank(bySeller ? _SELLER : o.buyer);
        _ESCROW.openDispute(id);
        if (o.status != IDeliveryEscrow.OrderStatus.Suspended && block.timestamp > o.dueAt) return;
        _disputedFrom[id] = o.status;
        _BOOKS.hit("openDispute");
    }

    /// @notice The buyer, the seller or the arbiter votes; two equal votes settle the dispute. With `second`, the next
    /// voter casts the same ballot right after (agreement is otherwise rare in short runs).
    function vote(uint256 seed, uint8 voter, uint8 outcome, uint8 bps, bool second) external {
        if (second) _vote(seed, uint8((uint256(voter) + 1) % 3), outcome, bps);
        _vote(seed, voter, outcome, bps);
    }

    function _vote(uint256 seed, uint8 voter, uint8 outcome, uint8 bps) private {
        (uint256 id, IDeliveryEscrow.Order memory o, address l) = _pick(seed, _bit(IDeliveryEscrow.OrderStatus.Disputed));
        if (id == 0) return;
        voter %= 3;
        IDeliveryEscrow.Outcome out = IDeliveryEscrow.Outcome((outcome % 3) + 1);
        // Few distinct splits, so that two votes agree often enough.
        uint16 sellerBps = uint16((bps % 3) * 5_000);
        address who = voter % 3 == 0 ? o.buyer : voter % 3 == 1 ? _SELLER : _ARBITER;
        vm.prank(who);
        _ESCROW.vote(id, out, sellerBps);
        IDeliveryEscrow.OrderStatus s = _ESCROW.order(id).status;
        if (s == IDeliveryEscrow.OrderStatus.Disputed) {
            _BOOKS.hit("vote");
            return;
        }
        if (out == IDeliveryEscrow.Outcome.Release) {
            _released(id, o, l);
        } else if (out == IDeliveryEscrow.Outcome.Refund) {
            _refunded(o, IMembershipHooks.Party.Seller, IDeliveryEscrow.OrderStatus.Refunded, id);
        } else {
            assertEq(uint256(s), uint256(IDeliveryEscrow.OrderStatus.Split), "split status");
            uint256 toSeller = (uint256(o.paid) * sellerBps) / 10_000;
            _BOOKS.owe(_SELLER, toSeller);
            _BOOKS.owe(o.buyer, o.paid - toSeller);
            assertEq(_DEED.ownerOf(o.deedId), o.buyer, "split: deed not with the winner");
            _BOOKS.cancelled(o.buyer, _SELLER, IMembershipHooks.Party.Both, _MAIN.sellerVerified());
        }
        _BOOKS.hit("disputeResolved");
    }

    /// @notice Nobody settles the dispute in time: anyone ends it by its default outcome.
    function settleExpiredDispute(uint256 seed) external {
        (uint256 id, IDeliveryEscrow.Order memory o, address l) = _pick(seed, _bit(IDeliveryEscrow.OrderStatus.Disputed));
        if (id == 0) return;
        if (block.timestamp <= o.dueAt) vm.warp(uint256(o.dueAt) + 1);
        _settleExpired(id, o, l);
        _BOOKS.hit("settleExpiredDispute");
    }

    /// @notice The winner takes P in cash instead of the asset (refused once shipped).
    function takeCash(uint256 seed) external {
        uint256 mask = _bit(IDeliveryEscrow.OrderStatus.AwaitingShipment) |
            _bit(IDeliveryEscrow.OrderStatus.Shipped) |
            _bit(IDeliveryEscrow.OrderStatus.Suspended);
        (uint256 id, IDeliveryEscrow.Order memory o, ) = _pick(seed, mask);
        if (id == 0) return;
        if (o.trackingHash != bytes32(0)) {
            vm.expectRevert(abi.encodeWithSelector(IDeliveryEscrow.AlreadyShipped.selector, id, o.trackingHash));
            vm.prank(o.buyer);
            _ESCROW.takeCash(id);
            _BOOKS.hit("takeCashRefused");
            return;
        }
        vm.prank(o.buyer);
        _ESCROW.takeCash(id);
        _refunded(o, IMembershipHooks.Party.None, IDeliveryEscrow.OrderStatus.CashedOut, id);
        _BOOKS.hit("takeCash");
    }

    // ================================================================ cancellations

    /// @notice Buyer and seller agree to cancel, with one of the membership's reasons.
    function agreeToCancel(uint256 seed, uint8 reasonSeed) external {
        (uint256 id, IDeliveryEscrow.Order memory o, ) = _pick(seed, _OPEN);
        if (id == 0) return;
        uint8 reason = uint8(16 + (reasonSeed % 5));
        IMembershipHooks.Party party = IMembershipHooks.Party((reasonSeed % 3) + 1);
        vm.prank(o.buyer);
        _ESCROW.agreeToCancel(id, party, reason);
        vm.prank(_SELLER);
        _ESCROW.agreeToCancel(id, party, reason);
        _refunded(o, party, IDeliveryEscrow.OrderStatus.Refunded, id);
        _BOOKS.hit("agreeToCancel");
    }

    /// @notice The winner or the seller cancels through the membership, by the initiator's tier: the window counts
    /// from the order's opening; the winner is refunded by its tier's mode (all as credit to a token it holds, or
    /// minus the tier's fee to the vault), a seller's cancellation refunds in full.
    function requestCancellation(uint256 seed, bool bySeller, uint256 tokenSeed) external {
        (uint256 id, IDeliveryEscrow.Order memory o, ) = _pick(seed, _bit(IDeliveryEscrow.OrderStatus.AwaitingShipment));
        if (id == 0) return;
        address initiator = bySeller ? _SELLER : o.buyer;
        uint8 reason = bySeller ? 18 : 16;
        IMembership.Policy memory policy = _BOOKS.policyOf(initiator);
        uint256 token = bySeller ? 0 : _tokenOf(o.buyer, tokenSeed);
        if (!bySeller && policy.refundMode == IMembership.RefundMode.Credit && token == 0) return;
        bool late = _expectLate(id, o, policy);
        vm.prank(initiator);
        _MEMBERSHIP.requestCancellation(id, reason, token);
        if (late) {
            _BOOKS.hit("cancellationLate");
            return;
        }
        _cancelledByPolicy(id, o, bySeller, token, policy);
        _BOOKS.hit(bySeller ? "sellerCancels" : "winnerCancels");
    }

    function _cancelledByPolicy(
        uint256 id,
        IDeliveryEscrow.Order memory o,
        bool bySeller,
        uint256 token,
        IMembership.Policy memory policy
    ) private {
        IMembershipHooks.Party party = bySeller ? IMembershipHooks.Party.Seller : IMembershipHooks.Party.Buyer;
        if (bySeller || policy.refundMode == IMembership.RefundMode.Wallet) {
            _refunded(o, party, IDeliveryEscrow.OrderStatus.Refunded, id);
        } else if (policy.refundMode == IMembership.RefundMode.Credit) {
            _BOOKS.escrowOut(o.paid);
            _BOOKS.creditIn(token, o.paid);
            _cancelledWithoutWallet(o, party, id);
            _BOOKS.hit("cancelOrderCredit");
        } else {
            uint256 fee = (uint256(o.paid) * policy.feeBps) / 10_000;
            _BOOKS.escrowOut(fee);
            _BOOKS.vaultFee(fee);
            _BOOKS.owe(o.buyer, o.paid - fee);
            _cancelledWithoutWallet(o, party, id);
            _BOOKS.hit("cancelOrderMinusFee");
        }
    }

    // ================================================================ time-outs (permissionless)

    function refundUnshipped(uint256 seed) external {
        (uint256 id, IDeliveryEscrow.Order memory o, ) = _pick(seed, _bit(IDeliveryEscrow.OrderStatus.AwaitingShipment));
        if (id == 0 || block.timestamp <= o.dueAt) return;
        _ESCROW.refundUnshipped(id);
        _refunded(o, IMembershipHooks.Party.Seller, IDeliveryEscrow.OrderStatus.Refunded, id);
        _BOOKS.hit("refundUnshipped");
    }

    function releaseUnchallenged(uint256 seed) external {
        (uint256 id, IDeliveryEscrow.Order memory o, address l) = _pick(seed, _bit(IDeliveryEscrow.OrderStatus.Shipped));
        if (id == 0 || block.timestamp <= o.dueAt) return;
        _ESCROW.releaseUnchallenged(id);
        _released(id, o, l);
        _BOOKS.hit("releaseUnchallenged");
    }

    function refundSuspended(uint256 seed) external {
        (uint256 id, IDeliveryEscrow.Order memory o, ) = _pick(seed, _bit(IDeliveryEscrow.OrderStatus.Suspended));
        if (id == 0) return;
        if (block.timestamp < o.dueAt) vm.warp(o.dueAt);
        _ESCROW.refundSuspended(id);
        _refunded(o, IMembershipHooks.Party.Seller, IDeliveryEscrow.OrderStatus.Refunded, id);
        _BOOKS.hit("refundSuspended");
    }

    // ================================================================ money out, rewards

    /// @notice A winner or the seller withdraws exactly what the books say the escrow owes it.
    function escrowWithdraw(uint256 seed) external {
        uint256 n = _MAIN.actorCount() + 1;
        for (uint256 k; k < n; ++k) {
            address who = _party(((seed % n) + k) % n);
            uint256 amount = _BOOKS.owed(who);
            if (amount == 0) continue;
            _withdraw(who, amount);
            _BOOKS.hit("escrowWithdraw");
            return;
        }
    }

    function vaultWithdraw() external {
        uint256 amount = _BOOKS.vaultHeld();
        if (amount == 0) {
            vm.expectRevert(abi.encodeWithSelector(IRevenueVault.NothingToWithdraw.selector, _RECIPIENT));
            vm.prank(_RECIPIENT);
            _VAULT.withdraw(_RECIPIENT);
            return;
        }
        vm.prank(_RECIPIENT);
        assertEq(_VAULT.withdraw(_RECIPIENT), amount, "vault paid out other than its intake");
        _BOOKS.vaultOut(amount);
        _BOOKS.hit("vaultWithdraw");
    }

    function fundRewards(uint256 fromSeed, uint256 amountSeed) external {
        uint256 amount = _bound(amountSeed, 1, 5 * 1e6);
        address from = _MAIN.actorAt(fromSeed % _MAIN.actorCount());
        vm.prank(from);
        _MEMBERSHIP.fundRewards(amount);
        _BOOKS.poolIn(amount);
        _BOOKS.hit("fundRewards");
    }

    /// @notice A member claims its rewards as credit on a token it holds: refused when there is nothing to claim or
    /// the pool is short, otherwise exactly the handler's own count moves from the pool to the token.
    function claimRewards(uint256 actorSeed, uint256 tokenSeed) external {
        address member = _MAIN.actorAt(actorSeed % _MAIN.actorCount());
        uint256 token = _tokenOf(member, tokenSeed);
        if (token == 0) return;
        uint256 amount = _BOOKS.claimable(member);
        uint256 pool = _BOOKS.pool();
        if (amount == 0) vm.expectRevert(abi.encodeWithSelector(IMembership.NothingToClaim.selector, member));
        else if (amount > pool) vm.expectRevert(abi.encodeWithSelector(IMembership.RewardPoolShort.selector, amount, pool));
        vm.prank(member);
        uint256 got = _MEMBERSHIP.claimRewards(token);
        if (amount == 0 || amount > pool) return;
        assertEq(got, amount, "claimed other than earned");
        _BOOKS.claimed(member);
        _BOOKS.poolOut(amount);
        _BOOKS.creditIn(token, amount);
        _BOOKS.hit("claimRewards");
    }

    // ================================================================ the end of a run

    /// @notice Every order ends by time through permissionless calls only (nobody votes, ships or releases): after the
    /// longest chain of clocks, unshipped orders are refunded, shipped ones released, disputes end by default,
    /// suspensions are refunded. Then every party withdraws and the recipient takes the vault's intake.
    function endOrdersByTime() external {
        // Ship window, then a dispute's 30 days, or a confirmation window: 60 days cover every chain.
        vm.warp(block.timestamp + 61 days);
        for (uint256 i; i < _MAIN.listingCount(); ++i) {
            address l = address(_MAIN.listingAt(i));
            uint256 id = Listing(l).escrowOrderId();
            if (id == 0) continue;
            IDeliveryEscrow.Order memory o = _ESCROW.order(id);
            IDeliveryEscrow.OrderStatus s = o.status;
            if (s == IDeliveryEscrow.OrderStatus.AwaitingShipment) {
                _ESCROW.refundUnshipped(id);
                _refunded(o, IMembershipHooks.Party.Seller, IDeliveryEscrow.OrderStatus.Refunded, id);
            } else if (s == IDeliveryEscrow.OrderStatus.Shipped) {
                _ESCROW.releaseUnchallenged(id);
                _released(id, o, l);
            } else if (s == IDeliveryEscrow.OrderStatus.Disputed) {
                _settleExpired(id, o, l);
            } else if (s == IDeliveryEscrow.OrderStatus.Suspended) {
                _ESCROW.refundSuspended(id);
                _refunded(o, IMembershipHooks.Party.Seller, IDeliveryEscrow.OrderStatus.Refunded, id);
            }
            assertEq((_OPEN >> uint256(_ESCROW.order(id).status)) & 1, 0, "order still open");
            if ((_OPEN >> uint256(s)) & 1 == 1) _BOOKS.hit("endedByTime");
        }
        for (uint256 i; i <= _MAIN.actorCount(); ++i) {
            address who = _party(i);
            if (_BOOKS.owed(who) != 0) _withdraw(who, _BOOKS.owed(who));
        }
        if (_BOOKS.vaultHeld() != 0) {
            vm.prank(_RECIPIENT);
            _BOOKS.vaultOut(_VAULT.withdraw(_RECIPIENT));
        }
    }

    // ================================================================ internals

    uint256 private constant _AUTHORIZABLE =
        (1 << uint256(IDeliveryEscrow.OrderStatus.AwaitingShipment)) |
            (1 << uint256(IDeliveryEscrow.OrderStatus.Shipped));

    /// @dev Whether the initiator's window (from the order's opening) has closed; if so, expects the revert.
    function _expectLate(
        uint256 id,
        IDeliveryEscrow.Order memory o,
        IMembership.Policy memory policy
    ) private returns (bool late) {
        uint256 closesAt = uint256(o.openedAt) + policy.cancelWindow;
        late = policy.cancelWindow == 0 || block.timestamp > closesAt;
        if (late) vm.expectRevert(abi.encodeWithSelector(IMembership.CancelWindowClosed.selector, id, closesAt));
    }

    function _settleExpired(uint256 id, IDeliveryEscrow.Order memory o, address l) private {
        _ESCROW.settleExpiredDispute(id);
        IDeliveryEscrow.OrderStatus from = _disputedFrom[id];
        if (from == IDeliveryEscrow.OrderStatus.Shipped) _released(id, o, l);
        else if (from == IDeliveryEscrow.OrderStatus.Suspended) {
            _refunded(o, IMembershipHooks.Party.Seller, IDeliveryEscrow.OrderStatus.Refunded, id);
        } else _refunded(o, IMembershipHooks.Party.None, IDeliveryEscrow.OrderStatus.Refunded, id);
    }

    /// @dev A release: the seller is owed P (settlement orders pay no fee here: the platform's is the markup), the
    /// winner has the deed, the completion is counted and rewarded at the winner's tier (capped by the markup).
    function _released(uint256 id, IDeliveryEscrow.Order memory o, address l) private {
        assertEq(uint256(_ESCROW.order(id).status), uint256(IDeliveryEscrow.OrderStatus.Released), "not released");
        assertEq(_DEED.ownerOf(o.deedId), o.buyer, "deed not with the winner");
        _BOOKS.owe(_SELLER, o.paid);
        _BOOKS.completed(o.buyer, _SELLER, o.amount, _MAIN.markupOf(l), _MAIN.sellerVerified());
    }

    /// @dev A refund of everything paid to the winner's escrow balance; the deed is back with the seller.
    function _refunded(
        IDeliveryEscrow.Order memory o,
        IMembershipHooks.Party party,
        IDeliveryEscrow.OrderStatus status,
        uint256 id
    ) private {
        _BOOKS.owe(o.buyer, o.paid);
        _cancelledWithoutWallet(o, party, id);
        assertEq(uint256(_ESCROW.order(id).status), uint256(status), "refund status");
    }

    function _cancelledWithoutWallet(IDeliveryEscrow.Order memory o, IMembershipHooks.Party party, uint256 id) private {
        assertEq(_DEED.ownerOf(o.deedId), _SELLER, "deed not back with the seller");
        assertEq((_OPEN >> uint256(_ESCROW.order(id).status)) & 1, 0, "cancelled order still open");
        _BOOKS.cancelled(o.buyer, _SELLER, party, _MAIN.sellerVerified());
    }

    function _withdraw(address who, uint256 amount) private {
        uint256 before = _USDC.balanceOf(who);
        vm.prank(who);
        assertEq(_ESCROW.withdraw(who), amount, "escrow paid other than owed");
        assertEq(_USDC.balanceOf(who), before + amount, "withdrawal not received");
        _BOOKS.withdrawn(who, amount);
    }

    /// @dev The first settlement order, from the seed's listing on, whose status is in `mask`.
    function _pick(
        uint256 seed,
        uint256 mask
    ) private view returns (uint256 id, IDeliveryEscrow.Order memory o, address l) {
        uint256 n = _MAIN.listingCount();
        for (uint256 i; i < n; ++i) {
            l = address(_MAIN.listingAt(((seed % n) + i) % n));
            id = Listing(l).escrowOrderId();
            if (id == 0) continue;
            o = _ESCROW.order(id);
            if ((mask >> uint256(o.status)) & 1 == 1) return (id, o, l);
        }
        return (0, o, address(0));
    }

    function _tokenOf(address actor, uint256 seed) private view returns (uint256) {
        uint256 n = _MAIN.tokenCount();
        for (uint256 i; i < n; ++i) {
            uint256 t = _MAIN.tokenAt(((seed % n) + i) % n);
            if (_BID_TOKEN.ownerOf(t) == actor) return t;
        }
        return 0;
    }

    function _party(uint256 i) private view returns (address) {
        return i == _MAIN.actorCount() ? _SELLER : _MAIN.actorAt(i);
    }

    function _bit(IDeliveryEscrow.OrderStatus s) private pure returns (uint256) {
        return 1 << uint256(s);
    }
}
