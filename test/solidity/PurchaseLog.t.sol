// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {PurchaseLog} from "../../contracts/libraries/PurchaseLog.sol";
import {Listing} from "../../contracts/Listing.sol";
import {BidToken} from "../../contracts/BidToken.sol";
import {IListing} from "../../contracts/interfaces/IListing.sol";
import {IMarketplace} from "../../contracts/interfaces/IMarketplace.sol";
import {IDeliveryEscrow} from "../../contracts/interfaces/IDeliveryEscrow.sol";
import {SystemSetup} from "./SystemSetup.sol";

/// @notice Test-only: exposes the PurchaseLog library over one storage log.
contract PurchaseLogHarness {
    using PurchaseLog for PurchaseLog.Log;

    PurchaseLog.Log private _log;
    uint256 public length;
    uint256 public sold;

    function append(uint256 tokenId, uint256 count) external {
        sold += count;
        _log.append(length, tokenId, sold);
        ++length;
    }

    function find(uint256 stake) external view returns (uint256) {
        return _log.find(length, stake);
    }

    function holds(uint256 index, uint256 stake) external view returns (bool) {
        return _log.holds(length, index, stake);
    }

    function range(uint256 index) external view returns (uint256 tokenId, uint256 firstStake, uint256 lastStake) {
        return _log.range(index);
    }

    function cancel(uint256 index) external {
        _log.cancel(index);
    }

    function isCancelled(uint256 index) external view returns (bool cancelled) {
        (, , cancelled) = _log.entry(index);
    }

    function draw(uint256 word) external view returns (uint256 stake, uint256 index, uint256 tokenId) {
        return _log.draw(length, sold, word, new uint256[](0));
    }
}

