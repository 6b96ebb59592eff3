// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StdInvariant} from "forge-std/StdInvariant.sol";
import {IDeliveryEscrow} from "../../contracts/interfaces/IDeliveryEscrow.sol";
import {SystemSetup} from "./SystemSetup.sol";
import {EscrowHandler} from "./EscrowHandler.sol";
import {EscrowPolicyHandler} from "./EscrowPolicyHandler.sol";

/// @title Escrow invariants
/// @notice Random buyers, the seller, the arbiter and fake listings drive the delivery escrow through every path
/// (direct and deposit orders, settlement orders with real deeds, signatures, codes, time-outs, disputes, cash,
/// cancellations, withdrawals) while its books and the deeds it holds are checked after every call.
contract EscrowInvariantsTest is SystemSetup {
    uint256 private constant BUYERS = 3;
    uint256 private constant FUNDING = 10_000_000 * USDC;

    EscrowHandler private handler;
    EscrowPolicyHandler private policyHandler;
    address private arbiter = makeAddr("arbiter");

    function setUp() public {
        _deploySystem();
        vm.startPrank(admin);
        escrow.setArbiter(arbiter);
        escrow.setCodePolicy(2, 1 days);
        escrow.setConfirmWindow(3 days);
        escrow.setDirectFee(250);
        vm.stopPrank();

        address[] memory spenders = new address[](1);
        spenders[0] = address(escrow);
        (address[] memory buyers, uint256[] memory keys) = _fundedAccounts("buyer", BUYERS, FUNDING, spenders);
        handler = new EscrowHandler(usdc, marketplace, deed, escrow, seller, sellerKey, arbiter, buyers, keys);
        policyHandler = new EscrowPolicyHandler(escrow, handler, vault, deed, seller);
        bytes32 policyRole = escrow.POLICY_ROLE();
        vm.prank(admin);
        marketplace.grantRole(policyRole, address(policyHandler));

        bytes4[] memory selectors = new bytes4[](17);
        selectors[0] = EscrowHandler.openDirect.selector;
        selectors[1] = EscrowHandler.openSettlement.selector;
        selectors[2] = EscrowHandler.payBalance.selector;
        selectors[3] = EscrowHandler.markShipped.selector;
        selectors[4] = EscrowHandler.release.selector;
        selectors[5] = EscrowHandler.releaseWithSignature.selector;
        selectors[6] = EscrowHandler.releaseWithCode.selector;
        selectors[7] = EscrowHandler.releaseUnchallenged.selector;
        selectors[8] = EscrowHandler.refundUnshipped.selector;
        selectors[9] = EscrowHandler.refundSuspended.selector;
        selectors[10] = EscrowHandler.takeCash.selector;
        selectors[11] = EscrowHandler.openDispute.selector;
        selectors[12] = EscrowHandler.vote.selector;
        selectors[13] = EscrowHandler.agreeToCancel.selector;
        selectors[14] = EscrowHandler.withdraw.selector;
        selectors[15] = EscrowHandler.warp.selector;
        selectors[16] = EscrowHandler.settleExpiredDispute.selector;
        targetContract(address(handler));
        targetSelector(StdInvariant.FuzzSelector({addr: address(handler), selectors: selectors}));
        bytes4[] memory policySelectors = new bytes4[](1);
        policySelectors[0] = EscrowPolicyHandler.cancelByPolicy.selector;
        targetContract(address(policyHandler));
        targetSelector(StdInvariant.FuzzSelector({addr: address(policyHandler), selectors: policySelectors}));
    }

    /// @notice The escrow's USDC balance is its books: the paid part of every open order plus what it owes.
    /// hardhat-config: invariant.depth = 100
    function invariant_balanceEqualsOpenOrdersPlusOwed() public view {
        uint256 held = escrow.totalHeld();
        assertEq(usdc.balanceOf(address(escrow)), held, "balance != totalHeld()");
        uint256 expected;
        for (uint256 i; i < handler.orderCount(); ++i) {
            IDeliveryEscrow.Order memory o = escrow.order(handler.orderAt(i));
            if (_holds(o.status)) expected += o.paid;
            assertLe(o.paid, o.amount, "paid above the price");
        }
        for (uint256 i; i < handler.partyCount(); ++i) expected += escrow.owedTo(handler.partyAt(i));
        expected += escrow.feesHeld();
        assertEq(held, expected, "totalHeld != open orders + owed + fees");
    }

    /// @notice No order may stay open forever: every open order (past its draw) waits for a time at most the longest
    /// window away, after which a permissionless call ends it (refundUnshipped, releaseUnchallenged,
    /// settleExpiredDispute, refundSuspended); `afterInvariant` makes those calls.
    /// hardhat-config: invariant.depth = 100
    function invariant_everyOpenOrderHasABoundedEnd() public view {
        uint256 longest = escrow.MAX_SHIP_WINDOW();
        for (uint256 i; i < handler.orderCount(); ++i) {
            IDeliveryEscrow.Order memory o = escrow.order(handler.orderAt(i));
            if (!_holds(o.status) || o.status == IDeliveryEscrow.OrderStatus.AwaitingDraw) continue;
            assertLe(o.dueAt, block.timestamp + longest, "open order without a bounded end");
        }
    }

    /// @notice Fees from refunds minus a fee keep the revenue vault's balance equal to its books.
    /// hardhat-config: invariant.depth = 100
    function invariant_vaultBalanceEqualsBooks() public view {
        assertEq(usdc.balanceOf(address(vault)), vault.totalOwed(), "vault balance != totalOwed()");
    }

    /// @notice Every deed the escrow holds belongs to exactly one open settlement order, and every open settlement
    /// order's deed is held.
    /// hardhat-config: invariant.depth = 100
    function invariant_eachHeldDeedBelongsToOneOpenOrder() public view {
        uint256 openSettlement;
        for (uint256 i; i < handler.orderCount(); ++i) {
            IDeliveryEscrow.Order memory o = escrow.order(handler.orderAt(i));
            if (o.listing == address(0) || !_holds(o.status)) continue;
            ++openSettlement;
            assertEq(deed.ownerOf(o.deedId), address(escrow), "open order's deed not held");
        }
        uint256 held;
        for (uint256 i; i < handler.deedCount(); ++i) {
            uint256 deedId = handler.deeds(i);
            if (deed.ownerOf(deedId) != address(escrow)) continue;
            ++held;
            uint256 owners;
            for (uint256 j; j < handler.orderCount(); ++j) {
                IDeliveryEscrow.Order memory o = escrow.order(handler.orderAt(j));
                if (o.listing != address(0) && o.deedId == deedId && _holds(o.status)) ++owners;
            }
            assertEq(owners, 1, "held deed not in exactly one open order");
        }
        assertEq(held, openSettlement, "held deeds != open settlement orders");
        assertEq(deed.balanceOf(address(escrow)), held, "escrow holds deeds of no order");
    }

    /// @notice Whatever happened, and even if the arbiter never votes, every order ends by time through
    /// permissionless calls and every credit is withdrawn: afterwards the escrow holds no USDC and no deed.
    function afterInvariant() public {
        handler.endEverythingByTime();
        assertEq(usdc.balanceOf(address(escrow)), 0, "escrow not drained");
        assertEq(escrow.totalHeld(), 0, "books not empty");
        assertEq(deed.balanceOf(address(escrow)), 0, "deeds left");
        // Coverage probe: ESCROW_PROBE=<action> (a key of handler.calls) makes a run that did it fail, which shows
        // the action is reached (e.g. ESCROW_PROBE=refundSuspended npx hardhat test solidity --no-compile <this file>).
        string memory probe = vm.envOr("ESCROW_PROBE", string(""));
        if (bytes(probe).length > 0 && handler.calls(probe) + policyHandler.calls(probe) > 0) assertTrue(false, "PROBE");
    }

    function _holds(IDeliveryEscrow.OrderStatus s) private pure returns (bool) {
        return
            s == IDeliveryEscrow.OrderStatus.AwaitingDraw ||
            s == IDeliveryEscrow.OrderStatus.AwaitingShipment ||
            s == IDeliveryEscrow.OrderStatus.Shipped ||
            s == IDeliveryEscrow.OrderStatus.Disputed ||
            s == IDeliveryEscrow.OrderStatus.Suspended;
    }
}
