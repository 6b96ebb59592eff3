// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CommonBase} from "forge-std/Base.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {StdAssertions} from "forge-std/StdAssertions.sol";
import {DeliveryEscrow} from "../../contracts/DeliveryEscrow.sol";
import {IDeliveryEscrow} from "../../contracts/interfaces/IDeliveryEscrow.sol";
import {IMembership} from "../../contracts/interfaces/IMembership.sol";
import {IMembershipHooks} from "../../contracts/interfaces/IMembershipHooks.sol";
import {IRevenueVault} from "../../contracts/interfaces/IRevenueVault.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {EscrowHandler} from "./EscrowHandler.sol";
import {OrderStatuses} from "./OrderStatuses.sol";

/// @title EscrowPolicyHandler
/// @notice Test-only invariant handler next to EscrowHandler (kept apart for its code size): as a POLICY_ROLE holder
/// it cancels the main handler's open orders, refunding to the wallet or minus a fee paid to the revenue vault, and
/// checks that the buyer's credit and the vault's intake add up to what was paid.
contract EscrowPolicyHandler is CommonBase, StdUtils, StdAssertions {
    uint256 private constant _OPEN = OrderStatuses.OPEN;

    DeliveryEscrow private immutable _ESCROW;
    EscrowHandler private immutable _MAIN;
    IRevenueVault private immutable _VAULT;
    IERC721 private immutable _DEED;
    address private immutable _SELLER;

    /// @notice How often each action did real work.
    mapping(string action => uint256) public calls;

    constructor(DeliveryEscrow escrow, EscrowHandler main, IRevenueVault vault, IERC721 deed, address seller) {
        _ESCROW = escrow;
        _MAIN = main;
        _VAULT = vault;
        _DEED = deed;
        _SELLER = seller;
    }

    function cancelByPolicy(uint256 seed, uint16 feeSeed, bool withFee) external {
        uint256 n = _MAIN.orderCount();
        uint256 id;
        IDeliveryEscrow.Order memory o;
        for (uint256 i; i < n; ++i) {
            uint256 candidate = _MAIN.orderAt(((seed % n) + i) % n);
            o = _ESCROW.order(candidate);
            if ((_OPEN >> uint256(o.status)) & 1 == 1) {
                id = candidate;
                break;
            }
        }
        if (id == 0) return;
        uint256 buyerBefore = _ESCROW.owedTo(o.buyer);
        uint256 vaultBefore = _VAULT.totalOwed();
        IDeliveryEscrow.Refund memory refund = IDeliveryEscrow.Refund({
            mode: withFee ? IMembership.RefundMode.WalletMinusFee : IMembership.RefundMode.Wallet,
            feeBps: uint16(bound(feeSeed, 0, 10_000)),
            creditTokenId: 0
        });
        _ESCROW.cancelByPolicy(id, IMembershipHooks.Party.Buyer, 16, refund);
        uint256 fee = _VAULT.totalOwed() - vaultBefore;
        assertEq(_ESCROW.owedTo(o.buyer) - buyerBefore + fee, o.paid, "refund + fee != paid");
        if (withFee) assertEq(fee, (uint256(o.paid) * refund.feeBps) / 10_000, "fee != paid x bps");
        else assertEq(fee, 0, "fee on a wallet refund");
        if (o.listing != address(0)) assertEq(_DEED.ownerOf(o.deedId), _SELLER, "deed not returned");
        ++calls[withFee ? "cancelByPolicyWithFee" : "cancelByPolicy"];
    }
}