/// @title PurchaseLog fuzz tests
/// @notice For any purchase pattern, `find` agrees with a linear scan, `holds` is true exactly for the purchase
/// holding the stake, and the ranges are consecutive and cover 1 … sold.
contract PurchaseLogFuzzTest is Test {
    uint256 private constant MAX_PURCHASES = 64;
    uint256 private constant MAX_COUNT = 1_000;

    PurchaseLogHarness private harness;

    function setUp() public {
        harness = new PurchaseLogHarness();
    }

    /// @dev Appends 1 … 64 purchases of 1 … maxCount stakes, derived from the fuzzed array (an empty array gives
    /// one purchase derived from `seed`). Token ids are 1-based and repeat, as a buyer's token does.
    function _fill(uint256[] memory counts, uint256 seed, uint256 maxCount) private returns (uint256 n) {
        n = counts.length == 0 ? 1 : (counts.length > MAX_PURCHASES ? MAX_PURCHASES : counts.length);
        for (uint256 i; i < n; ++i) {
            uint256 raw = counts.length == 0 ? seed : counts[i];
            uint256 count = bound(raw, 1, maxCount);
            harness.append((raw % 7) + 1, count);
        }
    }

    /// @dev The linear-scan oracle: the only index whose range contains `stake`.
    function _scan(uint256 n, uint256 stake) private view returns (uint256) {
        for (uint256 i; i < n; ++i) {
            (, uint256 first, uint256 last) = harness.range(i);
            if (first <= stake && stake <= last) return i;
        }
        revert("stake not covered");
    }

    function testFuzz_FindMatchesLinearScan(uint256[] memory counts, uint256 seed, uint256 stake) public {
        uint256 n = _fill(counts, seed, MAX_COUNT);
        uint256 sold = harness.sold();
        stake = bound(stake, 1, sold);

        uint256 expected = _scan(n, stake);
        uint256 found = harness.find(stake);
        assertEq(found, expected, "find != linear scan");

        // holds is true for exactly that index: neighbours and out-of-range indices are false.
        assertTrue(harness.holds(found, stake), "holds(found)");
        if (found > 0) assertFalse(harness.holds(found - 1, stake), "holds(found - 1)");
        if (found + 1 < n) assertFalse(harness.holds(found + 1, stake), "holds(found + 1)");
        assertFalse(harness.holds(n, stake), "holds(length)");
        assertFalse(harness.holds(n + (seed % 1_000), stake), "holds(beyond length)");
        assertFalse(harness.holds(type(uint256).max, stake), "holds(max)");
        // Every index, not only the neighbours.
        for (uint256 i; i < n; ++i) {
            assertEq(harness.holds(i, stake), i == found, "holds is not exact");
        }
    }

    function testFuzz_RangesAreConsecutiveAndCoverSold(uint256[] memory counts, uint256 seed) public {
        uint256 n = _fill(counts, seed, MAX_COUNT);
        uint256 expectedFirst = 1;
        for (uint256 i; i < n; ++i) {
            (uint256 tokenId, uint256 first, uint256 last) = harness.range(i);
            assertEq(first, expectedFirst, "gap or overlap between ranges");
            assertGe(last, first, "empty range");
            assertGt(tokenId, 0, "token id lost");
            // Both boundaries of every range are found at this index, and only here.
            assertEq(harness.find(first), i, "find(first)");
            assertEq(harness.find(last), i, "find(last)");
            assertTrue(harness.holds(i, first) && harness.holds(i, last), "holds own boundaries");
            // Stake 0 does not exist (stakes are 1-based), so only a real previous stake is checked.
            if (i > 0) assertFalse(harness.holds(i, first - 1), "holds previous range's last stake");
            assertFalse(harness.holds(i, last + 1), "holds next range's first stake");
            expectedFirst = last + 1;
        }
        assertEq(expectedFirst - 1, harness.sold(), "ranges do not end at sold");
        assertEq(harness.length(), n);
    }

    /// @dev The same properties near the top of the uint64 stake space (stake counts are uint64 in the charter).
    /// @dev Lanes share slots: extreme token ids and stake numbers must come back exactly, neighbours untouched.
    function testFuzz_PackedLanesRoundTrip(uint256[8] memory tokenIds, uint256[8] memory counts) public {
        uint256 perPurchase = PurchaseLog.MAX_STAKE / 8;
        uint256[8] memory lasts;
        for (uint256 i; i < 8; ++i) {
            tokenIds[i] = bound(tokenIds[i], 1, PurchaseLog.MAX_TOKEN_ID);
            harness.append(tokenIds[i], bound(counts[i], 1, perPurchase));
            lasts[i] = harness.sold();
        }
        for (uint256 i; i < 8; ++i) {
            (uint256 tokenId, uint256 first, uint256 last) = harness.range(i);
            assertEq(tokenId, tokenIds[i], "token id");
            assertEq(last, lasts[i], "last stake");
            assertEq(first, i == 0 ? 1 : lasts[i - 1] + 1, "first stake");
        }
    }

    function test_BidTokenSupplyFitsALane() public {
        assertLe(new BidToken(address(this), address(0), 0, new uint256[](0)).MAX_SUPPLY(), PurchaseLog.MAX_TOKEN_ID);
    }

    function testFuzz_LargeCounts(uint256[] memory counts, uint256 seed, uint256 stake) public {
        uint256 n = _fill(counts, seed, PurchaseLog.MAX_STAKE / MAX_PURCHASES);
        uint256 sold = harness.sold();
        assertLe(sold, PurchaseLog.MAX_STAKE);
        stake = bound(stake, 1, sold);
        uint256 found = harness.find(stake);
        assertEq(found, _scan(n, stake));
        assertTrue(harness.holds(found, stake));
        (, , uint256 lastOfLast) = harness.range(n - 1);
        assertEq(lastOfLast, sold);
        assertEq(harness.find(sold), n - 1);
        assertEq(harness.find(1), 0);
    }
}

