// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Listing} from "../../contracts/Listing.sol";
import {IListing} from "../../contracts/interfaces/IListing.sol";
import {SystemSetup} from "./SystemSetup.sol";
import {PurchaseLogHarness} from "./PurchaseLog.t.sol";

/// @title The draw's 64-rejection fallback
/// @notice A log in which almost every stake number is cancelled, so that words whose 64 attempts all land in
/// cancelled purchases are common; the words are found by an independent replay of the attempts, and each must
/// fall back to the next held purchase after the last attempt's (wrapping around the log).
contract DrawFallbackTest is Test {
    PurchaseLogHarness private harness;

    function setUp() public {
        harness = new PurchaseLogHarness();
        // Purchases: 0 = stakes 1-500 (cancelled), 1 = stake 501, 2 = 502-1001 (cancelled), 3 = stake 1002,
        // 4 = 1003-1502 (cancelled): 1502 numbers, 2 held.
        harness.append(1, 500);
        harness.append(2, 1);
        harness.append(3, 500);
        harness.append(4, 1);
        harness.append(5, 500);
        harness.cancel(0);
        harness.cancel(2);
        harness.cancel(4);
    }

    /// @dev The purchase holding `stake` in the layout above.
    function _purchaseOf(uint256 stake) private pure returns (uint256) {
        if (stake <= 500) return 0;
        if (stake == 501) return 1;
        if (stake <= 1001) return 2;
        if (stake == 1002) return 3;
        return 4;
    }

    /// @notice For every word whose 64 attempts are all rejected, the draw returns the next held purchase after
    /// the last attempt's: 0 → 1, 2 → 3, and 4 → (0 is cancelled) → 1; every case occurs among the words tried.
    function test_SixtyFourRejectionsFallBackToTheNextHeldPurchase() public view {
        uint256 numbered = harness.sold();
        bool[5] memory seen;
        uint256 fallbacks;
        for (uint256 i; i < 200; ++i) {
            uint256 word = uint256(keccak256(abi.encode("fallback", i)));
            uint256 last;
            bool accepted;
            for (uint256 attempt; attempt < 64 && !accepted; ++attempt) {
                uint256 sample = attempt == 0 ? word : uint256(keccak256(abi.encode(word, attempt)));
                last = _purchaseOf((sample % numbered) + 1);
                accepted = last == 1 || last == 3;
            }
            (uint256 stake, uint256 index, uint256 tokenId) = harness.draw(word);
            assertFalse(harness.isCancelled(index), "drew a cancelled purchase");
            assertTrue(harness.holds(index, stake), "index does not hold the stake");
            assertEq(tokenId, index + 1, "token of the purchase");
            if (accepted) continue;
            uint256 expected = last == 2 ? 3 : 1;
            assertEq(index, expected, "fallback is not the next held purchase");
            seen[last] = true;
            ++fallbacks;
        }
        assertTrue(seen[0] && seen[2] && seen[4], "not every fallback case was reached");
        // (1500/1502)^64 ≈ 0.918 of the words fall back.
        assertGt(fallbacks, 150, "too few fallbacks");
    }
}

/// @title Chi-square test of finalize's winners, through the real Listing
/// @notice One listing, five holders with 4, 6, 8, 10 and 12 stakes, and two purchases cancelled in between
/// (12 numbers): the draw is requested once, then answered with many derived words, each from the same snapshot.
contract FinalizeChiSquareTest is SystemSetup {
    uint256 private constant DRAWS = 600;
    /// @dev The chi-square quantile for 4 degrees of freedom at p = 0.001, times 1000.
    uint256 private constant CRITICAL_X1000 = 18_467;

    Listing private listing;
    address[5] private holders;
    uint256[5] private stakes = [uint256(4), 6, 8, 10, 12];
    address[2] private cancellers;

    function setUp() public {
        _deploySystem();
        listing = _createListing(
            _terms({price: 100 * USDC, stakePrice: 10 * USDC, stakeCount: 60, threshold: 10, duration: 3 days}),
            "ipfs://chi-square"
        );
        for (uint256 i; i < 5; ++i) holders[i] = _funded(string.concat("holder", vm.toString(i)));
        cancellers[0] = _funded("canceller0");
        cancellers[1] = _funded("canceller1");
        // Purchases in order: h0 4, c0 9 (cancelled), h1 6, h2 8, c1 3 (cancelled), h3 10, h4 12.
        _buy(holders[0], 4);
        _buy(cancellers[0], 9);
        _buy(holders[1], 6);
        _buy(holders[2], 8);
        _buy(cancellers[1], 3);
        _buy(holders[3], 10);
        _buy(holders[4], 12);
        vm.prank(cancellers[0]);
        listing.cancelPurchase(1);
        vm.prank(cancellers[1]);
        listing.cancelPurchase(4);
        (uint256 cancelled, ) = listing.cancellations();
        assertEq(cancelled, 12);
        vm.warp(block.timestamp + 3 days);
        listing.settle();
        assertEq(uint256(listing.status()), uint256(IListing.Status.Drawing));
    }

    function _funded(string memory name) private returns (address who) {
        who = makeAddr(name);
        usdc.mint(who, 1_000 * USDC);
        vm.prank(who);
        usdc.approve(address(listing), type(uint256).max);
    }

    function _buy(address who, uint256 count) private {
        vm.prank(who);
        listing.buy(0, count);
    }

    /// @notice Over 600 words, each holder wins in proportion to its held stakes (chi-square below the p = 0.001
    /// quantile), and no canceller ever wins.
    function test_FinalizeWinnersFollowHeldStakes() public {
        uint256 snapshot = vm.snapshotState();
        uint256[5] memory wins;
        for (uint256 i; i < DRAWS; ++i) {
            _fulfil(address(listing), uint256(keccak256(abi.encode("chi-square", i))));
            address winner = listing.finalize();
            bool found;
            for (uint256 k; k < 5; ++k) {
                if (winner == holders[k]) {
                    ++wins[k];
                    found = true;
                }
            }
            assertTrue(found, "the winner holds no stake");
            vm.revertToState(snapshot);
        }
        uint256 held = 40;
        uint256 chiX1000;
        for (uint256 k; k < 5; ++k) {
            // (observed − expected)² / expected, with expected = DRAWS · stakes / held, scaled by held.
            uint256 o = wins[k] * held;
            uint256 e = DRAWS * stakes[k];
            uint256 d = o > e ? o - e : e - o;
            chiX1000 += (d * d * 1000) / (e * held);
        }
        emit log_named_uint("chi-square x1000", chiX1000);
        assertLt(chiX1000, CRITICAL_X1000, "winners are not distributed as the held stakes");
    }
}
