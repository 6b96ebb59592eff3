// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StdInvariant} from "forge-std/StdInvariant.sol";
import {Listing} from "../../contracts/Listing.sol";
import {IListing} from "../../contracts/interfaces/IListing.sol";
import {IMarketplace} from "../../contracts/interfaces/IMarketplace.sol";
import {IDeliveryEscrow} from "../../contracts/interfaces/IDeliveryEscrow.sol";
import {SystemSetup} from "./SystemSetup.sol";
import {CopurchaseHandler} from "./CopurchaseHandler.sol";
import {ListingHandlerBase} from "./ListingHandlerBase.sol";

/// @title System invariants
/// @notice Random actors drive two listings through every path (buy, vote, dissolve, settle, draw, expire,
/// refund, deliver, collect, withdraw) while the books, the balances and the deeds are checked after every call.
/// @dev Each invariant runs with depth 150 (inline override of the project's 64): a listing needs about 60 calls to
/// go from its first purchase through the draw to delivery, so at depth 64 the escrow and vault paths were
/// reached in only a few runs. The whole suite still runs in seconds.
contract SystemInvariantsTest is SystemSetup {
    uint256 private constant ACTORS = 5;
    uint256 private constant FUNDING = 100_000 * USDC;

    CopurchaseHandler private handler;
    uint256 private minted;

    function setUp() public {
        _deploySystem();
        vm.startPrank(admin);
        marketplace.setDrawTimeout(8 hours);
        escrow.setShipWindow(1 days);
        vm.stopPrank();

        Listing[] memory listings = new Listing[](2);
        // A: a plain sale to its deadline; T × s = 150 > P = 120.
        listings[0] = _createListing(
            _terms({price: 120 * USDC, stakePrice: 10 * USDC, stakeCount: 100, threshold: 15, duration: 30 hours}),
            "ipfs://watch"
        );
        // B: opens later, draws as soon as sold out, and its threshold pays P exactly (zero markup at T).
        IListing.Terms memory b = _terms({
            price: 125 * USDC,
            stakePrice: 25 * USDC,
            stakeCount: 40,
            threshold: 5,
            duration: 20 hours
        });
        b.opensAt = uint40(block.timestamp + 2 hours);
        b.category = 2;
        b.drawAtSellOut = true;
        listings[1] = _createListing(b, "ipfs://car");

        address[] memory spenders = new address[](listings.length);
        for (uint256 j; j < listings.length; ++j) spenders[j] = address(listings[j]);
        (address[] memory actors, uint256[] memory keys) = _fundedAccounts("actor", ACTORS, FUNDING, spenders);
        minted = ACTORS * FUNDING;

        handler = new CopurchaseHandler(
            CopurchaseHandler.System({
                usdc: usdc,
                coordinator: coordinator,
                marketplace: marketplace,
                bidToken: bidToken,
                deed: deed,
                escrow: escrow,
                vault: vault,
                admin: admin,
                seller: seller,
                operations: operations,
                donations: donations
            }),
            listings,
            actors,
            keys
        );

        bytes4[] memory selectors = new bytes4[](31);
        selectors[0] = CopurchaseHandler.buy.selector;
        selectors[1] = CopurchaseHandler.buyWithNewToken.selector;
        selectors[2] = CopurchaseHandler.sellerTriesToBuy.selector;
        selectors[3] = ListingHandlerBase.transferToken.selector;
        selectors[4] = CopurchaseHandler.voteToDissolve.selector;
        selectors[5] = CopurchaseHandler.voteAll.selector;
        selectors[6] = CopurchaseHandler.withdrawDissolutionVote.selector;
        selectors[7] = CopurchaseHandler.claimRefund.selector;
        selectors[8] = CopurchaseHandler.warp.selector;
        selectors[9] = CopurchaseHandler.settle.selector;
        selectors[10] = CopurchaseHandler.upkeep.selector;
        selectors[11] = CopurchaseHandler.fulfil.selector;
        selectors[12] = CopurchaseHandler.finalize.selector;
        selectors[13] = CopurchaseHandler.expireDraw.selector;
        selectors[14] = CopurchaseHandler.markShipped.selector;
        selectors[15] = CopurchaseHandler.release.selector;
        selectors[16] = CopurchaseHandler.refundUnshipped.selector;
        selectors[17] = CopurchaseHandler.escrowWithdraw.selector;
        selectors[18] = CopurchaseHandler.collect.selector;
        selectors[19] = CopurchaseHandler.vaultWithdraw.selector;
        selectors[20] = ListingHandlerBase.togglePause.selector;
        selectors[21] = CopurchaseHandler.toggleSeller.selector;
        selectors[22] = CopurchaseHandler.buyAgain.selector;
        selectors[23] = CopurchaseHandler.buyOther.selector;
        selectors[24] = CopurchaseHandler.warpAndUpkeep.selector;
        selectors[25] = CopurchaseHandler.buyWithPermit.selector;
        selectors[26] = CopurchaseHandler.topUp.selector;
        selectors[27] = CopurchaseHandler.recycle.selector;
        selectors[28] = CopurchaseHandler.cancelPurchase.selector;
        selectors[29] = CopurchaseHandler.cancelPurchase.selector;
        selectors[30] = CopurchaseHandler.donate.selector;
        targetContract(address(handler));
        targetSelector(StdInvariant.FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    // ================================================================ books equal balances

    /// @notice Every listing holds exactly what the handler's running total says it owns (its purchases, minus
    /// refunds, P to the escrow and markup or fees to the vault), counting its buyers' credit still pending at the
    /// bid token; its own `owed()` agrees.
    /// hardhat-config: invariant.depth = 150
    function invariant_listingBalanceEqualsGhostTotal() public view {
        for (uint256 i; i < handler.listingCount(); ++i) {
            Listing l = handler.listingAt(i);
            uint256 pending = bidToken.creditPendingFor(address(l));
            assertEq(_net(address(l)) + pending, handler.ghostHeld(address(l)), "listing + pending != ghost");
            assertEq(l.owed() + pending, handler.ghostHeld(address(l)), "owed() disagrees with the ghost total");
        }
    }

    /// @notice Every token's credit is the handler's running total (top-ups and refunds as credit, minus credit
    /// spent), and the bid token plus the listings hold exactly the credit and the listings' totals: a sum in which
    /// no contract view appears.
    /// hardhat-config: invariant.depth = 150
    function invariant_creditAndListingsEqualGhostTotals() public view {
        uint256 credit;
        for (uint256 i; i < handler.tokenCount(); ++i) {
            uint256 token = handler.tokenAt(i);
            assertEq(bidToken.creditOf(token), handler.ghostCredit(token), "credit != ghost credit");
            credit += handler.ghostCredit(token);
        }
        uint256 listings;
        uint256 held;
        for (uint256 i; i < handler.listingCount(); ++i) {
            listings += _net(address(handler.listingAt(i)));
            held += handler.ghostHeld(address(handler.listingAt(i)));
        }
        assertEq(_net(address(bidToken)) + listings, credit + held, "bid token + listings != ghosts");
    }

    /// @notice The escrow and the vault hold exactly the handler's running totals of what they owe.
    /// hardhat-config: invariant.depth = 150
    function invariant_escrowAndVaultEqualGhostTotals() public view {
        assertEq(_net(address(escrow)), handler.ghostEscrow(), "escrow != ghost");
        assertEq(_net(address(vault)), handler.ghostVault(), "vault != ghost");
    }

    // ================================================================ the draw

    /// @notice Cancelled stakes never outnumber max(sold, T), so a draw's attempts hit a held stake with
    /// probability at least one half.
    /// hardhat-config: invariant.depth = 150
    function invariant_cancelledWithinBudget() public view {
        for (uint256 i; i < handler.listingCount(); ++i) {
            Listing l = handler.listingAt(i);
            (, IListing.Terms memory t) = l.charter();
            (uint256 sold, ) = l.sales();
            (uint256 cancelled, ) = l.cancellations();
            assertLe(cancelled, sold > t.threshold ? sold : t.threshold, "cancelled > max(sold, T)");
        }
    }

    /// @notice From the draw's request on, the stakes are frozen; from the word on, the pick (stake, purchase,
    /// token) is the one the handler's own replay found when the word arrived, whatever happened since.
    /// hardhat-config: invariant.depth = 150
    function invariant_pickNeverChangesAfterRequest() public view {
        for (uint256 i; i < handler.listingCount(); ++i) {
            Listing l = handler.listingAt(i);
            IListing.Status s = l.status();
            if (s != IListing.Status.Drawing && s != IListing.Status.Settled) continue;
            (uint256 sold, uint256 purchases) = l.sales();
            (uint256 cancelled, ) = l.cancellations();
            assertEq(sold, handler.soldAtRequest(address(l)), "sold changed after the request");
            assertEq(sold + cancelled, handler.numberedAtRequest(address(l)), "numbers changed after the request");
            assertEq(purchases, handler.purchasesAtRequest(address(l)), "purchases changed after the request");
            (bool ready, uint256 stake, uint256 index) = l.winningStake();
            assertEq(ready, handler.picked(address(l)), "word state");
            if (!ready) continue;
            assertEq(stake, handler.pickedStake(address(l)), "picked stake changed");
            assertEq(index, handler.pickedIndex(address(l)), "picked purchase changed");
            assertFalse(l.isCancelled(index), "picked a cancelled purchase");
            (uint256 token, , ) = l.purchase(index);
            assertEq(token, handler.pickedToken(address(l)), "picked token changed");
        }
    }

    /// @notice The escrow holds exactly its total, which is the open orders plus what it owes.
    /// hardhat-config: invariant.depth = 150
    function invariant_escrowBalanceEqualsTotalHeld() public view {
        uint256 held = escrow.totalHeld();
        assertEq(_net(address(escrow)), held, "escrow balance != totalHeld()");
        uint256 expected;
        for (uint256 i; i < handler.listingCount(); ++i) {
            uint256 orderId = handler.listingAt(i).escrowOrderId();
            if (orderId == 0) continue;
            IDeliveryEscrow.Order memory o = escrow.order(orderId);
            if (
                o.status == IDeliveryEscrow.OrderStatus.AwaitingDraw ||
                o.status == IDeliveryEscrow.OrderStatus.AwaitingShipment ||
                o.status == IDeliveryEscrow.OrderStatus.Shipped
            ) expected += o.amount;
        }
        expected += escrow.owedTo(seller);
        for (uint256 i; i < handler.actorCount(); ++i) expected += escrow.owedTo(handler.actorAt(i));
        assertEq(held, expected, "totalHeld != open orders + credits");
    }

    /// @notice The bid token holds exactly the credit of every token plus the credit spent but not yet collected.
    /// hardhat-config: invariant.depth = 150
    function invariant_bidTokenBalanceEqualsCreditAndPending() public view {
        uint256 expected;
        for (uint256 i; i < handler.tokenCount(); ++i) expected += bidToken.creditOf(handler.tokenAt(i));
        for (uint256 i; i < handler.listingCount(); ++i) {
            expected += bidToken.creditPendingFor(address(handler.listingAt(i)));
        }
        assertEq(_net(address(bidToken)), expected, "bid token balance != credit + pending");
    }

    /// @notice Every id ever issued is owned by exactly one address, a holder or the treasury, and none is burned;
    /// the treasury holds exactly the recycled tokens it has not issued again.
    /// hardhat-config: invariant.depth = 150
    function invariant_everyIssuedIdIsOwned() public view {
        uint256 issued = handler.tokenCount();
        // Ids are issued in order, skipping the vanity ids the deployment reserved (333 and 7,777,777).
        uint256 skipped = bidToken.nextId() > 333 ? 1 : 0;
        assertEq(bidToken.nextId() - 1, issued + skipped, "ids issued != tokens seen");
        uint256 inTreasury;
        for (uint256 i; i < issued; ++i) {
            address owner = bidToken.ownerOf(handler.tokenAt(i)); // reverts if burned
            if (owner == address(bidToken)) ++inTreasury;
        }
        assertEq(inTreasury, bidToken.recycledCount(), "treasury tokens != recycled count");
        assertEq(bidToken.balanceOf(address(bidToken)), inTreasury, "treasury balance");
        uint256 held = inTreasury;
        for (uint256 i; i < handler.actorCount(); ++i) held += bidToken.balanceOf(handler.actorAt(i));
        assertEq(held, issued, "balances do not add up to the ids issued");
    }

    /// @notice The vault holds exactly what it owes its recipients.
    /// hardhat-config: invariant.depth = 150
    function invariant_vaultBalanceEqualsTotalOwed() public view {
        uint256 owed = vault.totalOwed();
        assertEq(_net(address(vault)), owed, "vault balance != totalOwed()");
        assertEq(owed, vault.owedTo(operations) + vault.owedTo(donations), "totalOwed != recipients' credits");
    }

    /// @notice No USDC is created or lost: everything minted is with a party or a contract of the system.
    /// hardhat-config: invariant.depth = 150
    function invariant_usdcConserved() public view {
        uint256 total = usdc.balanceOf(address(escrow)) + usdc.balanceOf(address(vault));
        total += usdc.balanceOf(address(bidToken));
        for (uint256 i; i < handler.listingCount(); ++i) total += usdc.balanceOf(address(handler.listingAt(i)));
        for (uint256 i; i < handler.actorCount(); ++i) total += usdc.balanceOf(handler.actorAt(i));
        total += usdc.balanceOf(seller) + usdc.balanceOf(operations) + usdc.balanceOf(donations);
        assertEq(total, minted, "USDC not conserved");
        assertEq(usdc.totalSupply(), minted, "supply changed");
    }

    /// @notice Refunds never exceed what was paid in, per listing and in total; in a failed or dissolved
    /// listing the balance is exactly what was paid in minus what was refunded.
    /// hardhat-config: invariant.depth = 150
    function invariant_refundsNeverExceedPayments() public view {
        for (uint256 i; i < handler.listingCount(); ++i) {
            Listing l = handler.listingAt(i);
            uint256 paid = handler.paidIn(address(l));
            uint256 refunded = handler.refundsPaid(address(l));
            assertLe(refunded, paid, "refunded more than paid");
            IListing.Status s = l.status();
            if (s == IListing.Status.Failed || s == IListing.Status.Dissolved) {
                assertEq(_net(address(l)), paid - refunded + handler.feesHeld(address(l)), "failed listing balance");
            } else {
                assertEq(refunded, 0, "refund outside Failed/Dissolved");
            }
            if (s == IListing.Status.Open) {
                // Credit spent on stakes waits at the bid token until the listing leaves Open.
                uint256 pending = bidToken.creditPendingFor(address(l));
                assertEq(_net(address(l)) + pending, paid + handler.feesHeld(address(l)), "open listing balance");
            } else {
                assertEq(bidToken.creditPendingFor(address(l)), 0, "credit left uncollected");
            }
        }
        assertLe(handler.totalRefunds(), handler.totalPaidIn(), "total refunds exceed payments");
    }

    /// @notice Credit is spendable on stakes only (SPEC §4.3): no path turns it into wallet money. Every refund a
    /// wallet received, by cancellation, failure or dissolution, is at most what wallets paid in (the handler also
    /// checks it per position at each refund: the wallet gets back exactly what the wallet paid), and every unit of
    /// credit stays at the bid token (`invariant_bidTokenBalanceEqualsCreditAndPending`).
    /// hardhat-config: invariant.depth = 150
    function invariant_creditNeverBecomesWalletMoney() public view {
        assertLe(handler.totalWalletRefunds(), handler.totalWalletPaid(), "wallets got back more than they paid");
    }

    // ================================================================ stakes, draws, deeds

    /// @notice Positions add up to stakes sold (minus refunded ones), and sold × s is what was paid in.
    /// hardhat-config: invariant.depth = 150
    function invariant_stakesAccounted() public view {
        for (uint256 i; i < handler.listingCount(); ++i) {
            Listing l = handler.listingAt(i);
            (, IListing.Terms memory t) = l.charter();
            (uint256 sold, ) = l.sales();
            assertLe(sold, t.stakeCount, "oversold");
            assertEq(sold * t.stakePrice, handler.paidIn(address(l)), "sold x s != paid in");
            uint256 positions;
            for (uint256 k; k < handler.tokenCount(); ++k) {
                (uint256 stakes, ) = l.oddsOf(handler.tokenAt(k));
                positions += stakes;
            }
            assertEq(positions + handler.refundedStakes(address(l)), sold, "positions + refunded != sold");
            if (l.status() == IListing.Status.Open) {
                assertLe(handler.dissolutionVotes(address(l)), sold, "votes exceed sold");
            }
        }
    }

    /// @notice The draw, the escrow order and the deed are where the listing's status says they are:
    /// Open → listing; Drawing → escrow; Settled → escrow until delivery, then the winner (or the seller after a
    /// refund); Failed or Dissolved → seller.
    /// hardhat-config: invariant.depth = 150
    function invariant_deedAndDrawFollowStatus() public view {
        uint256 pending;
        for (uint256 i; i < handler.listingCount(); ++i) {
            Listing l = handler.listingAt(i);
            (, IListing.Terms memory t) = l.charter();
            IListing.Status s = l.status();
            IMarketplace.DrawStatus d = marketplace.drawOf(address(l)).status;
            if (d == IMarketplace.DrawStatus.Pending) ++pending;
            uint256 orderId = l.escrowOrderId();
            IDeliveryEscrow.Order memory o;
            if (orderId != 0) o = escrow.order(orderId);
            address owner = deed.ownerOf(t.deedId);

            if (s == IListing.Status.Open) {
                assertEq(owner, address(l), "Open: deed");
                assertEq(orderId, 0, "Open: order");
                assertEq(uint256(d), uint256(IMarketplace.DrawStatus.None), "Open: draw");
            } else if (s == IListing.Status.Drawing) {
                assertEq(owner, address(escrow), "Drawing: deed");
                assertEq(uint256(o.status), uint256(IDeliveryEscrow.OrderStatus.AwaitingDraw), "Drawing: order");
                assertTrue(
                    d == IMarketplace.DrawStatus.Pending || d == IMarketplace.DrawStatus.Fulfilled,
                    "Drawing: draw"
                );
            } else if (s == IListing.Status.Settled) {
                assertEq(uint256(d), uint256(IMarketplace.DrawStatus.Fulfilled), "Settled: draw");
                assertEq(o.buyer, handler.winnerOf(address(l)), "Settled: order buyer != drawn winner");
                if (o.status == IDeliveryEscrow.OrderStatus.Released) {
                    assertEq(owner, o.buyer, "Released: deed not with winner");
                } else if (o.status == IDeliveryEscrow.OrderStatus.Refunded) {
                    assertEq(owner, seller, "Refunded: deed not with seller");
                } else {
                    assertTrue(
                        o.status == IDeliveryEscrow.OrderStatus.AwaitingShipment ||
                            o.status == IDeliveryEscrow.OrderStatus.Shipped,
                        "Settled: order status"
                    );
                    assertEq(owner, address(escrow), "Settled: deed not in escrow");
                }
            } else {
                // Failed (threshold, revoked seller or expired draw) or Dissolved
                assertEq(owner, seller, "Failed/Dissolved: deed not with seller");
                assertTrue(orderId == 0 || o.status == IDeliveryEscrow.OrderStatus.Voided, "Failed: order");
                assertTrue(
                    d == IMarketplace.DrawStatus.None || d == IMarketplace.DrawStatus.Abandoned,
                    "Failed: draw"
                );
            }
        }
        assertEq(marketplace.pendingDraws(), pending, "pendingDraws");
    }

    /// @dev A contract's balance less what was donated to it: donations are allowed for, and a loss below the
    /// donations underflows (fails) instead of hiding behind them.
    function _net(address who) private view returns (uint256) {
        return usdc.balanceOf(who) - handler.donated(who);
    }

    // ================================================================ the end of every run

    /// @notice Whatever happened, every listing can still be run to its end and every unit paid out: afterwards
    /// the listings, the escrow and the vault hold nothing, and nothing was lost.
    function afterInvariant() public {
        handler.drainAll();
        invariant_listingBalanceEqualsGhostTotal();
        invariant_creditAndListingsEqualGhostTotals();
        invariant_escrowAndVaultEqualGhostTotals();
        invariant_pickNeverChangesAfterRequest();
        for (uint256 i; i < handler.listingCount(); ++i) {
            Listing l = handler.listingAt(i);
            assertEq(_net(address(l)), 0, "listing not drained");
            assertEq(l.owed(), 0, "listing still owes");
        }
        assertEq(_net(address(escrow)), 0, "escrow not drained");
        assertEq(escrow.totalHeld(), 0);
        assertEq(_net(address(vault)), 0, "vault not drained");
        assertEq(vault.totalOwed(), 0);
        invariant_usdcConserved();
        invariant_deedAndDrawFollowStatus();
    }
}