/// @title Listing draw fuzz test
/// @notice Through the real system: any purchase pattern, any VRF word; the winner is the current owner of the
/// token whose purchase holds stake (word % (sold + cancelled)) + 1 — nothing is cancelled here, so word % sold + 1 —
/// recomputed from the `purchase(i)` views alone.
contract ListingDrawFuzzTest is SystemSetup {
    uint256 private constant BUYERS = 4;
    uint256 private constant MAX_PURCHASES = 24;
    uint256 private constant MAX_COUNT = 50;

    address[BUYERS] private buyers;
    address private collector = makeAddr("collector");
    Listing private listing;
    IListing.Terms private terms;
    uint256[BUYERS] private tokenOf;

    function setUp() public {
        _deploySystem();
        // T = 1 and P = s, so any non-empty pattern settles into a draw.
        IListing.Terms memory t = _terms({
            price: 1 * USDC,
            stakePrice: 1 * USDC,
            stakeCount: MAX_PURCHASES * MAX_COUNT,
            threshold: 1,
            duration: 7 days
        });
        listing = _createListing(t, "ipfs://draw-fuzz");
        (, terms) = listing.charter();
        for (uint256 i; i < BUYERS; ++i) {
            buyers[i] = makeAddr(string.concat("buyer", vm.toString(i)));
            usdc.mint(buyers[i], 1_000_000 * USDC);
            vm.prank(buyers[i]);
            usdc.approve(address(listing), type(uint256).max);
        }
    }

    function testFuzz_WinnerHoldsDrawnStake(
        uint256[] memory pattern,
        uint256 seed,
        uint256 word,
        bool hinted,
        bool transferOne
    ) public {
        (uint256 sold, uint256 purchases) = _buyPattern(pattern, seed);

        // Positions move with the token: hand one buyer's token to a stranger before the draw.
        if (transferOne && tokenOf[seed % BUYERS] != 0) {
            address from = buyers[seed % BUYERS];
            vm.prank(from);
            bidToken.transferFrom(from, collector, tokenOf[seed % BUYERS]);
        }

        // ---- settle and draw
        vm.warp(terms.deadline);
        listing.settle();
        assertEq(uint256(listing.status()), uint256(IListing.Status.Drawing));
        _fulfil(address(listing), word);
        (IMarketplace.DrawStatus drawStatus, uint256 stored) = marketplace.randomWord(address(listing));
        assertEq(uint256(drawStatus), uint256(IMarketplace.DrawStatus.Fulfilled), "callback failed");
        assertEq(stored, word);

        (uint256 stake, uint256 index, address expectedWinner) = _recompute(word, sold, purchases);

        address winner;
        if (hinted) {
            uint256 wrong = index + 1 < purchases ? index + 1 : (index > 0 ? index - 1 : purchases);
            vm.expectRevert(abi.encodeWithSelector(IListing.WrongHint.selector, wrong, stake));
            listing.finalizeWithHint(wrong);
            winner = listing.finalizeWithHint(index);
        } else {
            winner = listing.finalize();
        }
        assertEq(winner, expectedWinner, "winner");
        assertEq(uint256(listing.status()), uint256(IListing.Status.Settled));
        _checkDelivery(winner, sold);
    }

    /// @dev Each entry picks a buyer, a count, and whether to reuse the buyer's token.
    function _buyPattern(uint256[] memory pattern, uint256 seed) private returns (uint256 sold, uint256 purchases) {
        uint256 n = pattern.length == 0 ? 1 : (pattern.length > MAX_PURCHASES ? MAX_PURCHASES : pattern.length);
        uint256 paid;
        for (uint256 i; i < n; ++i) {
            uint256 e = pattern.length == 0 ? seed : pattern[i];
            uint256 b = e % BUYERS;
            uint256 count = bound(e >> 8, 1, MAX_COUNT);
            bool fresh = tokenOf[b] == 0 || (e >> 4) % 5 == 0; // sometimes a buyer takes a second token
            vm.prank(buyers[b]);
            (uint256 used, uint256 firstStake) = listing.buy(fresh ? 0 : tokenOf[b], count);
            if (!fresh) assertEq(used, tokenOf[b], "token not reused");
            tokenOf[b] = used;
            assertEq(firstStake, paid + 1, "stake numbers not in sale order");
            paid += count;
        }
        (sold, purchases) = listing.sales();
        assertEq(sold, paid);
        assertEq(purchases, n);
        assertEq(usdc.balanceOf(address(listing)), sold * terms.stakePrice);
    }

    /// @dev Recomputes the winner from the purchase(i) views alone, as an auditor would.
    function _recompute(
        uint256 word,
        uint256 sold,
        uint256 purchases
    ) private view returns (uint256 stake, uint256 index, address expectedWinner) {
        stake = (word % sold) + 1; // stakes numbered over sold + cancelled; none cancelled in this test
        index = type(uint256).max;
        uint256 expectedFirst = 1;
        for (uint256 i; i < purchases; ++i) {
            (, uint256 first, uint256 last) = listing.purchase(i);
            assertEq(first, expectedFirst, "ranges not consecutive");
            expectedFirst = last + 1;
            if (first <= stake && stake <= last) {
                assertEq(index, type(uint256).max, "two purchases hold the stake");
                index = i;
            }
        }
        assertEq(expectedFirst - 1, sold, "ranges do not cover 1..sold");
        (uint256 outToken, uint256 outFirst, uint256 outLast) = listing.purchase(purchases);
        assertEq(outToken + outFirst + outLast, 0, "purchase(out of range) not empty");
        (uint256 winningToken, , ) = listing.purchase(index);
        expectedWinner = bidToken.ownerOf(winningToken);

        (bool ready, uint256 viewStake, uint256 viewIndex) = listing.winningStake();
        assertTrue(ready);
        assertEq(viewStake, stake, "winningStake().stake");
        assertEq(viewIndex, index, "winningStake().purchaseIndex");
    }

    /// @dev The escrow order is the winner's; releasing it hands the deed over and credits the seller.
    function _checkDelivery(address winner, uint256 sold) private {
        uint256 orderId = listing.escrowOrderId();
        IDeliveryEscrow.Order memory o = escrow.order(orderId);
        assertEq(o.buyer, winner);
        assertEq(o.amount, terms.price);
        assertEq(deed.ownerOf(terms.deedId), address(escrow));
        vm.prank(winner);
        escrow.release(orderId);
        assertEq(deed.ownerOf(terms.deedId), winner);
        assertEq(escrow.owedTo(seller), terms.price);
        assertEq(listing.owed(), sold * terms.stakePrice - terms.price);
        assertEq(usdc.balanceOf(address(listing)), listing.owed());
    }
}

