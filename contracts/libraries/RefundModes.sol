// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IMembership} from "../interfaces/IMembership.sol";

/// @title RefundModes
/// @notice What a membership tier's refund mode means, in one place for the listing (cancelled stake purchases) and
/// the escrow (orders cancelled by policy). Wallet: everything back to the wallet it was paid from. Credit: everything
/// back as bid-token credit, no tier fee. WalletMinusFee: the tier fee is kept and the rest goes back the way it was
/// paid (wallet-paid part to the wallet, credit-paid part as credit), the fee coming out of the wallet part first.
/// @dev Internal pure functions only: compiled into each caller, no shared state.
library RefundModes {
    /// @notice The tier fee rate that applies under `mode`: only WalletMinusFee charges the tier's `feeBps`.
    /// @param mode The refund mode.
    /// @param feeBps The tier's fee, in basis points.
    /// @return The rate to charge, in basis points.
    function feeRate(IMembership.RefundMode mode, uint256 feeBps) internal pure returns (uint256) {
        return mode == IMembership.RefundMode.WalletMinusFee ? feeBps : 0;
    }

    /// @notice Splits a refund of `amount`, `creditPart` of which was paid with credit, after a `fee` (at most
    /// `amount`) is kept: Credit mode refunds everything else as credit; otherwise the fee comes out of the
    /// wallet-paid part first and each part goes back the way it was paid.
    /// @param mode The refund mode.
    /// @param amount What the refund is about.
    /// @param creditPart The part of `amount` paid with credit.
    /// @param fee The fee kept.
    /// @return toWallet Refunded to the wallet.
    /// @return toCredit Refunded as credit.
    function split(
        IMembership.RefundMode mode,
        uint256 amount,
        uint256 creditPart,
        uint256 fee
    ) internal pure returns (uint256 toWallet, uint256 toCredit) {
        if (mode == IMembership.RefundMode.Credit) return (0, amount - fee);
        uint256 walletPart = amount - creditPart;
        uint256 feeFromWallet = fee < walletPart ? fee : walletPart;
        toWallet = walletPart - feeFromWallet;
        toCredit = creditPart - (fee - feeFromWallet);
    }
}
