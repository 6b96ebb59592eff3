// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IDeliveryEscrow} from "../interfaces/IDeliveryEscrow.sol";
import {IMembership} from "../interfaces/IMembership.sol";
import {IMarketplace} from "../interfaces/IMarketplace.sol";
import {IBidToken} from "../interfaces/IBidToken.sol";
import {IRevenueVault} from "../interfaces/IRevenueVault.sol";
import {RefundModes} from "./RefundModes.sol";

/// @title Payouts
/// @notice The escrow's books: what each account may withdraw, the platform fees held for the vault, and the total
/// the escrow holds. Every payout is credited here and withdrawn by its owner (pull), so a blacklisted or reverting
/// party can only block itself; the token balance always equals `totalHeld`: what open orders were paid plus what is
/// owed plus the fees held.
/// @dev Internal functions over one storage struct, compiled into the escrow (which credits releases and refunds and
/// pays withdrawals itself, on its hot paths). Every function updates the books and emits before it moves tokens.
library Payouts {
    using SafeERC20 for IERC20;

    /// @param totalHeld Everything the escrow holds, in payment-token units.
    /// @param owed What each account may withdraw.
    /// @param feesHeld Direct orders' platform fees not yet swept to the vault.
    struct Books {
        uint256 totalHeld;
        mapping(address account => uint256 amount) owed;
        uint256 feesHeld;
    }

    uint256 private constant _BPS = 10_000;

    /// @notice Hands the platform fees held to the revenue vault.
    /// @param self The books.
    /// @param token The payment token.
    /// @param marketplace The marketplace, whose revenue vault receives the fees.
    /// @return amount What was handed over.
    function sweepFees(Books storage self, IERC20 token, IMarketplace marketplace) internal returns (uint256 amount) {
        amount = self.feesHeld;
        if (amount == 0) revert IDeliveryEscrow.NoFees();
        self.feesHeld = 0;
        self.totalHeld -= amount;
        emit IDeliveryEscrow.FeesSwept(amount);
        address vault = marketplace.modules().revenueVault;
        // collectFee pulls exactly `amount` and checks what arrived; no allowance is left behind.
        token.forceApprove(vault, amount);
        IRevenueVault(vault).collectFee(amount);
    }

    /// @notice Splits a dispute's outcome: `sellerBps` of what was paid to the seller, the rest to the buyer.
    /// @param self The books.
    /// @param o The order (marked Split).
    /// @param orderId Its id.
    /// @param sellerBps The seller's share, in basis points.
    /// @param deed The deed collection: a settlement order's deed goes to the buyer (the asset was delivered and the
    /// parties agreed on a partial payment for it).
    function split(
        Books storage self,
        IDeliveryEscrow.Order storage o,
        uint256 orderId,
        uint16 sellerBps,
        IERC721 deed
    ) internal {
        uint256 paid = o.paid;
        uint256 toSeller = (paid * sellerBps) / _BPS;
        address buyer = o.buyer;
        o.status = IDeliveryEscrow.OrderStatus.Split;
        self.owed[o.seller] += toSeller;
        self.owed[buyer] += paid - toSeller;
        emit IDeliveryEscrow.DisputeResolved(orderId, IDeliveryEscrow.Outcome.Split, toSeller, paid - toSeller);
        if (o.listing != address(0)) deed.transferFrom(address(this), buyer, o.deedId);
    }

    /// @notice The money of a policy cancellation refunded in Credit or WalletMinusFee mode (Wallet mode is a plain
    /// refund): Credit tops up the buyer's bid token with everything paid; WalletMinusFee sends the fee (rounded down)
    /// to the revenue vault and owes the buyer the rest.
    /// @param self The books.
    /// @param orderId The order, already marked Refunded.
    /// @param buyer Its buyer.
    /// @param paid What the buyer paid.
    /// @param refund The refund instructions (`feeBps` checked by the caller).
    /// @param token The payment token.
    /// @param marketplace The marketplace, whose modules receive the part that leaves.
    function refundByMode(
        Books storage self,
        uint256 orderId,
        address buyer,
        uint256 paid,
        IDeliveryEscrow.Refund calldata refund,
        IERC20 token,
        IMarketplace marketplace
    ) internal {
        bool credit = refund.mode == IMembership.RefundMode.Credit;
        uint256 fee = (paid * RefundModes.feeRate(refund.mode, refund.feeBps)) / _BPS;
        (uint256 toWallet, uint256 toCredit) = RefundModes.split(refund.mode, paid, 0, fee);
        if (toWallet != 0) self.owed[buyer] += toWallet;
        uint256 away = toCredit + fee;
        self.totalHeld -= away;
        emit IDeliveryEscrow.RefundSplit(
            orderId,
            refund.mode,
            toWallet,
            toCredit,
            credit ? refund.creditTokenId : 0,
            fee
        );
        if (away == 0) return;
        IMarketplace.Modules memory m = marketplace.modules();
        if (credit) {
            if (IERC721(m.bidToken).ownerOf(refund.creditTokenId) != buyer) {
                revert IDeliveryEscrow.CreditTokenNotHeld(refund.creditTokenId, buyer);
            }
            // topUp pulls exactly `away` and checks what arrived; no allowance is left behind.
            token.forceApprove(m.bidToken, away);
            IBidToken(m.bidToken).topUp(refund.creditTokenId, away);
        } else {
            token.forceApprove(m.revenueVault, away);
            IRevenueVault(m.revenueVault).collectFee(away);
        }
    }
}
