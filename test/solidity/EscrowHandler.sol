// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CommonBase} from "forge-std/Base.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {StdAssertions} from "forge-std/StdAssertions.sol";
import {Marketplace} from "../../contracts/Marketplace.sol";
import {AssetDeed} from "../../contracts/AssetDeed.sol";
import {DeliveryEscrow} from "../../contracts/DeliveryEscrow.sol";
import {MockUSDC} from "../../contracts/mocks/MockUSDC.sol";
import {IMarketplace} from "../../contracts/interfaces/IMarketplace.sol";
import {IDeliveryEscrow} from "../../contracts/interfaces/IDeliveryEscrow.sol";
import {IMembershipHooks} from "../../contracts/interfaces/IMembershipHooks.sol";
import {OrderStatuses} from "./OrderStatuses.sol";

/// @title FakeListing
/// @notice Test-only stand-in for a settled listing: the marketplace's `isListing` is mocked true for it, so it can
/// open, assign and void one settlement order with a real deed and real USDC.
contract FakeListing {
    /// @notice Opens the settlement order.
    function open(DeliveryEscrow escrow, MockUSDC usdc, AssetDeed deed, address seller, uint256 amount, uint256 deedId)
        external
        returns (uint256)
    {
        usdc.approve(address(escrow), amount);
        deed.approve(address(escrow), deedId);
        return escrow.openSettlementOrder(seller, amount, deedId);
    }

    /// @notice Assigns the drawn winner.
    function assign(DeliveryEscrow escrow, address buyer) external {
        escrow.assignBuyer(buyer);
    }

    /// @notice Voids the order (the draw failed).
    function voidIt(DeliveryEscrow escrow) external {
        escrow.voidOrder();
    }
}