/// @title Listing purchase-input fuzz test
/// @notice SPEC §6: every state-changing call validates its input and reverts with a named custom error.
contract ListingBuyInputFuzzTest is SystemSetup {
    Listing private listing;
    address private buyer = makeAddr("buyer");

    function setUp() public {
        _deploySystem();
        listing = _createListing(
            _terms({price: 100 * USDC, stakePrice: 1 * USDC, stakeCount: 1_000, threshold: 100, duration: 7 days}),
            "ipfs://input-fuzz"
        );
        usdc.mint(buyer, 1_000_000 * USDC);
        vm.prank(buyer);
        usdc.approve(address(listing), type(uint256).max);
    }

    /// @notice Asking for more stakes than remain reverts with `ExceedsRemaining`, through `buy` and through
    /// `buyWithPermit` alike, whatever the count.
    /// @dev FAILS on the current Listing: `buyWithPermit` computes `count * stakePrice` before any validation, so a
    /// count above 2**256 / stakePrice reverts with an arithmetic panic (0x11) instead of the named error.
    function testFuzz_BuyBeyondRemainingRevertsWithNamedError(uint256 count, bool withPermit) public {
        (uint256 sold, ) = listing.sales();
        uint256 remaining = 1_000 - sold;
        count = bound(count, remaining + 1, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(IListing.ExceedsRemaining.selector, count, remaining));
        vm.prank(buyer);
        if (withPermit) listing.buyWithPermit(0, count, type(uint256).max, block.timestamp, 27, bytes32(0), bytes32(0));
        else listing.buy(0, count);
    }

    /// @notice The same, for the largest count: the concrete counterexample of the fuzz test above.
    /// @dev FAILS on the current Listing (panic 0x11 in `buyWithPermit`, Listing.sol, before `_buy` validates).
    function test_BuyWithPermitOfMaxCountRevertsWithNamedError() public {
        uint256 count = type(uint256).max;
        vm.expectRevert(abi.encodeWithSelector(IListing.ExceedsRemaining.selector, count, 1_000));
        vm.prank(buyer);
        listing.buyWithPermit(0, count, type(uint256).max, block.timestamp, 27, bytes32(0), bytes32(0));
    }
}

