// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StdInvariant} from "forge-std/StdInvariant.sol";
import {VRFCoordinatorV2_5Mock} from "@chainlink/contracts/src/v0.8/vrf/mocks/VRFCoordinatorV2_5Mock.sol";
import {Listing} from "../../contracts/Listing.sol";
import {IListing} from "../../contracts/interfaces/IListing.sol";
import {IListingSeries} from "../../contracts/interfaces/IListingSeries.sol";
import {IMembership} from "../../contracts/interfaces/IMembership.sol";
import {IDeliveryEscrow} from "../../contracts/interfaces/IDeliveryEscrow.sol";
import {SystemDeployment} from "./SystemDeployment.sol";
import {LifecycleBooks} from "./LifecycleBooks.sol";
import {LifecycleHandler} from "./LifecycleHandler.sol";
import {ListingHandlerBase} from "./ListingHandlerBase.sol";
import {OrderHandler} from "./OrderHandler.sol";

/// @title Lifecycle invariants
/// @notice The system as deployed (the Ignition module's wiring, membership reporting included), with tiers whose
/// policies refund in Credit and WalletMinusFee: the seller runs series of listings, tiered members buy, cancel and
/// trade tokens, draws run under a coordinator that refuses or is replaced, and every settled listing's order goes
/// through the escrow's hard paths. After every call: every deed is in exactly one place, at most one listing per
/// series runs, the money is where the handlers' own running totals say, fees reach the vault exactly, the reward
/// pool's balance is its books, and each member's counters and tier are what an independent count gives.
contract LifecycleInvariantsTest is SystemDeployment {
    uint256 private constant START = 1_700_000_000;
    uint256 private constant ACTORS = 4;
    uint256 private constant FUNDING = 1_000_000 * USDC;

    address private admin = makeAddr("admin");
    address private seller = makeAddr("seller");
    address private arbiter = makeAddr("arbiter");

    VRFCoordinatorV2_5Mock private coordinatorB;
    uint256 private subB;
    LifecycleBooks private books;
    LifecycleHandler private handler;
    OrderHandler private orders;
    uint256 private minted;

    function setUp() public {
        vm.warp(START);
        Params memory p = _ignitionDefaults(admin);
        p.arbiter = arbiter; // a test Safe's role (LocalCopurchase.ts `arbiter` parameter)
        _deployLocalCopurchase(p);

        vm.startPrank(admin);
        // A second coordinator the admin may move the marketplace to between draws.
        coordinatorB = new VRFCoordinatorV2_5Mock(VRF_MOCK_BASE_FEE, VRF_MOCK_GAS_PRICE, VRF_MOCK_WEI_PER_UNIT_LINK);
        subB = coordinatorB.createSubscription();
        coordinatorB.fundSubscription(subB, SUBSCRIPTION_FUNDING);
        coordinatorB.addConsumer(subB, address(marketplace));
        marketplace.verifySeller(seller, keccak256("kyc:seller"));
        marketplace.setDrawTimeout(8 hours);
        escrow.setShipWindow(2 days);
        escrow.setConfirmWindow(3 days);
        escrow.setCodePolicy(2, 1 days);
        membership.setStakeCancelCutoff(4 hours);
        LifecycleBooks.TierModel[] memory tiers = _tiers();
        membership.setCondition(0, IMembership.Condition(IMembership.ConditionKind.Registered, 0));
        membership.setCondition(1, IMembership.Condition(IMembership.ConditionKind.MinCompleted, 1));
        membership.setCondition(2, IMembership.Condition(IMembership.ConditionKind.MinCancellationRateBps, 5_000));
        membership.setCondition(3, IMembership.Condition(IMembership.ConditionKind.MaxStakeCancellations, 0));
        for (uint256 i = 1; i < tiers.length; ++i) {
            membership.setTier(i, tiers[i].required, tiers[i].priority, tiers[i].policy);
        }
        vm.stopPrank();
        books = new LifecycleBooks(tiers);

        vm.prank(seller);
        deed.setApprovalForAll(address(listingSeries), true);
        address[] memory spenders = new address[](2);
        (spenders[0], spenders[1]) = (address(bidToken), address(membership));
        (address[] memory actors, uint256[] memory keys) = _fundedAccounts("member", ACTORS, FUNDING, spenders);
        minted = ACTORS * FUNDING;

        LifecycleHandler.System memory sys = LifecycleHandler.System({
            usdc: usdc,
            marketplace: marketplace,
            bidToken: bidToken,
            deed: deed,
            escrow: escrow,
            vault: vault,
            membership: membership,
            series: listingSeries,
            coordinatorA: coordinator,
            subA: subscriptionId,
            coordinatorB: coordinatorB,
            subB: subB,
            admin: admin,
            seller: seller,
            books: books
        });
        handler = new LifecycleHandler(sys, actors);
        orders = new OrderHandler(sys, handler, arbiter, actors, keys);

        // Two series accepted up front (two deeds, drawn at sell-out; three deeds an hour apart): their first listings
        // are on sale from the first call, so that short runs reach the draw and the escrow.
        handler.proposeSeries(2);
        handler.approveSeries(0, 0);
        handler.acceptSeries(0);
        handler.proposeSeries(3);
        handler.approveSeries(1, 4);
        handler.acceptSeries(1);

        bytes4[] memory s = new bytes4[](30);
        s[0] = LifecycleHandler.proposeSeries.selector;
        s[1] = LifecycleHandler.approveSeries.selector;
        s[2] = LifecycleHandler.acceptSeries.selector;
        s[3] = LifecycleHandler.openNextInSeries.selector;
        s[4] = LifecycleHandler.cancelSeries.selector;
        s[5] = LifecycleHandler.buy.selector;
        s[6] = LifecycleHandler.buyAgain.selector;
        s[7] = LifecycleHandler.buyAsOperator.selector;
        s[8] = ListingHandlerBase.transferToken.selector;
        s[9] = LifecycleHandler.topUp.selector;
        s[10] = LifecycleHandler.cancelPurchase.selector;
        s[11] = LifecycleHandler.register.selector;
        s[12] = LifecycleHandler.claimRefund.selector;
        s[13] = LifecycleHandler.collect.selector;
        s[14] = LifecycleHandler.settle.selector;
        s[15] = LifecycleHandler.warpAndUpkeep.selector;
        s[16] = LifecycleHandler.fulfil.selector;
        s[17] = LifecycleHandler.finalize.selector;
        s[18] = LifecycleHandler.expireDraw.selector;
        s[19] = LifecycleHandler.recoverFunds.selector;
        s[20] = LifecycleHandler.coordinatorRefuses.selector;
        s[21] = LifecycleHandler.reconfigureVrf.selector;
        s[22] = LifecycleHandler.donate.selector;
        s[23] = LifecycleHandler.toggleSeller.selector;
        s[24] = ListingHandlerBase.togglePause.selector;
        s[25] = LifecycleHandler.warpAndUpkeep.selector;
        s[26] = LifecycleHandler.buy.selector;
        s[27] = LifecycleHandler.buyAgain.selector;
        s[28] = LifecycleHandler.warpAndUpkeep.selector;
        s[29] = LifecycleHandler.warpAndUpkeep.selector;
        targetContract(address(handler));
        targetSelector(StdInvariant.FuzzSelector({addr: address(handler), selectors: s}));

        bytes4[] memory o = new bytes4[](18);
        o[0] = OrderHandler.markShipped.selector;
        o[1] = OrderHandler.release.selector;
        o[2] = OrderHandler.releaseWithSignature.selector;
        o[3] = OrderHandler.commitCode.selector;
        o[4] = OrderHandler.releaseWithCode.selector;
        o[5] = OrderHandler.openDispute.selector;
        o[6] = OrderHandler.vote.selector;
        o[7] = OrderHandler.settleExpiredDispute.selector;
        o[8] = OrderHandler.takeCash.selector;
        o[9] = OrderHandler.agreeToCancel.selector;
        o[10] = OrderHandler.requestCancellation.selector;
        o[11] = OrderHandler.refundUnshipped.selector;
        o[12] = OrderHandler.releaseUnchallenged.selector;
        o[13] = OrderHandler.refundSuspended.selector;
        o[14] = OrderHandler.escrowWithdraw.selector;
        o[15] = OrderHandler.vaultWithdraw.selector;
        o[16] = OrderHandler.fundRewards.selector;
        o[17] = OrderHandler.claimRewards.selector;
        targetContract(address(orders));
        targetSelector(StdInvariant.FuzzSelector({addr: address(orders), selectors: o}));
    }

    /// @dev The tiers (mirrored by `LifecycleBooks`). Conditions: 0 registered, 1 a completed order, 2 a cancellation
    /// rate of 50% or more, 3 no stake cancelled yet. Tier 0 as deployed (one hour, Wallet); 1 registered (a day,
    /// WalletMinusFee 5%, 1% reward); 2 registered without a stake cancellation (a day, Credit, 1% reward, relisting);
    /// 3 registered with a completed order (two days, Credit, 3% reward); 4 a cancellation rate of 50% or more, above
    /// all (a day, WalletMinusFee 10%, no reward). Members move between them as they register, cancel and complete.
    function _tiers() private view returns (LifecycleBooks.TierModel[] memory t) {
        t = new LifecycleBooks.TierModel[](5);
        t[0] = LifecycleBooks.TierModel(0, 0, membership.tier(0).policy);
        t[1] = LifecycleBooks.TierModel(
            1 << 0,
            10,
            IMembership.Policy(1 days, IMembership.RefundMode.WalletMinusFee, 500, 100, false)
        );
        t[2] = LifecycleBooks.TierModel(
            (1 << 0) | (1 << 3),
            20,
            IMembership.Policy(1 days, IMembership.RefundMode.Credit, 0, 100, true)
        );
        t[3] = LifecycleBooks.TierModel(
            (1 << 0) | (1 << 1),
            30,
            IMembership.Policy(2 days, IMembership.RefundMode.Credit, 0, 300, false)
        );
        t[4] = LifecycleBooks.TierModel(
            1 << 2,
            100,
            IMembership.Policy(1 days, IMembership.RefundMode.WalletMinusFee, 1_000, 0, false)
        );
    }

    // ================================================================ item 1: series and deeds

    /// @notice Every deed of every series is where its state says, and nowhere else: with the seller until accepted
    /// (or after cancellation), in the series' custody until its listing opens, in its listing while on sale, in the
    /// escrow while drawn or delivered, with the winner once released or split, back with the seller after a refund,
    /// a cash-out, a failure or a dissolution. The places' balances add up to exactly these deeds.
    /// hardhat-config: invariant.depth = 120
    function invariant_everyDeedInExactlyOnePlace() public view {
        uint256 atSeller;
        uint256 inCustody;
        uint256 inEscrow;
        uint256 withWinners;
        for (uint256 i; i < handler.deedCount(); ++i) {
            uint256 deedId = handler.deedAt(i);
            address expected = _expectedPlace(deedId);
            assertEq(deed.ownerOf(deedId), expected, "deed out of place");
            if (expected == seller) ++atSeller;
            else if (expected == address(listingSeries)) ++inCustody;
            else if (expected == address(escrow)) ++inEscrow;
            else if (!_isListing(expected)) ++withWinners;
        }
        assertEq(deed.balanceOf(seller), atSeller, "seller's deeds");
        assertEq(deed.balanceOf(address(listingSeries)), inCustody, "custody");
        assertEq(deed.balanceOf(address(escrow)), inEscrow, "escrow's deeds");
        uint256 winners;
        for (uint256 i; i < handler.actorCount(); ++i) winners += deed.balanceOf(handler.actorAt(i));
        assertEq(winners, withWinners, "winners' deeds");
    }

    /// @notice A series never runs two listings at once (Open or Drawing), and its listings open in order.
    /// hardhat-config: invariant.depth = 120
    function invariant_atMostOneListingPerSeriesRunning() public view {
        for (uint256 k; k < handler.seriesCount(); ++k) {
            uint256 id = handler.seriesAt(k);
            uint256 running;
            for (uint256 i; i < handler.listingCount(); ++i) {
                Listing l = handler.listingAt(i);
                if (handler.listingSeriesId(address(l)) != id) continue;
                IListing.Status ls = l.status();
                if (ls == IListing.Status.Open || ls == IListing.Status.Drawing) ++running;
            }
            assertLe(running, 1, "two listings of one series running");
            (IListingSeries.SeriesStatus status, uint256 opened) = handler.seriesModel(id);
            IListingSeries.Series memory s = listingSeries.seriesOf(id);
            assertEq(uint256(s.status), uint256(status), "series status");
            assertEq(s.opened, opened, "series progress");
        }
    }

    // ================================================================ item 2: tiers, fees, rewards, counters

    /// @notice The vault holds exactly the markups and fees the handlers sent it, less what its recipient withdrew,
    /// and the recipient received exactly that.
    /// hardhat-config: invariant.depth = 120
    function invariant_feesReachTheVaultExactly() public view {
        assertEq(_net(address(vault)), books.vaultHeld(), "vault != markups + fees - paid out");
        assertEq(vault.totalOwed(), books.vaultHeld(), "vault's books");
        assertEq(books.vaultMarkups() + books.vaultFees(), books.vaultHeld() + books.vaultPaidOut());
        assertEq(usdc.balanceOf(admin), books.vaultPaidOut(), "recipient received other than the intake");
    }

    /// @notice The reward pool's balance is its books, which are what was funded minus what was claimed; every
    /// member's claimable reward is the handlers' own count (a reward per completion at the winner's tier, capped by
    /// the listing's markup).
    /// hardhat-config: invariant.depth = 120
    function invariant_rewardPoolEqualsItsBooks() public view {
        assertEq(_net(address(membership)), books.pool(), "pool balance != funded - claimed");
        assertEq(membership.rewardPool(), books.pool(), "pool's books");
        assertEq(membership.totalClaimable(), books.totalClaimable(), "total claimable");
        for (uint256 i; i < handler.actorCount(); ++i) {
            address m = handler.actorAt(i);
            assertEq(membership.claimableRewards(m), books.claimable(m), "claimable rewards");
        }
    }

    /// @notice Each member's counters (orders concluded, completed, cancelled as buyer or seller, stakes cancelled)
    /// are the handlers' own count of the reports, and its tier is the one the configuration gives those counts.
    /// hardhat-config: invariant.depth = 120
    function invariant_memberCountersEqualIndependentCount() public view {
        for (uint256 i; i <= handler.actorCount(); ++i) {
            address m = i == handler.actorCount() ? seller : handler.actorAt(i);
            IMembership.Counters memory c = membership.countersOf(m);
            LifecycleBooks.Member memory e = books.memberOf(m);
            assertEq(c.orders, e.orders, "orders");
            assertEq(c.completed, e.completed, "completed");
            assertEq(c.cancelledAsBuyer, e.cancelledAsBuyer, "cancelled as buyer");
            assertEq(c.cancelledAsSeller, e.cancelledAsSeller, "cancelled as seller");
            assertEq(c.stakeCancellations, e.stakeCancellations, "stake cancellations");
            assertEq(c.registered, e.registered, "registered");
            assertEq(c.tier, books.tierOf(m), "tier");
        }
    }

    // ================================================================ item 3: conservation, bounded ends

    /// @notice Every unit is where the handlers' running totals say: the listings and the bid token hold the
    /// listings' totals plus every token's credit (each token's credit is its total), the escrow its open orders and
    /// parties' balances, the vault its intake, the membership its pool; nothing minted is created or lost.
    /// hardhat-config: invariant.depth = 120
    function invariant_moneyConservedAtEveryStep() public view {
        uint256 listings;
        uint256 held;
        for (uint256 i; i < handler.listingCount(); ++i) {
            address l = address(handler.listingAt(i));
            listings += _net(l);
            held += books.held(l);
        }
        uint256 credit;
        for (uint256 i; i < handler.tokenCount(); ++i) {
            uint256 t = handler.tokenAt(i);
            assertEq(bidToken.creditOf(t), books.credit(t), "token credit");
            credit += books.credit(t);
        }
        assertEq(listings + _net(address(bidToken)), held + credit, "listings + bid token != ghosts");
        assertEq(_net(address(escrow)), books.escrowHeld(), "escrow != ghost");
        uint256 expected;
        for (uint256 i; i <= handler.actorCount(); ++i) {
            expected += books.owed(i == handler.actorCount() ? seller : handler.actorAt(i));
        }
        for (uint256 i; i < handler.listingCount(); ++i) {
            uint256 id = handler.listingAt(i).escrowOrderId();
            if (id != 0 && _open(escrow.order(id).status)) expected += escrow.order(id).amount;
        }
        assertEq(books.escrowHeld(), expected, "escrow ghost != open orders + balances owed");
        assertEq(_net(address(vault)), books.vaultHeld(), "vault != ghost");
        assertEq(_net(address(membership)), books.pool(), "membership != ghost");
        uint256 total = usdc.balanceOf(address(escrow)) + usdc.balanceOf(address(vault));
        total += usdc.balanceOf(address(bidToken)) + usdc.balanceOf(address(membership));
        for (uint256 i; i < handler.listingCount(); ++i) total += usdc.balanceOf(address(handler.listingAt(i)));
        for (uint256 i; i < handler.actorCount(); ++i) total += usdc.balanceOf(handler.actorAt(i));
        total += usdc.balanceOf(seller) + usdc.balanceOf(admin);
        assertEq(total, minted, "USDC not conserved");
    }

    /// @notice No order and no draw waits without a bound: every open order's deadline is at most the longest window
    /// away (a permissionless call ends it then), every pending draw expires within the draw timeout.
    /// hardhat-config: invariant.depth = 120
    function invariant_everyOrderAndDrawHasABoundedEnd() public view {
        for (uint256 i; i < handler.listingCount(); ++i) {
            Listing l = handler.listingAt(i);
            if (l.status() == IListing.Status.Drawing) {
                assertLe(handler.drawExpiresAt(address(l)), block.timestamp + marketplace.drawTimeout(), "draw");
            }
            uint256 id = l.escrowOrderId();
            if (id == 0) continue;
            IDeliveryEscrow.Order memory o = escrow.order(id);
            if (!_open(o.status) || o.status == IDeliveryEscrow.OrderStatus.AwaitingDraw) continue;
            assertLe(o.dueAt, block.timestamp + escrow.DISPUTE_TIMEOUT(), "open order without a bounded end");
        }
    }

    /// @notice Whatever happened, every series and listing runs to its end, every order ends by time with
    /// permissionless calls, everyone is paid out: the listings, the escrow and the vault hold nothing (but
    /// donations), the bid token holds exactly the credit, the pool its books.
    function afterInvariant() public {
        handler.endListings();
        handler.payListingsOut();
        orders.endOrdersByTime();
        invariant_moneyConservedAtEveryStep();
        invariant_everyDeedInExactlyOnePlace();
        invariant_memberCountersEqualIndependentCount();
        invariant_rewardPoolEqualsItsBooks();
        invariant_feesReachTheVaultExactly();
        for (uint256 i; i < handler.listingCount(); ++i) {
            assertEq(_net(address(handler.listingAt(i))), 0, "listing not drained");
        }
        assertEq(_net(address(escrow)), 0, "escrow not drained");
        assertEq(escrow.totalHeld(), 0);
        assertEq(_net(address(vault)), 0, "vault not drained");
        // Coverage: LIFECYCLE_COUNTS=<file> appends, per run, how often each action did real work (hardhat.config.ts
        // grants the file; sum the runs with scripts or awk).
        string memory countsFile = vm.envOr("LIFECYCLE_COUNTS", string(""));
        if (bytes(countsFile).length > 0) _writeCounts(countsFile);
        // Coverage probe: LIFECYCLE_PROBE=<action> (a key of books.calls) makes a run that did it fail, which shows
        // the action is reached (LIFECYCLE_PROBE=takeCash npx hardhat test solidity test/solidity/Lifecycle…).
        string memory probe = vm.envOr("LIFECYCLE_PROBE", string(""));
        if (bytes(probe).length > 0 && books.calls(probe) > 0) assertTrue(false, "PROBE");
    }

    // ================================================================ helpers

    function _writeCounts(string memory file) private {
        string[50] memory actions = [
            "proposeSeries", "approveSeries", "acceptSeries", "openNextInSeries", "openNextRefused", "cancelSeries",
            "buyNew", "buyReuse", "buyAsOperator", "transferToken", "topUp", "cancelWallet",
            "cancelCredit", "cancelWalletMinusFee", "cancelByOperator", "cancelRefused", "register", "claimRefund",
            "collect", "settleToDraw", "settleToFail", "settleRefused", "settleUnavailable", "upkeep",
            "fulfil", "finalize", "drawExpired", "endedByTime", "coordinatorRefuses", "reconfigureVrf",
            "reconfigureRefused", "donate", "toggleSeller", "markShipped", "release", "releaseWithSignature",
            "releaseWithCode", "suspended", "openDispute", "disputeResolved", "settleExpiredDispute", "takeCash",
            "agreeToCancel", "cancelOrderCredit", "cancelOrderMinusFee", "sellerCancels", "winnerCancels",
            "refundUnshipped", "releaseUnchallenged", "claimRewards"
        ];
        string memory line = "COUNTS";
        for (uint256 i; i < actions.length; ++i) {
            line = string.concat(line, " ", actions[i], "=", vm.toString(books.calls(actions[i])));
        }
        vm.writeLine(file, line);
    }

    function _expectedPlace(uint256 deedId) private view returns (address) {
        Listing l = handler.deedListing(deedId);
        if (address(l) == address(0)) {
            (IListingSeries.SeriesStatus s, ) = handler.seriesModel(handler.deedSeries(deedId));
            return s == IListingSeries.SeriesStatus.Active ? address(listingSeries) : seller;
        }
        IListing.Status status = l.status();
        if (status == IListing.Status.Open) return address(l);
        uint256 id = l.escrowOrderId();
        if (id == 0 || status == IListing.Status.Dissolved) return seller;
        IDeliveryEscrow.Order memory o = escrow.order(id);
        if (_open(o.status)) return address(escrow);
        if (o.status == IDeliveryEscrow.OrderStatus.Released || o.status == IDeliveryEscrow.OrderStatus.Split) {
            return o.buyer;
        }
        return seller; // Refunded, CashedOut, Voided
    }

    function _isListing(address a) private view returns (bool) {
        for (uint256 i; i < handler.listingCount(); ++i) if (address(handler.listingAt(i)) == a) return true;
        return false;
    }

    function _open(IDeliveryEscrow.OrderStatus s) private pure returns (bool) {
        return
            s == IDeliveryEscrow.OrderStatus.AwaitingDraw ||
            s == IDeliveryEscrow.OrderStatus.AwaitingShipment ||
            s == IDeliveryEscrow.OrderStatus.Shipped ||
            s == IDeliveryEscrow.OrderStatus.Disputed ||
            s == IDeliveryEscrow.OrderStatus.Suspended;
    }

    /// @dev A balance less what was donated to it: a loss below the donations underflows (fails) instead of hiding.
    function _net(address who) private view returns (uint256) {
        return usdc.balanceOf(who) - books.donated(who);
    }
}
