// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CommonBase} from "forge-std/Base.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {StdAssertions} from "forge-std/StdAssertions.sol";
import {VRFCoordinatorV2_5Mock} from "@chainlink/contracts/src/v0.8/vrf/mocks/VRFCoordinatorV2_5Mock.sol";
import {Marketplace} from "../../contracts/Marketplace.sol";
import {BidToken} from "../../contracts/BidToken.sol";
import {AssetDeed} from "../../contracts/AssetDeed.sol";
import {DeliveryEscrow} from "../../contracts/DeliveryEscrow.sol";
import {RevenueVault} from "../../contracts/RevenueVault.sol";
import {Listing} from "../../contracts/Listing.sol";
import {MockUSDC} from "../../contracts/mocks/MockUSDC.sol";
import {IMarketplace} from "../../contracts/interfaces/IMarketplace.sol";
import {IListing} from "../../contracts/interfaces/IListing.sol";

/// @title ListingHandlerBase
/// @notice Test-only: what the two listing invariant handlers (`CopurchaseHandler`, `LifecycleHandler`) share — the
/// system's contracts, the actors, listings and bid tokens they track, the views their invariants read, the token
/// transfer and pause actions, and the small helpers that pick actors, tokens and listings from fuzzer seeds.
/// @dev Each handler counts the actions that did real work its own way: it implements `_hit`.
abstract contract ListingHandlerBase is CommonBase, StdUtils, StdAssertions {
    /// @notice The contracts and accounts every listing handler drives.
    struct Core {
        MockUSDC usdc;
        Marketplace marketplace;
        BidToken bidToken;
        AssetDeed deed;
        DeliveryEscrow escrow;
        RevenueVault vault;
        address admin;
        address seller;
    }

    MockUSDC internal immutable _USDC;
    Marketplace internal immutable _MARKETPLACE;
    BidToken internal immutable _BID_TOKEN;
    AssetDeed internal immutable _DEED;
    DeliveryEscrow internal immutable _ESCROW;
    RevenueVault internal immutable _VAULT;
    address internal immutable _ADMIN;
    address internal immutable _SELLER;

    Listing[] internal _listings;
    address[] internal _actors;
    /// @dev Every bid token the handler saw issued, in issue order.
    uint256[] internal _tokens;

    constructor(Core memory c, address[] memory actors_) {
        _USDC = c.usdc;
        _MARKETPLACE = c.marketplace;
        _BID_TOKEN = c.bidToken;
        _DEED = c.deed;
        _ESCROW = c.escrow;
        _VAULT = c.vault;
        _ADMIN = c.admin;
        _SELLER = c.seller;
        _actors = actors_;
    }

    /// @dev Records that `action` did real work (not a skip).
    function _hit(string memory action) internal virtual;

    // ================================================================ shared actions

    /// @notice A token changes hands mid-sale: its positions, votes, credit and refunds move with it.
    function transferToken(uint256 tokenSeed, uint256 toSeed) external {
        uint256 token = _anyToken(tokenSeed);
        if (token == 0) return;
        address from = _BID_TOKEN.ownerOf(token);
        address to = _actor(toSeed);
        if (from == to || from == address(_BID_TOKEN)) return; // the treasury's tokens move only by issue
        vm.prank(from);
        _BID_TOKEN.transferFrom(from, to, token);
        _hit("transferToken");
    }

    /// @notice The pauser pauses or unpauses new sales (gated: one call in twelve acts); the bid token follows.
    function togglePause(uint256 gate) external {
        if (!_gate(gate, 12)) return;
        bool paused = _MARKETPLACE.paused();
        vm.prank(_ADMIN);
        if (paused) _MARKETPLACE.unpause();
        else _MARKETPLACE.pause();
        assertEq(_BID_TOKEN.marketplacePauseMirror(), _MARKETPLACE.paused());
        _hit("togglePause");
    }

    // ================================================================ views for the invariants

    function listingCount() external view returns (uint256) {
        return _listings.length;
    }

    function listingAt(uint256 i) external view returns (Listing) {
        return _listings[i];
    }

    function actorCount() external view returns (uint256) {
        return _actors.length;
    }

    function actorAt(uint256 i) external view returns (address) {
        return _actors[i];
    }

    function tokenCount() external view returns (uint256) {
        return _tokens.length;
    }

    function tokenAt(uint256 i) external view returns (uint256) {
        return _tokens[i];
    }

    // ================================================================ internals

    /// @dev The VRF mock `coordinator` answers request `requestId` with the single word `word`.
    function _answer(VRFCoordinatorV2_5Mock coordinator, uint256 requestId, uint256 word) internal {
        uint256[] memory words = new uint256[](1);
        words[0] = word;
        coordinator.fulfillRandomWordsWithOverride(requestId, address(_MARKETPLACE), words);
    }

    function _termsOf(Listing l) internal view returns (IListing.Terms memory t) {
        (, t) = l.charter();
    }

    function _isSettleDue(Listing l) internal view returns (bool) {
        return l.status() == IListing.Status.Open && l.pendingAction() == IListing.Action.Settle;
    }

    function _isDrawn(Listing l) internal view returns (bool) {
        return
            l.status() == IListing.Status.Drawing &&
            _MARKETPLACE.drawOf(address(l)).status == IMarketplace.DrawStatus.Fulfilled;
    }

    function _isRefunding(Listing l) internal view returns (bool) {
        IListing.Status s = l.status();
        return s == IListing.Status.Failed || s == IListing.Status.Dissolved;
    }

    /// @dev True for about one seed in `oneIn`. Hashing first: fuzzers favour 0 and other edge values, which
    /// would pass a plain `seed % oneIn == 0` far too often.
    function _gate(uint256 seed, uint256 oneIn) internal pure returns (bool) {
        return uint256(keccak256(abi.encode(seed))) % oneIn == 0;
    }

    function _actor(uint256 seed) internal view returns (address) {
        return _actors[seed % _actors.length];
    }

    function _anyToken(uint256 seed) internal view returns (uint256) {
        return _tokens.length == 0 ? 0 : _tokens[seed % _tokens.length];
    }
}