/// @title Draw with cancellations
/// @notice The rejection-sampled draw never picks a cancelled purchase, hits every held stake, agrees with its
/// hinted form, and is uniform over the held stakes within statistical tolerance.
contract DrawWithCancellationsTest is Test {
    PurchaseLogHarness private harness;

    function setUp() public {
        harness = new PurchaseLogHarness();
    }

    /// @notice After any pattern of purchases and cancellations (fewer than half the stakes cancelled, as the
    /// listing enforces), the drawn stake lies in a purchase that was not cancelled, and holds the stake.
    function testFuzz_WinnerHoldsAStakeThatWasNotCancelled(
        uint256[] memory counts,
        uint256 cancelMask,
        uint256 word
    ) public {
        uint256 n = counts.length == 0 ? 1 : (counts.length > 48 ? 48 : counts.length);
        uint256 cancelled;
        for (uint256 i; i < n; ++i) {
            uint256 count = bound(counts.length == 0 ? word : counts[i], 1, 500);
            harness.append(i + 1, count);
        }
        for (uint256 i; i < n; ++i) {
            (, uint256 first, uint256 last) = harness.range(i);
            uint256 count = last - first + 1;
            if ((cancelMask >> i) & 1 == 1 && 2 * (cancelled + count) <= harness.sold()) {
                harness.cancel(i);
                cancelled += count;
            }
        }
        (uint256 stake, uint256 index, uint256 tokenId) = harness.draw(word);
        assertFalse(harness.isCancelled(index), "drew a cancelled purchase");
        assertTrue(harness.holds(index, stake), "index does not hold the stake");
        assertEq(tokenId, index + 1, "token of the purchase");
    }

    /// @notice Many draws with derived words over 30 held stakes in 6 purchases (3 cancelled in between):
    /// each held stake's count is within 5 standard deviations of uniform, and cancelled stakes never come up.
    function test_DrawIsUniformOverHeldStakes() public {
        // Purchases of 5 stakes each: 1-5, 6-10 (cancelled), 11-15, 16-20 (cancelled), 21-25, 26-30, 31-35
        // (cancelled), 36-40, 41-45: 45 numbers, 30 held.
        for (uint256 i; i < 9; ++i) harness.append(i + 1, 5);
        harness.cancel(1);
        harness.cancel(3);
        harness.cancel(6);
        uint256 draws = 3_000;
        uint256[46] memory hits;
        for (uint256 i; i < draws; ++i) {
            (uint256 stake, uint256 index, ) = harness.draw(uint256(keccak256(abi.encode("uniformity", i))));
            assertFalse(harness.isCancelled(index), "drew a cancelled purchase");
            ++hits[stake];
        }
        // Expected 100 per held stake; binomial sd = sqrt(3000 * 1/30 * 29/30) ≈ 9.8.
        for (uint256 stake = 1; stake <= 45; ++stake) {
            bool held = !((stake >= 6 && stake <= 10) || (stake >= 16 && stake <= 20) || (stake >= 31 && stake <= 35));
            if (!held) {
                assertEq(hits[stake], 0, "cancelled stake drawn");
                continue;
            }
            assertGe(hits[stake], 51, "held stake drawn too rarely");
            assertLe(hits[stake], 149, "held stake drawn too often");
        }
    }

    /// @notice With nothing cancelled, numbered = sold + cancelled = sold, so the draw is stake word mod sold + 1, one attempt.
    function testFuzz_WithoutCancellationsTheFirstAttemptWins(uint256[] memory counts, uint256 word) public {
        uint256 n = counts.length == 0 ? 1 : (counts.length > 32 ? 32 : counts.length);
        for (uint256 i; i < n; ++i) harness.append(i + 1, bound(counts.length == 0 ? word : counts[i], 1, 1_000));
        (uint256 stake, , ) = harness.draw(word);
        assertEq(stake, (word % harness.sold()) + 1);
    }
}
