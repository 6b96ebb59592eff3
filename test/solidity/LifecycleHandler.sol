// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {VRFCoordinatorV2_5Mock} from "@chainlink/contracts/src/v0.8/vrf/mocks/VRFCoordinatorV2_5Mock.sol";
import {Marketplace} from "../../contracts/Marketplace.sol";
import {BidToken} from "../../contracts/BidToken.sol";
import {AssetDeed} from "../../contracts/AssetDeed.sol";
import {DeliveryEscrow} from "../../contracts/DeliveryEscrow.sol";
import {RevenueVault} from "../../contracts/RevenueVault.sol";
import {Membership} from "../../contracts/Membership.sol";
import {ListingSeries} from "../../contracts/ListingSeries.sol";
import {Listing} from "../../contracts/Listing.sol";
import {MockUSDC} from "../../contracts/mocks/MockUSDC.sol";
import {IMarketplace} from "../../contracts/interfaces/IMarketplace.sol";
import {IListing} from "../../contracts/interfaces/IListing.sol";
import {IListingSeries} from "../../contracts/interfaces/IListingSeries.sol";
import {IMembership} from "../../contracts/interfaces/IMembership.sol";
import {IDeliveryEscrow} from "../../contracts/interfaces/IDeliveryEscrow.sol";
import {LifecycleBooks} from "./LifecycleBooks.sol";
import {ListingHandlerBase} from "./ListingHandlerBase.sol";

