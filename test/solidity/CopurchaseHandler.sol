// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

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
import {IBidToken} from "../../contracts/interfaces/IBidToken.sol";
import {IDeliveryEscrow} from "../../contracts/interfaces/IDeliveryEscrow.sol";
import {IRevenueVault} from "../../contracts/interfaces/IRevenueVault.sol";
import {ListingHandlerBase} from "./ListingHandlerBase.sol";

/// @title CopurchaseHandler
/// @notice Test-only invariant handler: random actors buy, vote, transfer tokens and claim refunds on a few
/// listings while time passes, settlement, the VRF mock, finalization, expiry, the escrow and the vault run.
/// @dev Every action either skips when its precondition does not hold, or predicts the exact custom error and
/// asserts it with `vm.expectRevert`, so that `failOnRevert` reports any unexpected revert as a failure.
contract CopurchaseHandler is ListingHandlerBase {
    struct System {
        MockUSDC usdc;
        VRFCoordinatorV2_5Mock coordinator;
        Marketplace marketplace;
        BidToken bidToken;
        AssetDeed deed;
        DeliveryEscrow escrow;
        RevenueVault vault;
        address admin;
        address seller;
        address operations;
        address donations;
    }

    /// @dev One purchase in the making.
    struct Purchase {
        Listing listing;
        address actor;
        uint256 tokenId;
        uint256 count;
        uint256 cost;
        uint256 sold;
        uint256 numbered;
        uint256 balanceBefore;
        uint256 used;
        uint256 firstStake;
        uint256 creditSpent;
    }

    uint256 private constant MAX_BUY = 25;

    VRFCoordinatorV2_5Mock private immutable _COORDINATOR;
    address private immutable _OPERATIONS;
    address private immutable _DONATIONS;

    bytes32 private constant _PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    mapping(address actor => uint256) private _keys;
    mapping(uint256 tokenId => bool) private _known;

    // ---- ghost books, per listing
    mapping(address listing => uint256) public paidIn;
    mapping(address listing => uint256) public refundsPaid;
    mapping(address listing => uint256) public refundedStakes;
    mapping(address listing => uint256) public drawExpiresAt;
    mapping(address listing => bool) public collected;
    mapping(address listing => bool) public requestConsumed;
    mapping(address listing => address) public winnerOf;
    mapping(address listing => mapping(uint256 tokenId => uint256)) public votedStakes;
    uint256 public totalPaidIn;
    /// @dev The treasury's stack as the handler saw it: a first purchase must be issued its top.
    uint256[] private _recycledStack;
    uint256 public totalRefunds;
    // ---- credit never becomes wallet money: what each token's wallet paid into a listing and what came back
    mapping(address listing => mapping(uint256 tokenId => uint256)) public walletPaid;
    mapping(address listing => uint256) public feesKept;
    uint256 public totalWalletPaid;
    uint256 public totalWalletRefunds;
    // ---- independent running totals of where the money is (never read back from the contracts' own books)
    /// @notice What listing `l` owns, in its balance or as its buyers' credit still pending at the bid token.
    mapping(address listing => uint256) public ghostHeld;
    /// @notice Each token's credit at the bid token.
    mapping(uint256 tokenId => uint256) public ghostCredit;
    /// @notice What the escrow owes: open orders' prices plus its parties' withdrawable credits.
    uint256 public ghostEscrow;
    /// @notice What the vault owes its recipients.
    uint256 public ghostVault;
    // ---- the draw: what the handler saw at the request and at the word
    /// @notice Stakes sold, numbered and purchases when the draw was requested (frozen from then on).
    mapping(address listing => uint256) public soldAtRequest;
    mapping(address listing => uint256) public numberedAtRequest;
    mapping(address listing => uint256) public purchasesAtRequest;
    /// @notice The pick the handler's own replay found when the word arrived: stake, purchase and token.
    mapping(address listing => bool) public picked;
    mapping(address listing => uint256) public pickedStake;
    mapping(address listing => uint256) public pickedIndex;
    mapping(address listing => uint256) public pickedToken;
    /// @notice How often each action did real work (not a skip), to check the run reaches every path.
    mapping(string action => uint256) public calls;

    constructor(
        System memory s,
        Listing[] memory listings_,
        address[] memory actors_,
        uint256[] memory keys_
    )
        ListingHandlerBase(
            Core(s.usdc, s.marketplace, s.bidToken, s.deed, s.escrow, s.vault, s.admin, s.seller),
            actors_
        )
    {
        _COORDINATOR = s.coordinator;
        _OPERATIONS = s.operations;
        _DONATIONS = s.donations;
        _listings = listings_;
        for (uint256 i; i < actors_.length; ++i) _keys[actors_[i]] = keys_[i];
    }

    function _hit(string memory action) internal override {
        ++calls[action];
    }

    // ================================================================ actions: buyers

    /// @notice A buyer buys, reusing one of its tokens when it has one and `reuse` says so.
    function buy(uint256 actorSeed, uint256 listingSeed, uint256 count, bool reuse) external {
        address actor = _actor(actorSeed);
        _buy(_listing(listingSeed), actor, reuse ? _tokenOwnedBy(actor, count) : 0, count);
    }

    /// @notice A buyer buys again on one of its tokens (a new one if it has none).
    /// @dev Buying is the action every other path depends on, so it has several selectors: the fuzzer picks
    /// selectors uniformly, and this weights purchases up.
    function buyAgain(uint256 actorSeed, uint256 listingSeed, uint256 count) external {
        address actor = _actor(actorSeed);
        _buy(_listing(listingSeed), actor, _tokenOwnedBy(actor, count), count);
    }

    /// @notice A buyer buys on the other listing than the seed says (keeps both listings busy).
    function buyOther(uint256 actorSeed, uint256 listingSeed, uint256 count) external {
        address actor = _actor(actorSeed);
        _buy(_listing((listingSeed % 2) + 1), actor, _tokenOwnedBy(actor, count), count);
    }

    /// @notice A buyer buys in one transaction with an EIP-2612 permit; when `frontRun`, someone who saw the
    /// permit submits it first, and the purchase must still go through on the allowance already in place.
    function buyWithPermit(uint256 actorSeed, uint256 listingSeed, uint256 count, bool frontRun) external {
        Purchase memory p = _preparePurchase(_listing(listingSeed), _actor(actorSeed), count);
        if (p.count == 0 || _BID_TOKEN.marketplacePauseMirror()) return;
        p.tokenId = _tokenOwnedBy(p.actor, count);
        p.creditSpent = _creditFor(p.tokenId, p.cost);
        // The permit is for what the wallet pays: the cost minus the token's credit.
        uint256 fromWallet = p.cost - p.creditSpent;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(p.actor, address(p.listing), fromWallet);
        if (frontRun && fromWallet != 0) {
            _USDC.permit(p.actor, address(p.listing), fromWallet, block.timestamp, v, r, s);
        }
        vm.prank(p.actor);
        (p.used, p.firstStake) = p.listing.buyWithPermit(p.tokenId, p.count, fromWallet, block.timestamp, v, r, s);
        _recordPurchase(p);
        // Credit covering it all means no permit at all; otherwise the permit is spent exactly.
        if (fromWallet != 0) assertEq(_USDC.allowance(p.actor, address(p.listing)), 0, "permit allowance not spent");
        ++calls[frontRun ? "buyWithPermitFrontRun" : "buyWithPermit"];
        // Back to the standing approval the other purchase actions rely on.
        vm.prank(p.actor);
        _USDC.approve(address(p.listing), type(uint256).max);
    }

    /// @notice A buyer buys on a freshly issued token.
    function buyWithNewToken(uint256 actorSeed, uint256 listingSeed, uint256 count) external {
        _buy(_listing(listingSeed), _actor(actorSeed), 0, count);
    }

    /// @notice The seller tries to buy its own listing: always refused.
    function sellerTriesToBuy(uint256 listingSeed) external {
        Listing l = _listing(listingSeed);
        IListing.Terms memory t = _termsOf(l);
        if (!_onSale(l, t) || _BID_TOKEN.marketplacePauseMirror()) return;
        vm.expectRevert(abi.encodeWithSelector(IListing.SellerCannotBuy.selector, _SELLER));
        vm.prank(_SELLER);
        l.buy(0, 1);
        ++calls["sellerTriesToBuy"];
    }

    /// @notice A holder votes to dissolve (gated: one call in two acts, so that most listings live on).
    function voteToDissolve(uint256 listingSeed, uint256 tokenSeed) external {
        Listing l = _listing(listingSeed);
        uint256 token = _anyToken(tokenSeed);
        if (!_gate(tokenSeed, 2) || token == 0 || !_votingOpen(l)) return;
        _vote(l, token);
    }

    /// @notice Every holder votes (gated, so that unanimity happens now and then, not in every run).
    function voteAll(uint256 listingSeed, uint256 gate) external {
        Listing l = _listing(listingSeed);
        if (!_gate(gate, 6) || !_votingOpen(l)) return;
        (uint256 sold, ) = l.sales();
        if (sold == 0) return;
        for (uint256 i; i < _tokens.length && l.status() == IListing.Status.Open; ++i) {
            (uint256 stakes, ) = l.oddsOf(_tokens[i]);
            if (stakes != 0 && votedStakes[address(l)][_tokens[i]] != stakes) _vote(l, _tokens[i]);
        }
        assertEq(uint256(l.status()), uint256(IListing.Status.Dissolved), "unanimous vote did not dissolve");
        ++calls["voteAll"];
    }

    function withdrawDissolutionVote(uint256 listingSeed, uint256 tokenSeed) external {
        Listing l = _listing(listingSeed);
        uint256 token = _anyToken(tokenSeed);
        if (token == 0 || l.status() != IListing.Status.Open) return;
        address holder = _BID_TOKEN.ownerOf(token);
        if (votedStakes[address(l)][token] == 0) {
            vm.expectRevert(abi.encodeWithSelector(IListing.VoteUnchanged.selector, token));
        }
        vm.prank(holder);
        l.withdrawDissolutionVote(token);
        votedStakes[address(l)][token] = 0;
        ++calls["withdrawDissolutionVote"];
    }

    function claimRefund(uint256 listingSeed, uint256 tokenSeed) external {
        (Listing l, ) = _pick(listingSeed, _isRefunding);
        uint256 token = _anyToken(tokenSeed);
        if (token == 0) return;
        address holder = _BID_TOKEN.ownerOf(token);
        IListing.Status s = l.status();
        if (s != IListing.Status.Failed && s != IListing.Status.Dissolved) {
            vm.expectRevert(abi.encodeWithSelector(IListing.WrongStatus.selector, s));
            vm.prank(holder);
            l.claimRefund(token);
            return;
        }
        (uint256 stakes, ) = l.oddsOf(token);
        if (stakes == 0) {
            vm.expectRevert(abi.encodeWithSelector(IListing.NothingToRefund.selector, token));
            vm.prank(holder);
            l.claimRefund(token);
            return;
        }
        _refund(l, token, holder, stakes);
    }

    // ================================================================ actions: stake cancellation

    /// @notice A holder cancels its token's latest purchase in a listing. When it goes through, the listing was
    /// open, before the 1-day cut-off, within the cap, and the whole purchase came back to the wallet (the default
    /// tier); when it is refused (e.g. past the 2-hour window), nothing changed.
    function cancelPurchase(uint256 listingSeed, uint256 tokenSeed) external {
        Listing l = _listing(listingSeed);
        uint256 token = _anyToken(tokenSeed);
        if (token == 0 || l.status() != IListing.Status.Open) return;
        (bool found, uint256 index, uint256 count) = _latestPurchaseOf(l, token);
        if (!found) return;
        (uint256 stakes, ) = l.oddsOf(token);
        bool allowed = _cancellationAllowed(l, count);
        Balances memory before = _balancesOf(l, token);
        vm.prank(before.holder);
        try l.cancelPurchase(index) returns (uint256 refund) {
            assertTrue(allowed, "cancellation allowed past the cut-off or the cap");
            _afterCancel(l, token, count, refund, before);
            if (votedStakes[address(l)][token] > stakes - count) votedStakes[address(l)][token] = stakes - count;
            ++calls["cancelPurchase"];
        } catch {
            (uint256 stakesAfter, ) = l.oddsOf(token);
            assertEq(stakesAfter, stakes, "a refused cancellation changed the position");
        }
    }

    /// @dev What a cancellation is checked against: the holder's wallet, the token's credit, the listing's fees.
    struct Balances {
        address holder;
        uint256 wallet;
        uint256 credit;
        uint256 fees;
    }

    function _balancesOf(Listing l, uint256 token) private view returns (Balances memory b) {
        b.holder = _BID_TOKEN.ownerOf(token);
        b.wallet = _USDC.balanceOf(b.holder);
        b.credit = _BID_TOKEN.creditOf(token);
        (, b.fees) = l.cancellations();
    }

    /// @dev The refund plus the fee is the purchase's price; the wallet gets at most the position's wallet-paid part,
    /// the rest of the refund comes back as credit.
    function _afterCancel(Listing l, uint256 token, uint256 count, uint256 refund, Balances memory before) private {
        Balances memory after_ = _balancesOf(l, token);
        uint256 amount = count * _termsOf(l).stakePrice;
        assertEq(refund + (after_.fees - before.fees), amount, "refund + fee != the purchase's price");
        uint256 toWallet = after_.wallet - before.wallet;
        assertEq(toWallet + (after_.credit - before.credit), refund, "holder not refunded");
        uint256 walletPart = _min(amount, walletPaid[address(l)][token]);
        assertLe(toWallet, walletPart, "credit became wallet money on cancellation");
        walletPaid[address(l)][token] -= walletPart;
        totalWalletRefunds += toWallet;
        ghostHeld[address(l)] -= refund;
        ghostCredit[token] += refund - toWallet;
        feesKept[address(l)] += after_.fees - before.fees;
        paidIn[address(l)] -= amount;
        totalPaidIn -= amount;
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }

    /// @dev The token's latest purchase in `l` that is not cancelled (the only one it may cancel).
    function _latestPurchaseOf(
        Listing l,
        uint256 token
    ) private view returns (bool found, uint256 index, uint256 count) {
        (, uint256 purchases) = l.sales();
        for (uint256 i = purchases; i > 0; --i) {
            (uint256 t, uint256 first, uint256 last) = l.purchase(i - 1);
            if (t != token) continue;
            if (l.isCancelled(i - 1)) return (false, 0, 0);
            return (true, i - 1, last - first + 1);
        }
    }

    function _cancellationAllowed(Listing l, uint256 count) private view returns (bool) {
        IListing.Terms memory t = _termsOf(l);
        (uint256 sold, ) = l.sales();
        (uint256 cancelled, ) = l.cancellations();
        // The budget max(held, T): its second half costs a fee, but is never refused below the cap.
        bool capOk = cancelled + count <= sold - count || cancelled + count <= t.threshold;
        return capOk && block.timestamp + 1 days < t.deadline;
    }

    // ================================================================ actions: bid-token credit and recycling

    /// @notice Anyone tops up any held token (here an actor pays); the credit is spent by the next purchases.
    function topUp(uint256 tokenSeed, uint256 fromSeed, uint256 amountSeed) external {
        uint256 token = _anyToken(tokenSeed);
        if (token == 0) return;
        address from = _actor(fromSeed);
        uint256 amount = _bound(amountSeed, 1, 300 * 1e6);
        if (_BID_TOKEN.ownerOf(token) == address(_BID_TOKEN)) {
            vm.expectRevert(abi.encodeWithSelector(IBidToken.TokenNotHeld.selector, token));
            vm.prank(from);
            _BID_TOKEN.topUp(token, amount);
            return;
        }
        uint256 before = _BID_TOKEN.creditOf(token);
        vm.startPrank(from);
        _USDC.approve(address(_BID_TOKEN), amount);
        _BID_TOKEN.topUp(token, amount);
        vm.stopPrank();
        assertEq(_BID_TOKEN.creditOf(token), before + amount, "credit not added");
        ghostCredit[token] += amount;
        ++calls["topUp"];
    }

    /// @notice Anyone recycles a batch of three tokens: exactly the idle ones go to the treasury.
    function recycle(uint256 a, uint256 b, uint256 c) external {
        if (_tokens.length == 0) return;
        uint256[] memory ids = new uint256[](3);
        ids[0] = _anyToken(a);
        ids[1] = _anyToken(b);
        ids[2] = _anyToken(c);
        bool[] memory expected = new bool[](3);
        for (uint256 i; i < 3; ++i) {
            bool duplicate = (i > 0 && ids[i] == ids[0]) || (i > 1 && ids[i] == ids[1]);
            expected[i] = !duplicate && _BID_TOKEN.recyclable(ids[i]) == IBidToken.SkipReason.None;
        }
        uint256 countBefore = _BID_TOKEN.recycledCount();
        uint256 recycled = _BID_TOKEN.recycle(ids);
        uint256 want;
        for (uint256 i; i < 3; ++i) {
            if (!expected[i]) continue;
            ++want;
            _recycledStack.push(ids[i]);
            assertEq(_BID_TOKEN.ownerOf(ids[i]), address(_BID_TOKEN), "recyclable token not in the treasury");
            assertEq(_BID_TOKEN.creditOf(ids[i]), 0, "recycled a token with credit");
        }
        assertEq(recycled, want, "recycled count");
        assertEq(_BID_TOKEN.recycledCount(), countBefore + want, "treasury count");
        if (want != 0) ++calls["recycle"];
    }

    // ================================================================ actions: a hostile environment

    /// @notice What was sent to each contract outside its books (donations), kept apart from every ghost total.
    mapping(address target => uint256) public donated;

    /// @notice An actor sends USDC straight to a listing, the escrow, the vault or the bid token (gated: one call
    /// in three acts). No contract may count it as its own books, pay it out as someone's due, or break on it.
    function donate(uint256 fromSeed, uint256 targetSeed, uint256 amountSeed) external {
        if (!_gate(amountSeed, 3)) return;
        uint256 pick = targetSeed % (_listings.length + 3);
        address target = pick < _listings.length
            ? address(_listings[pick])
            : pick == _listings.length
                ? address(_ESCROW)
                : pick == _listings.length + 1
                    ? address(_VAULT)
                    : address(_BID_TOKEN);
        uint256 amount = _bound(amountSeed, 1, 50 * 1e6);
        address from = _actor(fromSeed);
        vm.prank(from);
        _USDC.transfer(target, amount);
        donated[target] += amount;
        ++calls["donate"];
    }

    // ================================================================ actions: time, settlement, randomness

    function warp(uint256 secondsSeed) external {
        vm.warp(block.timestamp + _bound(secondsSeed, 30 minutes, 16 hours));
        vm.roll(block.number + 1);
        ++calls["warp"];
    }

    function settle(uint256 listingSeed) external {
        (Listing l, bool due) = _pick(listingSeed, _isSettleDue);
        if (l.status() != IListing.Status.Open) return;
        if (!due) {
            IListing.Terms memory t = _termsOf(l);
            (uint256 sold, ) = l.sales();
            vm.expectRevert(abi.encodeWithSelector(IListing.SettlementNotDue.selector, t.deadline, uint64(sold)));
            l.settle();
            return;
        }
        bool drawExpected = _drawExpected(l);
        l.settle();
        _afterSettle(l, drawExpected);
    }

    /// @notice The keeper: whatever `checkUpkeep` finds, `performUpkeep` does.
    function upkeep() external {
        _upkeep();
    }

    /// @notice As on a live chain: the VRF oracle usually answers pending requests (three seeds in four), time
    /// passes (30 minutes to 16 hours), then the keeper runs once if it finds work.
    function warpAndUpkeep(uint256 secondsSeed) external {
        if (!_gate(secondsSeed, 4)) {
            for (uint256 i; i < _listings.length; ++i) {
                IMarketplace.Draw memory d = _MARKETPLACE.drawOf(address(_listings[i]));
                if (d.status != IMarketplace.DrawStatus.Pending) continue;
                _answer(_COORDINATOR, d.requestId, uint256(keccak256(abi.encode(secondsSeed, i))));
                requestConsumed[address(_listings[i])] = true;
                _recordPick(_listings[i]);
                ++calls["fulfil"];
            }
        }
        vm.warp(block.timestamp + _bound(secondsSeed, 30 minutes, 16 hours));
        vm.roll(block.number + 1);
        ++calls["warp"];
        _upkeep();
    }

    function _upkeep() private {
        (bool needed, bytes memory data) = _MARKETPLACE.checkUpkeep("");
        if (!needed) return;
        (address target, IMarketplace.UpkeepAction action) = abi.decode(data, (address, IMarketplace.UpkeepAction));
        Listing l = Listing(target);
        if (action == IMarketplace.UpkeepAction.Settle) {
            bool drawExpected = _drawExpected(l);
            _MARKETPLACE.performUpkeep(data);
            _afterSettle(l, drawExpected);
        } else if (action == IMarketplace.UpkeepAction.Finalize) {
            (address expected, , ) = _expectedWinner(l);
            _MARKETPLACE.performUpkeep(data);
            _afterFinalize(l, expected);
        } else if (action == IMarketplace.UpkeepAction.Expire) {
            _MARKETPLACE.performUpkeep(data);
            _afterExpire(l);
        } else {
            uint256 active = _MARKETPLACE.activeListingCount();
            // Retiring a settled listing whose markup nobody collected yet collects it into the vault.
            bool collects = l.status() == IListing.Status.Settled && !collected[address(l)];
            uint256 markup;
            if (collects) {
                IListing.Terms memory t = _termsOf(l);
                (uint256 sold, ) = l.sales();
                markup = sold * t.stakePrice - t.price + feesKept[address(l)];
            }
            uint256 owedBefore = _VAULT.totalOwed();
            _MARKETPLACE.performUpkeep(data);
            assertEq(_MARKETPLACE.activeListingCount(), active - 1, "retire");
            assertEq(_VAULT.totalOwed(), owedBefore + markup, "retire collects the markup once");
            if (collects) {
                ghostHeld[address(l)] -= markup;
                ghostVault += markup;
                collected[address(l)] = true;
                ++calls["collect"];
            }
        }
        ++calls["upkeep"];
    }

    /// @notice The VRF mock answers a pending request with `word`, or answers an abandoned one late.
    function fulfil(uint256 listingSeed, uint256 word) external {
        (Listing l, ) = _pick(listingSeed, _isAwaitingWord);
        IMarketplace.Draw memory d = _MARKETPLACE.drawOf(address(l));
        if (d.status == IMarketplace.DrawStatus.Pending) {
            _answer(_COORDINATOR, d.requestId, word);
            requestConsumed[address(l)] = true;
            (IMarketplace.DrawStatus status, uint256 stored) = _MARKETPLACE.randomWord(address(l));
            assertEq(uint256(status), uint256(IMarketplace.DrawStatus.Fulfilled), "VRF callback failed");
            _recordPick(l);
            assertEq(stored, word);
            ++calls["fulfil"];
        } else if (d.status == IMarketplace.DrawStatus.Abandoned && !requestConsumed[address(l)]) {
            // Attack A3 / re-roll: a late answer must be ignored.
            _answer(_COORDINATOR, d.requestId, word);
            requestConsumed[address(l)] = true;
            (IMarketplace.DrawStatus status, uint256 stored) = _MARKETPLACE.randomWord(address(l));
            assertEq(uint256(status), uint256(IMarketplace.DrawStatus.Abandoned), "late word accepted");
            assertEq(stored, 0);
            ++calls["fulfilLate"];
        }
    }

    function finalize(uint256 listingSeed, bool hinted) external {
        (Listing l, ) = _pick(listingSeed, _isDrawn);
        if (l.status() != IListing.Status.Drawing) return;
        IMarketplace.Draw memory d = _MARKETPLACE.drawOf(address(l));
        if (d.status != IMarketplace.DrawStatus.Fulfilled) {
            vm.expectRevert(abi.encodeWithSelector(IListing.RandomnessPending.selector, d.requestId));
            l.finalize();
            return;
        }
        (address expected, , uint256[] memory hints) = _expectedWinner(l);
        address winner = hinted ? l.finalizeWithHints(hints) : l.finalize();
        assertEq(winner, expected, "winner");
        _afterFinalize(l, expected);
    }

    function expireDraw(uint256 listingSeed) external {
        (Listing l, ) = _pick(listingSeed, _isDrawing);
        if (l.status() != IListing.Status.Drawing) return;
        IMarketplace.Draw memory d = _MARKETPLACE.drawOf(address(l));
        if (d.status == IMarketplace.DrawStatus.Fulfilled) {
            vm.expectRevert(abi.encodeWithSelector(IListing.RandomnessArrived.selector, d.requestId));
            l.expireDraw();
            return;
        }
        if (block.timestamp < drawExpiresAt[address(l)]) {
            vm.expectRevert(abi.encodeWithSelector(IListing.DrawNotExpired.selector, uint40(drawExpiresAt[address(l)])));
            l.expireDraw();
            return;
        }
        l.expireDraw();
        _afterExpire(l);
    }

    // ================================================================ actions: escrow and vault

    /// @notice The seller marks the order shipped (gated: one call in two acts, so that ship-by can pass).
    function markShipped(uint256 listingSeed) external {
        if (!_gate(listingSeed, 2)) return;
        (Listing l, ) = _pick(listingSeed, _isAwaitingShipment);
        (uint256 orderId, IDeliveryEscrow.Order memory o) = _orderOf(l);
        if (orderId == 0 || o.status != IDeliveryEscrow.OrderStatus.AwaitingShipment) return;
        if (block.timestamp > o.dueAt) {
            vm.expectRevert(abi.encodeWithSelector(IDeliveryEscrow.ShipByPassed.selector, orderId, o.dueAt));
        } else {
            ++calls["markShipped"];
        }
        vm.prank(_SELLER);
        _ESCROW.markShipped(orderId, keccak256(abi.encode("tracking", orderId)));
    }

    /// @notice The winner authorizes delivery (gated: one call in two acts, so that ship-by can pass).
    function release(uint256 listingSeed) external {
        if (!_gate(listingSeed, 2)) return;
        (Listing l, ) = _pick(listingSeed, _isDeliverable);
        (uint256 orderId, IDeliveryEscrow.Order memory o) = _orderOf(l);
        if (
            orderId == 0 ||
            (o.status != IDeliveryEscrow.OrderStatus.AwaitingShipment && o.status != IDeliveryEscrow.OrderStatus.Shipped)
        ) return;
        uint256 owedBefore = _ESCROW.owedTo(o.seller);
        vm.prank(o.buyer);
        _ESCROW.release(orderId);
        assertEq(_DEED.ownerOf(o.deedId), o.buyer, "deed not delivered");
        assertEq(_ESCROW.owedTo(o.seller), owedBefore + o.amount, "seller not credited");
        ++calls["release"];
    }

    function refundUnshipped(uint256 listingSeed) external {
        (Listing l, ) = _pick(listingSeed, _isAwaitingShipment);
        (uint256 orderId, IDeliveryEscrow.Order memory o) = _orderOf(l);
        if (orderId == 0 || o.status != IDeliveryEscrow.OrderStatus.AwaitingShipment) return;
        if (block.timestamp <= o.dueAt) {
            vm.expectRevert(abi.encodeWithSelector(IDeliveryEscrow.ShipByNotPassed.selector, orderId, o.dueAt));
            vm.prank(o.buyer);
            _ESCROW.refundUnshipped(orderId);
            return;
        }
        uint256 owedBefore = _ESCROW.owedTo(o.buyer);
        vm.prank(o.buyer);
        _ESCROW.refundUnshipped(orderId);
        assertEq(_DEED.ownerOf(o.deedId), o.seller, "deed not returned");
        assertEq(_ESCROW.owedTo(o.buyer), owedBefore + o.amount, "winner not credited");
        ++calls["refundUnshipped"];
    }

    /// @notice A buyer (seed < actors) or the seller withdraws what the escrow owes it.
    function escrowWithdraw(uint256 whoSeed) external {
        // The first party, from the seed's one on, that is owed something; else the seed's own (negative path).
        uint256 n = _actors.length + 1;
        address who = _party(whoSeed % n);
        for (uint256 k; k < n; ++k) {
            address candidate = _party(((whoSeed % n) + k) % n);
            if (_ESCROW.owedTo(candidate) != 0) {
                who = candidate;
                break;
            }
        }
        bytes4 nothing = IDeliveryEscrow.NothingToWithdraw.selector;
        uint256 amount = _withdrawOwed(_ESCROW.owedTo, _ESCROW.withdraw, nothing, who);
        if (amount == 0) return;
        ghostEscrow -= amount;
        ++calls["escrowWithdraw"];
    }

    function collect(uint256 listingSeed) external {
        (Listing l, ) = _pick(listingSeed, _isCollectable);
        IListing.Status s = l.status();
        if (collected[address(l)]) {
            vm.expectRevert(abi.encodeWithSelector(IListing.MarkupUnavailable.selector, address(_VAULT)));
        } else if ((s == IListing.Status.Failed || s == IListing.Status.Dissolved) && feesKept[address(l)] != 0) {
            assertEq(_VAULT.collect(address(l)), feesKept[address(l)], "fees of a failed listing");
            ghostHeld[address(l)] -= feesKept[address(l)];
            ghostVault += feesKept[address(l)];
            collected[address(l)] = true;
            ++calls["collectFees"];
            return;
        } else if (s != IListing.Status.Settled) {
            vm.expectRevert(abi.encodeWithSelector(IListing.WrongStatus.selector, s));
        } else {
            _collect(l);
            return;
        }
        _VAULT.collect(address(l));
    }

    function vaultWithdraw(uint256 whoSeed) external {
        address who = whoSeed % 2 == 0 ? _OPERATIONS : _DONATIONS;
        if (_VAULT.owedTo(who) == 0) who = who == _OPERATIONS ? _DONATIONS : _OPERATIONS;
        if (_VAULT.owedTo(who) == 0 && _gate(whoSeed, 2)) who = whoSeed % 2 == 0 ? _OPERATIONS : _DONATIONS;
        uint256 amount = _withdrawOwed(_VAULT.owedTo, _VAULT.withdraw, IRevenueVault.NothingToWithdraw.selector, who);
        if (amount == 0) return;
        ghostVault -= amount;
        ++calls["vaultWithdraw"];
    }

    /// @dev `who` pulls what a contract (the escrow or the vault) owes it: all of it reaches its wallet, or, owed
    /// nothing, the withdrawal reverts with the contract's `NothingToWithdraw(who)`. Returns the amount.
    function _withdrawOwed(
        function(address) external view returns (uint256) owedTo,
        function(address) external returns (uint256) withdraw,
        bytes4 nothingToWithdraw,
        address who
    ) private returns (uint256 amount) {
        amount = owedTo(who);
        if (amount == 0) {
            vm.expectRevert(abi.encodeWithSelector(nothingToWithdraw, who));
            vm.prank(who);
            withdraw(who);
            return 0;
        }
        uint256 before = _USDC.balanceOf(who);
        vm.prank(who);
        assertEq(withdraw(who), amount);
        assertEq(_USDC.balanceOf(who), before + amount);
    }

    // ================================================================ actions: operators

    /// @notice The verifier revokes or re-verifies the seller (gated: one call in twelve acts).
    function toggleSeller(uint256 gate) external {
        if (!_gate(gate, 12)) return;
        bool verified = _MARKETPLACE.isVerifiedSeller(_SELLER);
        vm.prank(_ADMIN);
        if (verified) _MARKETPLACE.revokeSeller(_SELLER, "test");
        else _MARKETPLACE.verifySeller(_SELLER, "test");
        ++calls["toggleSeller"];
    }

    // ================================================================ drain (used by afterInvariant)

    /// @notice Runs every listing to its end and pays everyone out: afterwards no contract may hold USDC.
    function drainAll() external {
        for (uint256 i; i < _listings.length; ++i) _drain(_listings[i]);
        for (uint256 i; i < _actors.length; ++i) _withdrawEscrow(_actors[i]);
        _withdrawEscrow(_SELLER);
        for (uint256 k; k < 2; ++k) {
            address who = k == 0 ? _OPERATIONS : _DONATIONS;
            if (_VAULT.owedTo(who) != 0) {
                vm.prank(who);
                ghostVault -= _VAULT.withdraw(who);
            }
        }
    }

    // ================================================================ views for the invariants

    function dissolutionVotes(address l) public view returns (uint256 votes) {
        for (uint256 i; i < _tokens.length; ++i) votes += votedStakes[l][_tokens[i]];
    }

    // ================================================================ internals

    function _buy(Listing l, address actor, uint256 tokenId, uint256 count) private {
        Purchase memory p = _preparePurchase(l, actor, count);
        if (p.count == 0) return;
        p.tokenId = tokenId;
        p.creditSpent = _creditFor(tokenId, p.cost);
        if (_BID_TOKEN.marketplacePauseMirror()) {
            vm.expectRevert(IBidToken.SalesPaused.selector);
            vm.prank(actor);
            l.buy(tokenId, p.count);
            return;
        }
        vm.prank(actor);
        (p.used, p.firstStake) = l.buy(tokenId, p.count);
        _recordPurchase(p);
        ++calls[tokenId == 0 ? "buyNewToken" : "buyReuse"];
    }

    /// @dev A purchase the listing must accept now, or `count == 0` when it is not on sale.
    function _preparePurchase(Listing l, address actor, uint256 countSeed) private view returns (Purchase memory p) {
        IListing.Terms memory t = _termsOf(l);
        if (!_onSale(l, t)) return p;
        p.listing = l;
        p.actor = actor;
        (p.sold, ) = l.sales();
        (uint256 cancelled, ) = l.cancellations();
        p.numbered = p.sold + cancelled;
        uint256 remaining = t.stakeCount - p.sold;
        p.count = _bound(countSeed, 1, remaining < MAX_BUY ? remaining : MAX_BUY);
        p.cost = p.count * t.stakePrice;
        p.balanceBefore = _USDC.balanceOf(actor);
    }

    function _recordPurchase(Purchase memory p) private {
        assertEq(p.firstStake, p.numbered + 1, "stake numbers not in sale order");
        assertEq(_USDC.balanceOf(p.actor), p.balanceBefore - (p.cost - p.creditSpent), "buyer charged wrongly");
        if (p.tokenId == 0) {
            // Recycled tokens come back: the most recently recycled first.
            if (_recycledStack.length != 0) {
                assertEq(p.used, _recycledStack[_recycledStack.length - 1], "recycled token not issued first");
                _recycledStack.pop();
            } else {
                assertFalse(_known[p.used], "an id was issued twice");
                _tokens.push(p.used);
                _known[p.used] = true;
            }
        } else assertEq(p.used, p.tokenId, "token not reused");
        assertEq(_BID_TOKEN.ownerOf(p.used), p.actor);
        paidIn[address(p.listing)] += p.cost;
        totalPaidIn += p.cost;
        ghostHeld[address(p.listing)] += p.cost;
        ghostCredit[p.used] -= p.creditSpent;
        walletPaid[address(p.listing)][p.used] += p.cost - p.creditSpent;
        totalWalletPaid += p.cost - p.creditSpent;
    }

    /// @notice Cancellation fees `l` holds for the vault (kept until collected).
    function feesHeld(address l) public view returns (uint256) {
        return collected[l] ? 0 : feesKept[l];
    }

    /// @dev Credit a purchase of `cost` on `tokenId` spends: all of it up to the cost (0 for a new token).
    function _creditFor(uint256 tokenId, uint256 cost) private view returns (uint256) {
        if (tokenId == 0) return 0;
        uint256 credit = _BID_TOKEN.creditOf(tokenId);
        return credit < cost ? credit : cost;
    }

    function _vote(Listing l, uint256 token) private {
        (uint256 stakes, uint256 sold) = l.oddsOf(token);
        address holder = _BID_TOKEN.ownerOf(token);
        if (stakes == 0) {
            vm.expectRevert(abi.encodeWithSelector(IListing.NoStakes.selector, token));
            vm.prank(holder);
            l.voteToDissolve(token);
            return;
        }
        if (votedStakes[address(l)][token] == stakes) {
            vm.expectRevert(abi.encodeWithSelector(IListing.VoteUnchanged.selector, token));
            vm.prank(holder);
            l.voteToDissolve(token);
            return;
        }
        vm.prank(holder);
        l.voteToDissolve(token);
        votedStakes[address(l)][token] = stakes;
        if (dissolutionVotes(address(l)) == sold) {
            assertEq(uint256(l.status()), uint256(IListing.Status.Dissolved), "unanimity did not dissolve");
            assertEq(_DEED.ownerOf(_termsOf(l).deedId), _SELLER, "deed not returned on dissolution");
            ++calls["dissolved"];
        } else {
            assertEq(uint256(l.status()), uint256(IListing.Status.Open), "dissolved without unanimity");
        }
        ++calls["voteToDissolve"];
    }

    function _refund(Listing l, uint256 token, address holder, uint256 stakes) private {
        uint256 amount = stakes * _termsOf(l).stakePrice;
        uint256 before = _USDC.balanceOf(holder);
        uint256 creditBefore = _BID_TOKEN.creditOf(token);
        vm.prank(holder);
        l.claimRefund(token);
        // The wallet gets back exactly what the wallet paid; what credit paid goes back to the token as credit.
        uint256 fromWallet = walletPaid[address(l)][token];
        assertEq(_USDC.balanceOf(holder), before + fromWallet, "refund: credit became wallet money");
        assertEq(_BID_TOKEN.creditOf(token), creditBefore + amount - fromWallet, "refund: credit not returned");
        walletPaid[address(l)][token] = 0;
        totalWalletRefunds += fromWallet;
        ghostHeld[address(l)] -= amount;
        ghostCredit[token] += amount - fromWallet;
        (uint256 left, ) = l.oddsOf(token);
        assertEq(left, 0, "position not cleared");
        refundsPaid[address(l)] += amount;
        refundedStakes[address(l)] += stakes;
        totalRefunds += amount;
        ++calls["claimRefund"];
    }

    function _collect(Listing l) private {
        IListing.Terms memory t = _termsOf(l);
        (uint256 sold, ) = l.sales();
        uint256 markup = sold * t.stakePrice - t.price;
        uint256 ops = _VAULT.owedTo(_OPERATIONS);
        uint256 don = _VAULT.owedTo(_DONATIONS);
        markup += feesKept[address(l)];
        assertEq(_VAULT.collect(address(l)), markup, "markup");
        ghostHeld[address(l)] -= markup;
        ghostVault += markup;
        uint256 donShare = (markup * 3_000) / 10_000;
        assertEq(_VAULT.owedTo(_DONATIONS), don + donShare, "donations share");
        assertEq(_VAULT.owedTo(_OPERATIONS), ops + markup - donShare, "operations share");
        collected[address(l)] = true;
        ++calls["collect"];
    }

    function _afterSettle(Listing l, bool drawExpected) private {
        IListing.Status s = l.status();
        IListing.Terms memory t = _termsOf(l);
        if (drawExpected) {
            assertEq(uint256(s), uint256(IListing.Status.Drawing), "settle: expected a draw");
            drawExpiresAt[address(l)] = block.timestamp + _MARKETPLACE.drawTimeout();
            ghostHeld[address(l)] -= t.price;
            ghostEscrow += t.price;
            (soldAtRequest[address(l)], purchasesAtRequest[address(l)]) = l.sales();
            (uint256 cancelled, ) = l.cancellations();
            numberedAtRequest[address(l)] = soldAtRequest[address(l)] + cancelled;
            assertEq(_DEED.ownerOf(t.deedId), address(_ESCROW));
            ++calls["settleToDraw"];
        } else {
            assertEq(uint256(s), uint256(IListing.Status.Failed), "settle: expected a failure");
            assertEq(_DEED.ownerOf(t.deedId), _SELLER);
            ++calls["settleToFail"];
        }
    }

    function _afterFinalize(Listing l, address expected) private {
        assertEq(uint256(l.status()), uint256(IListing.Status.Settled), "finalize: status");
        (uint256 orderId, IDeliveryEscrow.Order memory o) = _orderOf(l);
        assertGt(orderId, 0);
        assertEq(o.buyer, expected, "order buyer is not the winner");
        assertTrue(picked[address(l)], "finalized without a recorded word");
        assertEq(o.buyer, _BID_TOKEN.ownerOf(pickedToken[address(l)]), "winner is not the picked token's holder");
        assertEq(uint256(o.status), uint256(IDeliveryEscrow.OrderStatus.AwaitingShipment));
        winnerOf[address(l)] = expected;
        ++calls["finalize"];
    }

    function _afterExpire(Listing l) private {
        ghostHeld[address(l)] += _termsOf(l).price;
        ghostEscrow -= _termsOf(l).price;
        assertEq(uint256(l.status()), uint256(IListing.Status.Failed), "expire: status");
        assertEq(uint256(_MARKETPLACE.drawOf(address(l)).status), uint256(IMarketplace.DrawStatus.Abandoned));
        (, IDeliveryEscrow.Order memory o) = _orderOf(l);
        assertEq(uint256(o.status), uint256(IDeliveryEscrow.OrderStatus.Voided));
        assertEq(_DEED.ownerOf(_termsOf(l).deedId), _SELLER);
        ++calls["expireDraw"];
    }

    function _drain(Listing l) private {
        IListing.Terms memory t = _termsOf(l);
        if (l.status() == IListing.Status.Open) {
            if (block.timestamp < t.deadline) vm.warp(t.deadline);
            bool drawExpected = _drawExpected(l);
            l.settle();
            _afterSettle(l, drawExpected);
        }
        if (l.status() == IListing.Status.Drawing) {
            IMarketplace.Draw memory d = _MARKETPLACE.drawOf(address(l));
            if (d.status == IMarketplace.DrawStatus.Pending) {
                _answer(_COORDINATOR, d.requestId, uint256(keccak256(abi.encode(address(l), block.timestamp))));
                requestConsumed[address(l)] = true;
                _recordPick(l);
            }
            (address expected, , ) = _expectedWinner(l);
            assertEq(l.finalize(), expected);
            _afterFinalize(l, expected);
        }
        IListing.Status s = l.status();
        if (s == IListing.Status.Settled) {
            if (!collected[address(l)]) _collect(l);
            (uint256 orderId, IDeliveryEscrow.Order memory o) = _orderOf(l);
            if (
                o.status == IDeliveryEscrow.OrderStatus.AwaitingShipment ||
                o.status == IDeliveryEscrow.OrderStatus.Shipped
            ) {
                vm.prank(o.buyer);
                _ESCROW.release(orderId);
            }
        } else {
            for (uint256 i; i < _tokens.length; ++i) {
                (uint256 stakes, ) = l.oddsOf(_tokens[i]);
                if (stakes != 0) _refund(l, _tokens[i], _BID_TOKEN.ownerOf(_tokens[i]), stakes);
            }
            // Cancellation fees a failed or dissolved listing kept go to the vault.
            if (feesHeld(address(l)) != 0) {
                assertEq(_VAULT.collect(address(l)), feesKept[address(l)], "fees of a failed listing");
            ghostHeld[address(l)] -= feesKept[address(l)];
            ghostVault += feesKept[address(l)];
                collected[address(l)] = true;
            }
        }
    }

    function _withdrawEscrow(address who) private {
        if (_ESCROW.owedTo(who) == 0) return;
        vm.prank(who);
        ghostEscrow -= _ESCROW.withdraw(who);
    }

    function _signPermit(address owner, address spender, uint256 value) private view returns (uint8, bytes32, bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(_PERMIT_TYPEHASH, owner, spender, value, _USDC.nonces(owner), block.timestamp)
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", _USDC.DOMAIN_SEPARATOR(), structHash));
        return vm.sign(_keys[owner], digest);
    }

    /// @dev The winner recomputed from the purchase(i) views alone, by linear scan.
    function _expectedWinner(
        Listing l
    ) private view returns (address winner, uint256 index, uint256[] memory hints) {
        uint256 token;
        (, index, token, hints) = _replayDraw(l);
        winner = _BID_TOKEN.ownerOf(token);
    }

    /// @dev An independent replay of the rejection-sampled draw by linear scan (see PurchaseLog.draw), fallback
    /// included: after 64 rejections, the next held purchase after the last attempt's. `hints` collects each
    /// attempt's purchase (all 64 when the fallback is taken, which the hinted form then searches past).
    function _replayDraw(
        Listing l
    ) private view returns (uint256 stake, uint256 index, uint256 token, uint256[] memory hints) {
        (, uint256 word) = _MARKETPLACE.randomWord(address(l));
        (uint256 sold, uint256 purchases) = l.sales();
        (uint256 cancelled, ) = l.cancellations();
        hints = new uint256[](64);
        for (uint256 attempt; attempt < 64; ++attempt) {
            uint256 sample = attempt == 0 ? word : uint256(keccak256(abi.encode(word, attempt)));
            stake = (sample % (sold + cancelled)) + 1;
            for (uint256 i; i < purchases; ++i) {
                uint256 first;
                uint256 last;
                (token, first, last) = l.purchase(i);
                if (first > stake || stake > last) continue;
                hints[attempt] = i;
                index = i;
                if (l.isCancelled(i)) break;
                assembly ("memory-safe") {
                    mstore(hints, add(attempt, 1))
                }
                return (stake, index, token, hints);
            }
        }
        do {
            index = (index + 1) % purchases;
            (token, , stake) = l.purchase(index);
        } while (l.isCancelled(index));
    }

    /// @dev Called when the word arrives: the handler's own replay fixes the pick, which must never change after.
    function _recordPick(Listing l) private {
        (uint256 stake, uint256 index, uint256 token, ) = _replayDraw(l);
        picked[address(l)] = true;
        pickedStake[address(l)] = stake;
        pickedIndex[address(l)] = index;
        pickedToken[address(l)] = token;
    }

    function _drawExpected(Listing l) private view returns (bool) {
        (uint256 sold, ) = l.sales();
        return sold >= _termsOf(l).threshold && _MARKETPLACE.isVerifiedSeller(_SELLER);
    }

    function _onSale(Listing l, IListing.Terms memory t) private view returns (bool) {
        if (l.status() != IListing.Status.Open) return false;
        if (block.timestamp < t.opensAt || block.timestamp >= t.deadline) return false;
        (uint256 sold, ) = l.sales();
        return sold < t.stakeCount;
    }

    function _votingOpen(Listing l) private view returns (bool) {
        return l.status() == IListing.Status.Open && block.timestamp < _termsOf(l).deadline;
    }

    function _orderOf(Listing l) private view returns (uint256 orderId, IDeliveryEscrow.Order memory o) {
        orderId = l.escrowOrderId();
        if (orderId != 0) o = _ESCROW.order(orderId);
    }

    /// @dev The first listing, from the seed's one on, that `ready` accepts; else the seed's own listing (for the
    /// negative paths). Picking a ready listing keeps the run from wasting calls on listings with nothing to do.
    function _pick(
        uint256 seed,
        function(Listing) view returns (bool) ready
    ) private view returns (Listing l, bool found) {
        uint256 n = _listings.length;
        for (uint256 i; i < n; ++i) {
            l = _listings[((seed % n) + i) % n];
            if (ready(l)) return (l, true);
        }
        return (_listings[seed % n], false);
    }

    function _isAwaitingWord(Listing l) private view returns (bool) {
        IMarketplace.DrawStatus d = _MARKETPLACE.drawOf(address(l)).status;
        return
            d == IMarketplace.DrawStatus.Pending ||
            (d == IMarketplace.DrawStatus.Abandoned && !requestConsumed[address(l)]);
    }

    function _isDrawing(Listing l) private view returns (bool) {
        return l.status() == IListing.Status.Drawing;
    }

    function _isAwaitingShipment(Listing l) private view returns (bool) {
        (uint256 orderId, IDeliveryEscrow.Order memory o) = _orderOf(l);
        return orderId != 0 && o.status == IDeliveryEscrow.OrderStatus.AwaitingShipment;
    }

    function _isDeliverable(Listing l) private view returns (bool) {
        (uint256 orderId, IDeliveryEscrow.Order memory o) = _orderOf(l);
        return
            orderId != 0 &&
            (o.status == IDeliveryEscrow.OrderStatus.AwaitingShipment ||
                o.status == IDeliveryEscrow.OrderStatus.Shipped);
    }

    function _isCollectable(Listing l) private view returns (bool) {
        return l.status() == IListing.Status.Settled && !collected[address(l)];
    }

    function _party(uint256 i) private view returns (address) {
        return i == _actors.length ? _SELLER : _actors[i];
    }

    function _listing(uint256 seed) private view returns (Listing) {
        return _listings[seed % _listings.length];
    }

    function _tokenOwnedBy(address actor, uint256 seed) private view returns (uint256) {
        uint256 owned;
        for (uint256 i; i < _tokens.length; ++i) if (_BID_TOKEN.ownerOf(_tokens[i]) == actor) ++owned;
        if (owned == 0) return 0;
        uint256 pick = seed % owned;
        for (uint256 i; i < _tokens.length; ++i) {
            if (_BID_TOKEN.ownerOf(_tokens[i]) == actor) {
                if (pick == 0) return _tokens[i];
                --pick;
            }
        }
        return 0;
    }
}