/// @title EscrowHandler
/// @notice Test-only invariant handler for the delivery escrow alone: random buyers open direct and deposit orders,
/// fake listings open settlement orders with real deeds, and every release, refund, dispute, cancellation, cash
/// option and withdrawal path runs while time passes.
/// @dev Each action skips when its precondition does not hold, so `failOnRevert` reports any revert as a failure.
contract EscrowHandler is CommonBase, StdUtils, StdAssertions {
    uint256 private constant MAX_ORDERS = 24;
    uint256 private constant FIRST_FREE_REASON = 16;

    MockUSDC private immutable _USDC;
    Marketplace private immutable _MARKETPLACE;
    AssetDeed private immutable _DEED;
    DeliveryEscrow private immutable _ESCROW;
    address private immutable _SELLER;
    uint256 private immutable _SELLER_KEY;
    address private immutable _ARBITER;

    address[] private _buyers;
    mapping(address buyer => uint256) private _keys;
    uint256[] private _orderIds;
    mapping(uint256 orderId => bytes) private _codes;
    /// @notice Every deed ever placed in an order, and the order.
    uint256[] public deeds;
    mapping(uint256 deedId => uint256 orderId) public orderOfDeed;
    /// @notice How often each action did real work.
    mapping(string action => uint256) public calls;

    constructor(
        MockUSDC usdc,
        Marketplace marketplace,
        AssetDeed deed,
        DeliveryEscrow escrow,
        address seller,
        uint256 sellerKey,
        address arbiter,
        address[] memory buyers,
        uint256[] memory keys
    ) {
        _USDC = usdc;
        _MARKETPLACE = marketplace;
        _DEED = deed;
        _ESCROW = escrow;
        _SELLER = seller;
        _SELLER_KEY = sellerKey;
        _ARBITER = arbiter;
        _buyers = buyers;
        for (uint256 i; i < buyers.length; ++i) _keys[buyers[i]] = keys[i];
    }

    // ---------------------------------------------------------------- opening

    function openDirect(uint256 buyerSeed, uint256 amountSeed, uint256 bpsSeed, bool withCode) external {
        if (_orderIds.length >= MAX_ORDERS) return;
        address buyer = _buyer(buyerSeed);
        uint256 amount = bound(amountSeed, 1e6, 50_000e6);
        uint16 bps = bpsSeed % 2 == 0 ? 10_000 : uint16(bound(bpsSeed, 100, 9_999));
        bytes memory code = abi.encodePacked(keccak256(abi.encode(amountSeed, _orderIds.length)));
        // The seller's signed offer, reserved for this buyer, one nonce per order.
        IDeliveryEscrow.Offer memory offer = IDeliveryEscrow.Offer({
            seller: _SELLER,
            buyer: buyer,
            item: keccak256(abi.encode("item", _orderIds.length)),
            amount: amount,
            shipWindow: bound(bpsSeed, 1 hours, 20 days),
            upfrontBps: bps,
            expiry: block.timestamp + 1 hours,
            nonce: _orderIds.length
        });
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_SELLER_KEY, _ESCROW.offerDigest(offer));
        vm.prank(buyer);
        uint256 orderId = _ESCROW.openOrder(
            offer,
            abi.encodePacked(r, s, v),
            withCode ? keccak256(code) : bytes32(0),
            withCode ? 32 : 0
        );
        if (withCode) _codes[orderId] = code;
        _orderIds.push(orderId);
        ++calls["openDirect"];
    }

    function openSettlement(uint256 buyerSeed, uint256 amountSeed, uint256 mode) external {
        if (_orderIds.length >= MAX_ORDERS) return;
        FakeListing listing = new FakeListing();
        vm.mockCall(
            address(_MARKETPLACE),
            abi.encodeCall(IMarketplace.isListing, (address(listing))),
            abi.encode(true)
        );
        vm.startPrank(_SELLER);
        (, uint256 deedId) = _MARKETPLACE.submitAsset("ipfs://asset", keccak256(abi.encode(amountSeed)));
        _DEED.transferFrom(_SELLER, address(listing), deedId);
        vm.stopPrank();
        uint256 amount = bound(amountSeed, 1e6, 100_000e6);
        _USDC.mint(address(listing), amount);
        uint256 orderId = listing.open(_ESCROW, _USDC, _DEED, _SELLER, amount, deedId);
        deeds.push(deedId);
        orderOfDeed[deedId] = orderId;
        _orderIds.push(orderId);
        // Most draws succeed; some stay pending for a while, a few fail and void the order.
        if (mode % 5 == 0) {
            listing.voidIt(_ESCROW);
            assertEq(_DEED.ownerOf(deedId), _SELLER, "voided deed not returned");
        } else if (mode % 5 != 1) {
            listing.assign(_ESCROW, _buyer(buyerSeed));
        }
        ++calls["openSettlement"];
    }

    // ---------------------------------------------------------------- buyer and seller actions

    function payBalance(uint256 seed) external {
        (uint256 id, IDeliveryEscrow.Order memory o) = _pick(seed, _OPEN);
        if (id == 0 || o.paid == o.amount) return;
        vm.prank(o.buyer);
        _ESCROW.payBalance(id);
        ++calls["payBalance"];
    }

    function markShipped(uint256 seed) external {
        (uint256 id, IDeliveryEscrow.Order memory o) = _pick(seed, _bit(IDeliveryEscrow.OrderStatus.AwaitingShipment));
        if (id == 0 || block.timestamp > o.dueAt) return;
        vm.prank(_SELLER);
        _ESCROW.markShipped(id, keccak256(abi.encode("trk", id)));
        ++calls["markShipped"];
    }

    function release(uint256 seed) external {
        (uint256 id, IDeliveryEscrow.Order memory o) = _pick(seed, _OPEN);
        if (id == 0 || o.paid != o.amount) return;
        vm.prank(o.buyer);
        _ESCROW.release(id);
        _afterRelease(id, o);
        ++calls["release"];
    }

    function releaseWithSignature(uint256 seed) external {
        (uint256 id, IDeliveryEscrow.Order memory o) = _pick(seed, _AUTHORIZABLE);
        if (id == 0 || o.paid != o.amount) return;
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_keys[o.buyer], _ESCROW.authorizationDigest(id, deadline));
        vm.prank(_SELLER);
        _ESCROW.releaseWithSignature(id, deadline, abi.encodePacked(r, s, v));
        _afterRelease(id, o);
        ++calls["releaseWithSignature"];
    }

    function releaseWithCode(uint256 seed, bool right) external {
        (uint256 id, IDeliveryEscrow.Order memory o) = _pickWithCode(seed);
        if (id == 0 || o.paid != o.amount) return;
        vm.prank(_SELLER);
        bool released = _ESCROW.releaseWithCode(id, right ? _codes[id] : abi.encodePacked(seed));
        assertEq(released, right, "code outcome");
        if (released) _afterRelease(id, o);
        if (_ESCROW.order(id).status == IDeliveryEscrow.OrderStatus.Suspended) ++calls["suspended"];
        ++calls[right ? "releaseWithCode" : "wrongCode"];
    }

    function releaseUnchallenged(uint256 seed) external {
        (uint256 id, IDeliveryEscrow.Order memory o) = _pick(seed, _bit(IDeliveryEscrow.OrderStatus.Shipped));
        if (id == 0 || block.timestamp <= o.dueAt) return;
        _endShipped(id, o, abi.encodeCall(IDeliveryEscrow.releaseUnchallenged, (id)));
        ++calls[o.paid == o.amount ? "releaseUnchallenged" : "depositForfeited"];
    }

    function refundUnshipped(uint256 seed) external {
        (uint256 id, IDeliveryEscrow.Order memory o) = _pick(seed, _bit(IDeliveryEscrow.OrderStatus.AwaitingShipment));
        if (id == 0 || block.timestamp <= o.dueAt) return;
        // Permissionless: a keeper (here the handler) ends it.
        _refundedBy(o, abi.encodeCall(IDeliveryEscrow.refundUnshipped, (id)), address(this));
        ++calls["refundUnshipped"];
    }

    /// @dev Lets a dispute's time run out (disputes are few, so the run would seldom wait 30 days) and ends it by its
    /// default outcome: what the order's own clock would have done.
    function settleExpiredDispute(uint256 seed) external {
        (uint256 id, IDeliveryEscrow.Order memory o) = _pick(seed, _bit(IDeliveryEscrow.OrderStatus.Disputed));
        if (id == 0) return;
        if (block.timestamp <= o.dueAt) vm.warp(uint256(o.dueAt) + 1);
        bytes memory call_ = abi.encodeCall(IDeliveryEscrow.settleExpiredDispute, (id));
        if (_disputedFrom[id] == IDeliveryEscrow.OrderStatus.Shipped) {
            _endShipped(id, o, call_);
        } else {
            _refundedBy(o, call_, address(this));
        }
        ++calls["settleExpiredDispute"];
    }

    function refundSuspended(uint256 seed) external {
        (uint256 id, IDeliveryEscrow.Order memory o) = _pick(seed, _bit(IDeliveryEscrow.OrderStatus.Suspended));
        if (id == 0) return;
        // The suspension period passes (suspensions are rare, so the run would seldom wait for one).
        if (block.timestamp < o.dueAt) vm.warp(o.dueAt);
        _refundedBy(o, abi.encodeCall(IDeliveryEscrow.refundSuspended, (id)), address(this));
        ++calls["refundSuspended"];
    }

    function takeCash(uint256 seed) external {
        uint256 mask = _bit(IDeliveryEscrow.OrderStatus.AwaitingShipment) |
            _bit(IDeliveryEscrow.OrderStatus.Shipped) |
            _bit(IDeliveryEscrow.OrderStatus.Suspended);
        (uint256 id, IDeliveryEscrow.Order memory o) = _pick(seed, mask);
        if (id == 0 || o.listing == address(0)) return;
        if (o.trackingHash != bytes32(0)) {
            vm.prank(o.buyer);
            vm.expectRevert(abi.encodeWithSelector(IDeliveryEscrow.AlreadyShipped.selector, id, o.trackingHash));
            _ESCROW.takeCash(id);
            ++calls["takeCashRefused"];
            return;
        }
        _refundedBy(o, abi.encodeCall(IDeliveryEscrow.takeCash, (id)), o.buyer);
        ++calls["takeCash"];
    }

    function openDispute(uint256 seed, bool bySeller) external {
        uint256 mask = _OPEN & ~_bit(IDeliveryEscrow.OrderStatus.Disputed);
        (uint256 id, IDeliveryEscrow.Order memory o) = _pick(seed, mask);
        if (id == 0) return;
        vm.prank(bySeller ? _SELLER : o.buyer);
        if (o.status != IDeliveryEscrow.OrderStatus.Suspended && block.timestamp > o.dueAt) {
            vm.expectRevert(abi.encodeWithSelector(IDeliveryEscrow.DisputeWindowClosed.selector, id, o.dueAt));
            _ESCROW.openDispute(id);
            ++calls["lateDisputeRefused"];
            return;
        }
        _ESCROW.openDispute(id);
        _disputedFrom[id] = o.status;
        ++calls["openDispute"];
    }

    function vote(uint256 seed, uint8 voter, uint8 outcome, uint16 bps) external {
        (uint256 id, IDeliveryEscrow.Order memory o) = _pick(seed, _bit(IDeliveryEscrow.OrderStatus.Disputed));
        if (id == 0) return;
        IDeliveryEscrow.Outcome out = IDeliveryEscrow.Outcome((outcome % 3) + 1);
        if (out == IDeliveryEscrow.Outcome.Release && o.paid != o.amount) return;
        // Few distinct splits, so that two votes agree often enough.
        uint16 sellerBps = uint16((bps % 3) * 5_000);
        address who = voter % 3 == 0 ? o.buyer : voter % 3 == 1 ? _SELLER : _ARBITER;
        uint256 sellerBefore = _ESCROW.owedTo(_SELLER);
        uint256 buyerBefore = _ESCROW.owedTo(o.buyer);
        uint256 feesBefore = _ESCROW.feesHeld();
        vm.prank(who);
        _ESCROW.vote(id, out, sellerBps);
        IDeliveryEscrow.Order memory after_ = _ESCROW.order(id);
        if (after_.status != IDeliveryEscrow.OrderStatus.Disputed) {
            // Both credits and the platform fee together are exactly what was paid in.
            assertEq(
                _ESCROW.owedTo(_SELLER) - sellerBefore + _ESCROW.owedTo(o.buyer) - buyerBefore +
                    _ESCROW.feesHeld() - feesBefore,
                o.paid,
                "dispute credits != paid"
            );
            ++calls["disputeResolved"];
        }
        ++calls["vote"];
    }

    function agreeToCancel(uint256 seed, uint8 reason) external {
        (uint256 id, IDeliveryEscrow.Order memory o) = _pick(seed, _OPEN);
        if (id == 0) return;
        uint8 r = uint8(FIRST_FREE_REASON + (reason % 4));
        vm.prank(o.buyer);
        _ESCROW.agreeToCancel(id, IMembershipHooks.Party.Both, r);
        _refundedBy(
            o,
            abi.encodeCall(IDeliveryEscrow.agreeToCancel, (id, IMembershipHooks.Party.Both, r)),
            _SELLER
        );
        ++calls["agreeToCancel"];
    }

    function withdraw(uint256 seed) external {
        address who = seed % (_buyers.length + 1) == _buyers.length ? _SELLER : _buyer(seed);
        uint256 owed = _ESCROW.owedTo(who);
        if (owed == 0) return;
        uint256 before = _USDC.balanceOf(who);
        vm.prank(who);
        assertEq(_ESCROW.withdraw(who), owed, "withdrawn != owed");
        assertEq(_USDC.balanceOf(who), before + owed, "withdrawal not received");
        assertEq(_ESCROW.owedTo(who), 0, "credit not cleared");
        ++calls["withdraw"];
    }

    function warp(uint256 seed) external {
        vm.warp(block.timestamp + bound(seed, 1 minutes, 10 days));
        ++calls["warp"];
    }

    /// @notice Lets every bounded time run out and ends every open order with a permissionless call only (nobody
    /// votes, releases or pays anything more): unshipped orders are refunded, shipped ones released (or their deposit
    /// forfeited), disputes end by default, suspensions are refunded. Then every credit is withdrawn and the fees
    /// swept, so that the escrow must end holding nothing. A pending draw is the listing's to end (assigned here).
    function endEverythingByTime() external {
        for (uint256 i; i < _orderIds.length; ++i) {
            IDeliveryEscrow.Order memory o = _ESCROW.order(_orderIds[i]);
            if (o.status == IDeliveryEscrow.OrderStatus.AwaitingDraw) FakeListing(o.listing).assign(_ESCROW, _buyers[0]);
        }
        // Longest chain of clocks: the 30-day ship window, then a dispute (30 days), or a confirmation window.
        vm.warp(block.timestamp + 61 days);
        for (uint256 i; i < _orderIds.length; ++i) {
            uint256 id = _orderIds[i];
            IDeliveryEscrow.OrderStatus s = _ESCROW.order(id).status;
            if (s == IDeliveryEscrow.OrderStatus.AwaitingShipment) _ESCROW.refundUnshipped(id);
            else if (s == IDeliveryEscrow.OrderStatus.Shipped) _ESCROW.releaseUnchallenged(id);
            else if (s == IDeliveryEscrow.OrderStatus.Disputed) _ESCROW.settleExpiredDispute(id);
            else if (s == IDeliveryEscrow.OrderStatus.Suspended) _ESCROW.refundSuspended(id);
            assertEq((_OPEN >> uint256(_ESCROW.order(id).status)) & 1, 0, "order still open");
        }
        for (uint256 i; i <= _buyers.length; ++i) {
            address who = i == _buyers.length ? _SELLER : _buyers[i];
            if (_ESCROW.owedTo(who) == 0) continue;
            vm.prank(who);
            _ESCROW.withdraw(who);
        }
        if (_ESCROW.feesHeld() != 0) _ESCROW.sweepFees();
    }

    // ---------------------------------------------------------------- views for the invariants

    function orderCount() external view returns (uint256) {
        return _orderIds.length;
    }

    function orderAt(uint256 i) external view returns (uint256) {
        return _orderIds[i];
    }

    function deedCount() external view returns (uint256) {
        return deeds.length;
    }

    function partyCount() external view returns (uint256) {
        return _buyers.length + 1;
    }

    function partyAt(uint256 i) external view returns (address) {
        return i == _buyers.length ? _SELLER : _buyers[i];
    }

    // ---------------------------------------------------------------- helpers

    uint256 private constant _OPEN = OrderStatuses.OPEN;
    uint256 private constant _AUTHORIZABLE =
        (1 << uint256(IDeliveryEscrow.OrderStatus.AwaitingShipment)) |
            (1 << uint256(IDeliveryEscrow.OrderStatus.Shipped));

    mapping(uint256 orderId => IDeliveryEscrow.OrderStatus) private _disputedFrom;

    /// @dev Runs the call that ends a shipped order by time: the seller is credited the price less the platform fee
    /// when paid in full, else the deposit (forfeited by the buyer).
    function _endShipped(uint256 id, IDeliveryEscrow.Order memory o, bytes memory data) private {
        uint256 before = _ESCROW.owedTo(_SELLER);
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, ) = address(_ESCROW).call(data);
        assertTrue(ok, "ending call reverted");
        uint256 credited = _ESCROW.owedTo(_SELLER) - before;
        if (o.paid == o.amount) {
            _afterRelease(id, o);
            assertEq(credited, o.amount - (uint256(o.amount) * o.feeBps) / 10_000, "seller credit != price - fee");
        } else {
            assertEq(uint256(_ESCROW.order(id).status), uint256(IDeliveryEscrow.OrderStatus.Split), "not forfeited");
            assertEq(credited, o.paid, "forfeit != deposit");
        }
    }

    function _afterRelease(uint256 id, IDeliveryEscrow.Order memory o) private view {
        assertEq(uint256(_ESCROW.order(id).status), uint256(IDeliveryEscrow.OrderStatus.Released), "not released");
        if (o.listing != address(0)) assertEq(_DEED.ownerOf(o.deedId), o.buyer, "deed not with the buyer");
    }

    /// @dev Runs a refunding call as `caller` and checks the buyer got exactly what it paid, and the deed went back.
    function _refundedBy(IDeliveryEscrow.Order memory o, bytes memory data, address caller) private {
        uint256 before = _ESCROW.owedTo(o.buyer);
        vm.prank(caller);
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, ) = address(_ESCROW).call(data);
        assertTrue(ok, "refunding call reverted");
        assertEq(_ESCROW.owedTo(o.buyer), before + o.paid, "refund != paid");
        if (o.listing != address(0)) assertEq(_DEED.ownerOf(o.deedId), _SELLER, "deed not returned");
    }

    function _pick(uint256 seed, uint256 mask) private view returns (uint256 id, IDeliveryEscrow.Order memory o) {
        uint256 n = _orderIds.length;
        for (uint256 i; i < n; ++i) {
            uint256 candidate = _orderIds[((seed % n) + i) % n];
            o = _ESCROW.order(candidate);
            if ((mask >> uint256(o.status)) & 1 == 1) return (candidate, o);
        }
        return (0, o);
    }

    function _pickWithCode(uint256 seed) private view returns (uint256 id, IDeliveryEscrow.Order memory o) {
        uint256 n = _orderIds.length;
        for (uint256 i; i < n; ++i) {
            uint256 candidate = _orderIds[((seed % n) + i) % n];
            o = _ESCROW.order(candidate);
            if ((_AUTHORIZABLE >> uint256(o.status)) & 1 == 1 && o.codeHash != bytes32(0)) return (candidate, o);
        }
        return (0, o);
    }

    function _bit(IDeliveryEscrow.OrderStatus s) private pure returns (uint256) {
        return 1 << uint256(s);
    }

    function _buyer(uint256 seed) private view returns (address) {
        return _buyers[seed % _buyers.length];
    }
}