/// @title LifecycleHandler
/// @notice Test-only invariant handler: the seller proposes series of its assets, the operator approves them, the
/// seller accepts (its deeds go into the series' custody) or cancels, listings of the series open one after another
/// (by anyone or by the keeper); tiered members buy (also through an approved operator spending the token's credit),
/// cancel purchases by their tier's refund mode, pass tokens around mid-sale, and the draw runs while the VRF
/// coordinator refuses requests now and then or is replaced between draws. Every money move is booked in
/// `LifecycleBooks` from the handler's own knowledge of the rules.
/// @dev Actions skip when their precondition does not hold, or predict the exact revert, so that `failOnRevert`
/// reports any unexpected revert.
contract LifecycleHandler is ListingHandlerBase {
    struct System {
        MockUSDC usdc;
        Marketplace marketplace;
        BidToken bidToken;
        AssetDeed deed;
        DeliveryEscrow escrow;
        RevenueVault vault;
        Membership membership;
        ListingSeries series;
        VRFCoordinatorV2_5Mock coordinatorA;
        uint256 subA;
        VRFCoordinatorV2_5Mock coordinatorB;
        uint256 subB;
        address admin;
        address seller;
        LifecycleBooks books;
    }

    /// @notice The handler's own view of a series.
    struct SeriesModel {
        IListingSeries.SeriesStatus status;
        uint256 count;
        uint256 opened;
        IListingSeries.Template template;
    }

    uint256 private constant MAX_SERIES = 4;
    uint256 private constant MAX_BUY = 8;

    Membership private immutable _MEMBERSHIP;
    ListingSeries private immutable _SERIES;
    LifecycleBooks private immutable _BOOKS;

    VRFCoordinatorV2_5Mock[2] private _coordinators;
    uint256[2] private _subIds;
    /// @notice The coordinator the marketplace uses now (0 or 1), and whether each refuses requests.
    uint256 public currentCoordinator;
    bool[2] public refusing;
    /// @notice Whether the seller is verified (the handler toggles it).
    bool public sellerVerified = true;

    // ---- series and deeds
    uint256[] private _seriesIds;
    mapping(uint256 seriesId => SeriesModel) private _model;
    uint256[] private _deeds;
    mapping(uint256 deedId => uint256) public deedSeries;
    mapping(uint256 deedId => uint256) public deedIndex;
    mapping(uint256 deedId => Listing) public deedListing;

    // ---- listings
    mapping(address listing => uint256) public listingSeriesId;
    mapping(address listing => IListing.Status) private _seen;
    mapping(address listing => bool) private _known;
    mapping(address listing => uint256) public paidIn;
    mapping(address listing => uint256) public cancelledStakes;
    mapping(address listing => uint256) public feesKept;
    mapping(address listing => bool) public collected;
    mapping(address listing => bool) public priceInEscrow;
    mapping(address listing => mapping(uint256 tokenId => uint256)) public stakesOf;
    mapping(address listing => mapping(uint256 tokenId => uint256)) private _walletPaid;
    mapping(address listing => mapping(uint256 tokenId => uint256)) private _lastPurchase;
    mapping(address listing => mapping(uint256 tokenId => uint256)) private _lastPurchaseAt;
    mapping(address listing => mapping(uint256 tokenId => bool)) private _lastCancelled;

    // ---- bid tokens
    mapping(uint256 tokenId => bool) private _knownToken;

    constructor(
        System memory s,
        address[] memory actors_
    )
        ListingHandlerBase(
            Core(s.usdc, s.marketplace, s.bidToken, s.deed, s.escrow, s.vault, s.admin, s.seller),
            actors_
        )
    {
        _MEMBERSHIP = s.membership;
        _SERIES = s.series;
        _BOOKS = s.books;
        _coordinators[0] = s.coordinatorA;
        _coordinators[1] = s.coordinatorB;
        _subIds[0] = s.subA;
        _subIds[1] = s.subB;
    }

    function _hit(string memory action) internal override {
        _BOOKS.hit(action);
    }

    // ================================================================ item 1: series

    /// @notice The seller submits one to three assets and proposes them as a series.
    function proposeSeries(uint256 countSeed) external {
        if (_seriesIds.length >= MAX_SERIES || !sellerVerified || _MARKETPLACE.paused()) return;
        uint256 count = _bound(countSeed, 1, 3);
        uint256[] memory applications = new uint256[](count);
        uint256[] memory deedIds = new uint256[](count);
        vm.startPrank(_SELLER);
        for (uint256 i; i < count; ++i) {
            (applications[i], deedIds[i]) = _MARKETPLACE.submitAsset(
                "ipfs://series-asset",
                keccak256(abi.encode(countSeed, _deeds.length, i))
            );
        }
        uint256 seriesId = _SERIES.proposeSeries(applications);
        vm.stopPrank();
        _seriesIds.push(seriesId);
        _model[seriesId].status = IListingSeries.SeriesStatus.Proposed;
        _model[seriesId].count = count;
        for (uint256 i; i < count; ++i) {
            _deeds.push(deedIds[i]);
            deedSeries[deedIds[i]] = seriesId;
            deedIndex[deedIds[i]] = i;
            assertEq(_DEED.ownerOf(deedIds[i]), _SELLER, "proposed deed left the seller");
        }
        _BOOKS.hit("proposeSeries");
    }

    /// @notice The operator approves (or re-approves) a proposed series with one of a few templates.
    function approveSeries(uint256 seed, uint256 templateSeed) external {
        uint256 id = _pickSeries(seed, IListingSeries.SeriesStatus.Proposed, IListingSeries.SeriesStatus.Approved);
        if (id == 0) return;
        IListingSeries.Template memory t = IListingSeries.Template({
            price: uint96(100 * 1e6),
            stakePrice: uint96(10 * 1e6),
            stakeCount: 20,
            threshold: uint64(10 + (templateSeed % 3)),
            duration: uint40(1 days),
            gap: uint40((templateSeed % 3) * 1 hours),
            startsAt: templateSeed % 2 == 0 ? 0 : uint40(block.timestamp + 3 hours),
            category: 7,
            drawAtSellOut: templateSeed % 3 == 0
        });
        vm.prank(_ADMIN);
        bytes32 termsHash = _SERIES.approveSeries(id, t);
        assertEq(termsHash, keccak256(abi.encode(t)), "terms hash");
        _model[id].status = IListingSeries.SeriesStatus.Approved;
        _model[id].template = t;
        _BOOKS.hit("approveSeries");
    }

    /// @notice The seller accepts an approved series: every deed goes into custody, the first listing may open.
    function acceptSeries(uint256 seed) external {
        uint256 id = _pickSeries(seed, IListingSeries.SeriesStatus.Approved, IListingSeries.SeriesStatus.Approved);
        if (id == 0) return;
        SeriesModel storage m = _model[id];
        if (!sellerVerified) {
            vm.expectRevert(abi.encodeWithSelector(IMarketplace.NotVerifiedSeller.selector, _SELLER));
        } else if (_MARKETPLACE.paused()) {
            vm.expectRevert(IListingSeries.MarketplacePaused.selector);
        }
        vm.prank(_SELLER);
        address first = _SERIES.acceptSeries(id, m.template);
        if (!sellerVerified || _MARKETPLACE.paused()) return;
        m.status = IListingSeries.SeriesStatus.Active;
        assertEq(first != address(0), m.template.startsAt <= block.timestamp, "first listing opened off schedule");
        _afterSeriesMoves(id);
        _BOOKS.hit("acceptSeries");
    }

    /// @notice Anyone opens the next listing of a due series.
    function openNextInSeries(uint256 seed) external {
        uint256 id = _pickSeries(seed, IListingSeries.SeriesStatus.Active, IListingSeries.SeriesStatus.Active);
        if (id == 0) return;
        if (!_SERIES.isDue(id)) {
            Listing current = _currentOf(id);
            if (address(current) != address(0) && _running(current) && sellerVerified && !_MARKETPLACE.paused()) {
                vm.expectRevert(
                    abi.encodeWithSelector(
                        IListingSeries.PreviousListingRunning.selector,
                        id,
                        address(current),
                        current.status()
                    )
                );
                _SERIES.openNextInSeries(id);
                _BOOKS.hit("openNextRefused");
            }
            return;
        }
        address listing = _SERIES.openNextInSeries(id);
        assertTrue(listing != address(0));
        _afterSeriesMoves(id);
        _BOOKS.hit("openNextInSeries");
    }

    /// @notice The seller or the operator cancels a series not yet completed: deeds not yet listed go back.
    function cancelSeries(uint256 seed, bool byOperator) external {
        if (!_gate(seed, 3)) return;
        uint256 id = _pickSeries(seed, IListingSeries.SeriesStatus.Proposed, IListingSeries.SeriesStatus.Active);
        if (id == 0) return;
        SeriesModel storage m = _model[id];
        uint256 custodyBefore = _DEED.balanceOf(address(_SERIES));
        uint256 inCustody = m.status == IListingSeries.SeriesStatus.Active ? m.count - m.opened : 0;
        vm.prank(byOperator ? _ADMIN : _SELLER);
        _SERIES.cancelSeries(id, "test");
        m.status = IListingSeries.SeriesStatus.Cancelled;
        assertEq(_DEED.balanceOf(address(_SERIES)), custodyBefore - inCustody, "custody not returned");
        _BOOKS.hit("cancelSeries");
    }

    // ================================================================ buyers

    /// @notice A buyer buys on a listing, on one of its tokens or a new one.
    function buy(uint256 actorSeed, uint256 listingSeed, uint256 count, bool reuse) external {
        address actor = _actor(actorSeed);
        _buy(_listingReady(listingSeed), actor, actor, reuse ? _tokenOf(actor, count) : 0, count);
    }

    /// @notice Weighting: buying is what every other path depends on.
    function buyAgain(uint256 actorSeed, uint256 listingSeed, uint256 count) external {
        address actor = _actor(actorSeed);
        _buy(_listingReady(listingSeed), actor, actor, _tokenOf(actor, count), count);
    }

    /// @notice An operator the holder approved for one token buys on it: the token's credit is spent first, the
    /// operator's wallet pays the rest, the holder's wallet is untouched and the stakes are the token's.
    function buyAsOperator(uint256 ownerSeed, uint256 operatorSeed, uint256 listingSeed, uint256 count) external {
        address owner = _actor(ownerSeed);
        address operator = _actor(operatorSeed);
        uint256 token = _tokenOf(owner, count);
        if (token == 0 || operator == owner) return;
        vm.prank(owner);
        _BID_TOKEN.approve(operator, token);
        uint256 ownerWallet = _USDC.balanceOf(owner);
        if (_buy(_listingReady(listingSeed), operator, owner, token, count)) {
            assertEq(_USDC.balanceOf(owner), ownerWallet, "operator purchase charged the holder");
            assertEq(_BID_TOKEN.ownerOf(token), owner, "token moved");
            _BOOKS.hit("buyAsOperator");
        }
    }

    /// @notice Anyone tops up a held token.
    function topUp(uint256 tokenSeed, uint256 fromSeed, uint256 amountSeed) external {
        uint256 token = _anyToken(tokenSeed);
        if (token == 0 || _BID_TOKEN.ownerOf(token) == address(_BID_TOKEN)) return;
        uint256 amount = _bound(amountSeed, 1, 60 * 1e6);
        vm.prank(_actor(fromSeed));
        _BID_TOKEN.topUp(token, amount);
        _BOOKS.creditIn(token, amount);
        _BOOKS.hit("topUp");
    }

    /// @dev One cancellation in the making.
    struct Cancel {
        Listing l;
        uint256 token;
        address holder;
        uint256 count;
        uint256 wallet;
        uint256 credit;
        IMembership.Policy policy;
    }

    /// @notice A holder (or the operator it approved) cancels its token's latest purchase; the refund follows the
    /// holder's tier: Credit refunds nothing to the wallet, WalletMinusFee keeps at least the tier's fee, and the
    /// refund plus the fee is always the purchase's price. A refused cancellation changes nothing.
    function cancelPurchase(uint256 listingSeed, uint256 tokenSeed, bool viaOperator) external {
        Cancel memory c;
        c.l = _listingReady(listingSeed);
        c.token = _anyToken(tokenSeed);
        if (address(c.l) == address(0) || c.token == 0) return;
        uint256 stakes = stakesOf[address(c.l)][c.token];
        if (stakes == 0 || _lastCancelled[address(c.l)][c.token]) return;
        c.holder = _BID_TOKEN.ownerOf(c.token);
        address caller = viaOperator ? _actor((tokenSeed % 64) + 1) : c.holder;
        if (caller != c.holder) {
            vm.prank(c.holder);
            _BID_TOKEN.approve(caller, c.token);
        }
        c.policy = _BOOKS.policyOf(c.holder);
        uint256 index = _lastPurchase[address(c.l)][c.token];
        c.count = _countOf(c.l, index);
        c.wallet = _USDC.balanceOf(c.holder);
        c.credit = _BID_TOKEN.creditOf(c.token);
        vm.prank(caller);
        try c.l.cancelPurchase(index) returns (uint256 refund) {
            assertTrue(_cancellationTimely(c), "cancelled outside the window or cut-off");
            _afterCancel(c, refund);
            if (caller != c.holder) _BOOKS.hit("cancelByOperator");
        } catch {
            (uint256 held, ) = c.l.oddsOf(c.token);
            assertEq(held, stakes, "a refused cancellation changed the position");
            _BOOKS.hit("cancelRefused");
        }
    }

    /// @notice An actor registers (the `Registered` condition of the tiers).
    function register(uint256 actorSeed) external {
        address actor = _actor(actorSeed);
        if (_BOOKS.memberOf(actor).registered) {
            vm.expectRevert(abi.encodeWithSelector(IMembership.AlreadyRegistered.selector, actor));
        }
        vm.prank(actor);
        _MEMBERSHIP.register();
        _BOOKS.register(actor);
        _BOOKS.hit("register");
    }

    /// @notice A holder claims its refund from a failed or dissolved listing (collecting P back from the escrow
    /// first when a stalled draw left it there): its wallet gets exactly what its wallet paid, the rest is credit.
    function claimRefund(uint256 listingSeed, uint256 tokenSeed) external {
        Listing l = _listingWhere(listingSeed, _isRefunding);
        if (address(l) == address(0)) return;
        uint256 token = _anyToken(tokenSeed);
        if (token == 0) return;
        if (stakesOf[address(l)][token] == 0) {
            for (uint256 i; i < _tokens.length; ++i) {
                if (stakesOf[address(l)][_tokens[i]] != 0) token = _tokens[i];
            }
            if (stakesOf[address(l)][token] == 0) return;
        }
        _refund(l, token);
    }

    /// @notice Anyone collects a listing's markup (Settled) or its kept cancellation fees (Failed, Dissolved).
    function collect(uint256 listingSeed) external {
        Listing l = _listingWhere(listingSeed, _isCollectable);
        if (address(l) == address(0)) return;
        _collect(l);
    }

    // ================================================================ time, settlement, the draw

    function settle(uint256 listingSeed) external {
        Listing l = _listingWhere(listingSeed, _isSettleDue);
        if (address(l) == address(0)) return;
        _settle(l);
    }

    /// @notice The oracle usually answers (three seeds in four), time passes, the keeper runs once.
    function warpAndUpkeep(uint256 seed) external {
        if (!_gate(seed, 4)) _answerAll(seed);
        vm.warp(block.timestamp + _bound(seed, 30 minutes, 20 hours));
        vm.roll(block.number + 1);
        _upkeep();
        _BOOKS.hit("warp");
    }

    function fulfil(uint256 listingSeed, uint256 word) external {
        Listing l = _listingWhere(listingSeed, _isPending);
        if (address(l) == address(0)) return;
        _fulfil(l, word);
    }

    function finalize(uint256 listingSeed) external {
        Listing l = _listingWhere(listingSeed, _isDrawn);
        if (address(l) == address(0)) return;
        address winner = l.finalize();
        _syncAll();
        assertEq(uint256(l.status()), uint256(IListing.Status.Settled));
        (bool ready, , uint256 index) = l.winningStake();
        (uint256 token, , ) = l.purchase(index);
        assertTrue(ready && !l.isCancelled(index), "picked a cancelled purchase");
        assertEq(winner, _BID_TOKEN.ownerOf(token), "winner is not the picked token's holder");
        assertEq(_ESCROW.order(l.escrowOrderId()).buyer, winner, "order buyer is not the winner");
        _BOOKS.hit("finalize");
    }

    function expireDraw(uint256 listingSeed) external {
        Listing l = _listingWhere(listingSeed, _isPending);
        if (address(l) == address(0)) return;
        uint40 expiresAt = uint40(drawExpiresAt[address(l)]);
        if (block.timestamp < expiresAt) {
            vm.expectRevert(abi.encodeWithSelector(IListing.DrawNotExpired.selector, expiresAt));
            l.expireDraw();
            return;
        }
        l.expireDraw();
        _syncAll();
        _BOOKS.hit("expireDraw");
    }

    /// @notice A stalled draw left P and the deed in the escrow: anyone brings them back (Failed listings only).
    function recoverFunds(uint256 listingSeed) external {
        Listing l = _listingWhere(listingSeed, _isStalled);
        if (address(l) == address(0)) return;
        l.recoverFunds();
        _syncAll();
        _BOOKS.hit("recoverFunds");
    }

    // ================================================================ item 4: a hostile environment

    /// @notice The coordinator starts or stops refusing requests (the admin, its subscription's owner, removes or
    /// adds the marketplace as consumer). Gated: one call in four.
    function coordinatorRefuses(uint256 gate) external {
        if (!_gate(gate, 4)) return;
        uint256 c = currentCoordinator;
        vm.prank(_ADMIN);
        if (refusing[c]) _coordinators[c].addConsumer(_subIds[c], address(_MARKETPLACE));
        else _coordinators[c].removeConsumer(_subIds[c], address(_MARKETPLACE));
        refusing[c] = !refusing[c];
        _BOOKS.hit(refusing[c] ? "coordinatorRefuses" : "coordinatorServes");
    }

    /// @notice The admin moves the marketplace to the other coordinator: refused while a draw waits for its word
    /// (the pending draw still ends, by its word or its timeout), done otherwise.
    function reconfigureVrf(uint256 gate) external {
        if (!_gate(gate, 3)) return;
        uint256 pending = _MARKETPLACE.pendingDraws();
        uint256 next = 1 - currentCoordinator;
        IMarketplace.VrfConfig memory config = _MARKETPLACE.vrfConfig();
        config.coordinator = address(_coordinators[next]);
        config.subscriptionId = _subIds[next];
        if (pending != 0) vm.expectRevert(abi.encodeWithSelector(IMarketplace.DrawsInFlight.selector, pending));
        vm.prank(_ADMIN);
        _MARKETPLACE.setVrfConfig(config);
        if (pending != 0) {
            _BOOKS.hit("reconfigureRefused");
            return;
        }
        currentCoordinator = next;
        _BOOKS.hit("reconfigureVrf");
    }

    /// @notice An actor sends USDC straight to a listing, the escrow, the vault, the bid token or the membership.
    function donate(uint256 fromSeed, uint256 targetSeed, uint256 amountSeed) external {
        if (!_gate(amountSeed, 3)) return;
        uint256 n = _listings.length;
        uint256 pick = targetSeed % (n + 4);
        address target = pick < n ? address(_listings[pick]) : pick == n
            ? address(_ESCROW)
            : pick == n + 1
                ? address(_VAULT)
                : pick == n + 2
                    ? address(_BID_TOKEN)
                    : address(_MEMBERSHIP);
        uint256 amount = _bound(amountSeed, 1, 20 * 1e6);
        vm.prank(_actor(fromSeed));
        _USDC.transfer(target, amount);
        _BOOKS.donate(target, amount);
        _BOOKS.hit("donate");
    }

    /// @notice The verifier revokes or re-verifies the seller (gated: one call in ten).
    function toggleSeller(uint256 gate) external {
        if (!_gate(gate, 10)) return;
        vm.prank(_ADMIN);
        if (sellerVerified) _MARKETPLACE.revokeSeller(_SELLER, "test");
        else _MARKETPLACE.verifySeller(_SELLER, "test");
        sellerVerified = !sellerVerified;
        _BOOKS.hit("toggleSeller");
    }

    // ================================================================ the end of a run

    /// @notice Runs everything to its end with permissionless calls (and holders claiming their refunds): every
    /// series listing opens in turn and ends, every draw ends by its word or its timeout.
    function endListings() external {
        if (_MARKETPLACE.paused()) {
            vm.prank(_ADMIN);
            _MARKETPLACE.unpause();
        }
        if (!sellerVerified) {
            vm.prank(_ADMIN);
            _MARKETPLACE.verifySeller(_SELLER, "test");
            sellerVerified = true;
        }
        // Bounded: every round opens at least one listing of a series or ends every series.
        for (uint256 round; round <= 3 * MAX_SERIES + 1; ++round) {
            for (uint256 i; i < _listings.length; ++i) _runToEnd(_listings[i]);
            bool opened;
            for (uint256 i; i < _seriesIds.length; ++i) {
                uint256 id = _seriesIds[i];
                if (_model[id].status != IListingSeries.SeriesStatus.Active) continue;
                uint256 next = _SERIES.seriesOf(id).nextOpensAt;
                if (block.timestamp < next) vm.warp(next);
                if (!_SERIES.isDue(id)) continue;
                _SERIES.openNextInSeries(id);
                _afterSeriesMoves(id);
                opened = true;
            }
            if (!opened) break;
        }
        for (uint256 i; i < _seriesIds.length; ++i) {
            IListingSeries.SeriesStatus s = _model[_seriesIds[i]].status;
            if (s == IListingSeries.SeriesStatus.Proposed || s == IListingSeries.SeriesStatus.Approved) {
                vm.prank(_SELLER);
                _SERIES.cancelSeries(_seriesIds[i], "end");
                _model[_seriesIds[i]].status = IListingSeries.SeriesStatus.Cancelled;
            }
            assertTrue(_model[_seriesIds[i]].status != IListingSeries.SeriesStatus.Active, "series left active");
        }
    }

    /// @notice Pays out what the listings still hold: refunds and markups.
    function payListingsOut() external {
        for (uint256 i; i < _listings.length; ++i) {
            Listing l = _listings[i];
            if (_isRefunding(l)) {
                for (uint256 k; k < _tokens.length; ++k) if (stakesOf[address(l)][_tokens[k]] != 0) _refund(l, _tokens[k]);
            }
            if (_isCollectable(l)) _collect(l);
        }
    }

    // ================================================================ views for the invariants and OrderHandler
    // (listings, actors and tokens: ListingHandlerBase)

    function deedCount() external view returns (uint256) {
        return _deeds.length;
    }

    function deedAt(uint256 i) external view returns (uint256) {
        return _deeds[i];
    }

    function seriesCount() external view returns (uint256) {
        return _seriesIds.length;
    }

    function seriesAt(uint256 i) external view returns (uint256) {
        return _seriesIds[i];
    }

    /// @notice The handler's own state and progress of a series.
    function seriesModel(uint256 id) external view returns (IListingSeries.SeriesStatus status, uint256 opened) {
        return (_model[id].status, _model[id].opened);
    }

    /// @notice What a settled listing's order carries as markup for the reward cap: stakes sold × s − P.
    function markupOf(address l) external view returns (uint256) {
        (, IListing.Terms memory t) = Listing(l).charter();
        return paidIn[l] - t.price;
    }

    // ================================================================ internals: buying and cancelling

    /// @dev One purchase in the making (a struct: too many values for the stack).
    struct Buy {
        Listing l;
        address buyer;
        address holder;
        uint256 tokenId;
        uint256 count;
        uint256 cost;
        uint256 credit;
        uint256 spent;
        uint256 wallet;
        uint256 index;
        uint256 used;
    }

    /// @dev Buys `count` (bounded) stakes as `buyer` on `tokenId` held by `holder`; false if not on sale.
    function _buy(Listing l, address buyer, address holder, uint256 tokenId, uint256 countSeed) private returns (bool) {
        if (address(l) == address(0)) return false;
        Buy memory b = Buy(l, buyer, holder, tokenId, 0, 0, 0, 0, 0, 0, 0);
        {
            IListing.Terms memory t = _termsOf(l);
            uint256 sold = paidIn[address(l)] / t.stakePrice;
            if (!_isOnSale(l) || sold >= t.stakeCount) return false;
            uint256 remaining = t.stakeCount - sold;
            b.count = _bound(countSeed, 1, remaining < MAX_BUY ? remaining : MAX_BUY);
            b.cost = b.count * t.stakePrice;
        }
        if (_MARKETPLACE.paused()) {
            vm.expectRevert(abi.encodeWithSignature("SalesPaused()"));
            vm.prank(buyer);
            l.buy(tokenId, b.count);
            return false;
        }
        if (tokenId != 0 && _lanesFull(tokenId, address(l))) {
            // A token holds at most MAX_OPEN_POSITIONS open positions; a fifth listing is refused, not absorbed.
            vm.expectRevert(
                abi.encodeWithSignature(
                    "TooManyOpenPositions(uint256,uint256)",
                    tokenId,
                    _BID_TOKEN.MAX_OPEN_POSITIONS()
                )
            );
            vm.prank(buyer);
            l.buy(tokenId, b.count);
            return false;
        }
        b.credit = tokenId == 0 ? 0 : _BOOKS.credit(tokenId);
        b.spent = b.credit < b.cost ? b.credit : b.cost;
        b.wallet = _USDC.balanceOf(buyer);
        (, b.index) = l.sales();
        vm.prank(buyer);
        (b.used, ) = l.buy(tokenId, b.count);
        _recordBuy(b);
        return true;
    }

    function _recordBuy(Buy memory b) private {
        assertEq(_USDC.balanceOf(b.buyer), b.wallet - (b.cost - b.spent), "buyer charged wrongly");
        if (b.tokenId == 0) {
            if (!_knownToken[b.used]) {
                _knownToken[b.used] = true;
                _tokens.push(b.used);
            }
        } else {
            assertEq(b.used, b.tokenId, "token not used");
            assertEq(_BID_TOKEN.creditOf(b.tokenId), b.credit - b.spent, "credit not spent first");
        }
        assertEq(_BID_TOKEN.ownerOf(b.used), b.holder, "stakes not the holder's");
        address l = address(b.l);
        _BOOKS.creditOut(b.used, b.spent);
        _BOOKS.listingIn(l, b.cost);
        paidIn[l] += b.cost;
        stakesOf[l][b.used] += b.count;
        _walletPaid[l][b.used] += b.cost - b.spent;
        _lastPurchase[l][b.used] = b.index;
        _lastPurchaseAt[l][b.used] = block.timestamp;
        _lastCancelled[l][b.used] = false;
        _syncAll(); // a sell-out may make it due; nothing moves until settled
        _BOOKS.hit(b.tokenId == 0 ? "buyNew" : "buyReuse");
    }

    function _afterCancel(Cancel memory c, uint256 refund) private {
        address l = address(c.l);
        uint256 amount = c.count * _termsOf(c.l).stakePrice;
        assertLe(refund, amount, "refund above the price");
        uint256 fee = amount - refund;
        uint256 toWallet = _USDC.balanceOf(c.holder) - c.wallet;
        uint256 toCredit = _BID_TOKEN.creditOf(c.token) - c.credit;
        assertEq(toWallet + toCredit, refund, "holder not refunded the refund");
        uint256 walletPart = amount < _walletPaid[l][c.token] ? amount : _walletPaid[l][c.token];
        assertLe(toWallet, walletPart, "credit became wallet money");
        IMembership.RefundMode mode = c.policy.refundMode;
        if (mode == IMembership.RefundMode.Credit) assertEq(toWallet, 0, "Credit tier refunded to the wallet");
        if (mode == IMembership.RefundMode.WalletMinusFee) {
            assertGe(fee, (amount * c.policy.feeBps) / 10_000, "WalletMinusFee tier kept less than its fee");
        }
        _walletPaid[l][c.token] -= walletPart;
        _BOOKS.listingOut(l, refund);
        _BOOKS.creditIn(c.token, toCredit);
        _BOOKS.stakeCancelled(c.holder);
        feesKept[l] += fee;
        paidIn[l] -= amount;
        cancelledStakes[l] += c.count;
        stakesOf[l][c.token] -= c.count;
        _lastCancelled[l][c.token] = true;
        _syncAll(); // the cancelled stakes may have been the only ones not voting: a dissolution moves nothing
        _BOOKS.hit(
            mode == IMembership.RefundMode.Credit
                ? "cancelCredit"
                : mode == IMembership.RefundMode.WalletMinusFee
                    ? "cancelWalletMinusFee"
                    : "cancelWallet"
        );
    }

    function _cancellationTimely(Cancel memory c) private view returns (bool) {
        uint256 deadline = _termsOf(c.l).deadline;
        uint256 cutoff = _MEMBERSHIP.stakeCancelCutoff();
        return
            block.timestamp < deadline - cutoff &&
            block.timestamp <= _lastPurchaseAt[address(c.l)][c.token] + c.policy.cancelWindow;
    }

    function _countOf(Listing l, uint256 index) private view returns (uint256) {
        (, uint256 first, uint256 last) = l.purchase(index);
        return last - first + 1;
    }

    function _refund(Listing l, uint256 token) private {
        if (priceInEscrow[address(l)]) {
            l.recoverFunds();
            _syncAll();
        }
        uint256 amount = stakesOf[address(l)][token] * _termsOf(l).stakePrice;
        address holder = _BID_TOKEN.ownerOf(token);
        uint256 wallet = _USDC.balanceOf(holder);
        uint256 credit = _BID_TOKEN.creditOf(token);
        uint256 fromWallet = _walletPaid[address(l)][token];
        vm.prank(holder);
        l.claimRefund(token);
        assertEq(_USDC.balanceOf(holder), wallet + fromWallet, "refund: wallet part");
        assertEq(_BID_TOKEN.creditOf(token), credit + amount - fromWallet, "refund: credit part");
        _walletPaid[address(l)][token] = 0;
        stakesOf[address(l)][token] = 0;
        _BOOKS.listingOut(address(l), amount);
        _BOOKS.creditIn(token, amount - fromWallet);
        _BOOKS.hit("claimRefund");
    }

    function _collect(Listing l) private {
        uint256 amount = feesKept[address(l)];
        if (l.status() == IListing.Status.Settled) amount += paidIn[address(l)] - _termsOf(l).price;
        assertEq(_VAULT.collect(address(l)), amount, "collected != markup + fees");
        _collected(l, amount);
    }

    function _collected(Listing l, uint256 amount) private {
        collected[address(l)] = true;
        _BOOKS.listingOut(address(l), amount);
        _BOOKS.vaultMarkup(amount);
        _BOOKS.hit("collect");
    }

    // ================================================================ internals: settlement and the draw

    function _settle(Listing l) private {
        IListing.Terms memory t = _termsOf(l);
        uint256 c = currentCoordinator;
        bool draws = paidIn[address(l)] / t.stakePrice >= t.threshold && sellerVerified;
        if (draws && refusing[c] && block.timestamp < uint256(t.deadline) + _MARKETPLACE.drawTimeout()) {
            // The coordinator refuses and the operators still have time to fix it: the settlement reverts.
            vm.expectRevert(
                abi.encodeWithSignature("InvalidConsumer(uint256,address)", _subIds[c], address(_MARKETPLACE))
            );
            l.settle();
            _BOOKS.hit("settleRefused");
            return;
        }
        l.settle();
        _syncAll();
        IListing.Status s = l.status();
        if (draws && !refusing[c]) assertEq(uint256(s), uint256(IListing.Status.Drawing), "settle: no draw");
        else assertEq(uint256(s), uint256(IListing.Status.Failed), "settle: not failed");
        _BOOKS.hit(s == IListing.Status.Drawing ? "settleToDraw" : refusing[c] ? "settleUnavailable" : "settleToFail");
    }

    function _upkeep() private {
        (bool needed, bytes memory data) = _MARKETPLACE.checkUpkeep("");
        if (!needed) return;
        (address target, IMarketplace.UpkeepAction action) = abi.decode(data, (address, IMarketplace.UpkeepAction));
        uint256 markup;
        bool collects;
        if (action == IMarketplace.UpkeepAction.Retire) {
            Listing l = Listing(target);
            // Retiring a settled listing collects its markup (and kept fees) into the vault, once.
            collects = l.status() == IListing.Status.Settled && !collected[target];
            if (collects) markup = paidIn[target] - _termsOf(l).price + feesKept[target];
        }
        _MARKETPLACE.performUpkeep(data);
        if (collects) _collected(Listing(target), markup);
        if (action == IMarketplace.UpkeepAction.OpenSeries) {
            (, , uint256 id) = abi.decode(data, (address, IMarketplace.UpkeepAction, uint256));
            _afterSeriesMoves(id);
        }
        _syncAll();
        _BOOKS.hit("upkeep");
    }

    function _answerAll(uint256 seed) private {
        for (uint256 i; i < _listings.length; ++i) {
            if (_isPending(_listings[i])) _fulfil(_listings[i], uint256(keccak256(abi.encode(seed, i))));
        }
    }

    /// @dev The coordinator the request went to answers (the marketplace cannot switch coordinators mid-draw).
    function _fulfil(Listing l, uint256 word) private {
        _answer(_coordinators[currentCoordinator], _MARKETPLACE.drawOf(address(l)).requestId, word);
        (IMarketplace.DrawStatus status, uint256 stored) = _MARKETPLACE.randomWord(address(l));
        assertEq(uint256(status), uint256(IMarketplace.DrawStatus.Fulfilled), "word not delivered");
        assertEq(stored, word);
        _BOOKS.hit("fulfil");
    }

    /// @dev Books what a listing's status change moved: P to the escrow on a draw, back on a voided draw.
    function _sync(Listing l) private {
        IListing.Status before = _seen[address(l)];
        IListing.Status now_ = l.status();
        if (now_ == before && !priceInEscrow[address(l)]) return;
        uint256 price = _termsOf(l).price;
        if (before == IListing.Status.Open && now_ != IListing.Status.Open) {
            if (now_ == IListing.Status.Drawing || now_ == IListing.Status.Settled) _toEscrow(l, price);
            else if (now_ == IListing.Status.Failed && l.escrowOrderId() != 0) _toEscrow(l, price); // stalled
        }
        if (now_ == IListing.Status.Failed && (before == IListing.Status.Drawing || before == IListing.Status.Open)) {
            uint256 orderId = l.escrowOrderId();
            if (orderId != 0) {
                priceInEscrow[address(l)] = true;
                _BOOKS.hit("drawExpired");
            }
        }
        if (priceInEscrow[address(l)]) {
            uint256 orderId = l.escrowOrderId();
            if (_ESCROW.order(orderId).status == IDeliveryEscrow.OrderStatus.Voided) {
                priceInEscrow[address(l)] = false;
                _BOOKS.escrowOut(price);
                _BOOKS.listingIn(address(l), price);
            }
        }
        _seen[address(l)] = now_;
    }

    function _toEscrow(Listing l, uint256 price) private {
        drawExpiresAt[address(l)] = block.timestamp + _MARKETPLACE.drawTimeout();
        _BOOKS.listingOut(address(l), price);
        _BOOKS.escrowIn(price);
    }

    function _syncAll() private {
        for (uint256 i; i < _listings.length; ++i) _sync(_listings[i]);
    }

    /// @dev Ends one listing with permissionless calls (and the oracle): settle, word, finalize or expire.
    function _runToEnd(Listing l) private {
        if (l.status() == IListing.Status.Open) {
            IListing.Terms memory t = _termsOf(l);
            uint256 c = currentCoordinator;
            if (block.timestamp < t.deadline) vm.warp(t.deadline);
            // A refusing coordinator fails the listing once the draw's timeout after Time-Date A has passed.
            if (refusing[c] && block.timestamp < uint256(t.deadline) + _MARKETPLACE.drawTimeout()) {
                vm.warp(uint256(t.deadline) + _MARKETPLACE.drawTimeout());
            }
            _settle(l);
        }
        if (l.status() == IListing.Status.Drawing) {
            if (_isPending(l)) _fulfil(l, uint256(keccak256(abi.encode(address(l), block.timestamp))));
            l.finalize();
            _syncAll();
        }
        if (priceInEscrow[address(l)]) {
            l.recoverFunds();
            _syncAll();
        }
    }

    // ================================================================ internals: series

    /// @dev Registers the listings a series opened (by accept, open, or the keeper) and checks its progress.
    function _afterSeriesMoves(uint256 id) private {
        IListingSeries.Series memory s = _SERIES.seriesOf(id);
        SeriesModel storage m = _model[id];
        uint256[] memory applications = _SERIES.applicationsOf(id);
        for (uint256 i = m.opened; i < s.opened; ++i) {
            // Every opening but the latest has ended before the next (at most one listing of a series runs).
            uint256 deedId = _MARKETPLACE.application(applications[i]).deedId;
            assertEq(deedSeries[deedId], id, "series opened a deed of another series");
            assertEq(deedIndex[deedId], i, "series opened out of order");
            if (i + 1 < s.opened) revert("two listings of one series opened at once");
            Listing l = Listing(s.current);
            assertEq(_DEED.ownerOf(deedId), address(l), "listing does not hold its deed");
            deedListing[deedId] = l;
            _addListing(l, id);
        }
        m.opened = s.opened;
        if (s.opened == m.count) m.status = IListingSeries.SeriesStatus.Completed;
        assertEq(uint256(s.status), uint256(m.status), "series status");
    }

    function _addListing(Listing l, uint256 seriesId) private {
        if (_known[address(l)]) return;
        _known[address(l)] = true;
        _listings.push(l);
        listingSeriesId[address(l)] = seriesId;
        _seen[address(l)] = IListing.Status.Open;
        for (uint256 i; i < _actors.length; ++i) {
            vm.prank(_actors[i]);
            _USDC.approve(address(l), type(uint256).max);
        }
    }

    function _pickSeries(
        uint256 seed,
        IListingSeries.SeriesStatus from,
        IListingSeries.SeriesStatus to
    ) private view returns (uint256) {
        uint256 n = _seriesIds.length;
        for (uint256 i; i < n; ++i) {
            uint256 id = _seriesIds[((seed % n) + i) % n];
            IListingSeries.SeriesStatus s = _model[id].status;
            if (uint8(s) >= uint8(from) && uint8(s) <= uint8(to)) return id;
        }
        return 0;
    }

    function _currentOf(uint256 id) private view returns (Listing) {
        return Listing(_SERIES.seriesOf(id).current);
    }

    // ================================================================ internals: picking

    function _running(Listing l) private view returns (bool) {
        IListing.Status s = l.status();
        return s == IListing.Status.Open || s == IListing.Status.Drawing;
    }

    function _listingReady(uint256 seed) private view returns (Listing) {
        return _listingWhere(seed, _isOnSale);
    }

    function _listingWhere(uint256 seed, function(Listing) view returns (bool) ok) private view returns (Listing) {
        uint256 n = _listings.length;
        for (uint256 i; i < n; ++i) {
            Listing l = _listings[((seed % n) + i) % n];
            if (ok(l)) return l;
        }
        return Listing(address(0));
    }

    function _isOnSale(Listing l) private view returns (bool) {
        IListing.Terms memory t = _termsOf(l);
        return l.status() == IListing.Status.Open && block.timestamp >= t.opensAt && block.timestamp < t.deadline;
    }

    function _isPending(Listing l) private view returns (bool) {
        return
            l.status() == IListing.Status.Drawing &&
            _MARKETPLACE.drawOf(address(l)).status == IMarketplace.DrawStatus.Pending;
    }

    function _isStalled(Listing l) private view returns (bool) {
        return priceInEscrow[address(l)];
    }

    function _isCollectable(Listing l) private view returns (bool) {
        if (collected[address(l)]) return false;
        IListing.Status s = l.status();
        return s == IListing.Status.Settled || (_isRefunding(l) && feesKept[address(l)] != 0);
    }

    /// @notice When each listing's draw was requested and the timeout it got then (the handler's own record).
    mapping(address listing => uint256) public drawExpiresAt;

    function _tokenOf(address actor, uint256 seed) private view returns (uint256) {
        uint256 n = _tokens.length;
        for (uint256 i; i < n; ++i) {
            uint256 t = _tokens[((seed % n) + i) % n];
            if (_BID_TOKEN.ownerOf(t) == actor) return t;
        }
        return 0;
    }

    /// @dev True when `tokenId` already holds the most open positions a token may and none of them is on `listing`.
    function _lanesFull(uint256 tokenId, address listing) private view returns (bool) {
        address[] memory open = _BID_TOKEN.openPositions(tokenId);
        if (open.length < _BID_TOKEN.MAX_OPEN_POSITIONS()) return false;
        for (uint256 i; i < open.length; ++i) {
            if (open[i] == listing) return false;
        }
        return true;
    }
}
