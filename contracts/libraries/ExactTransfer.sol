// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title ExactTransfer
/// @notice Pulls tokens and checks they all arrived: every contract books exactly what it pulls, so a token that
/// takes a fee on transfer (or delivers less for any reason) is refused instead of leaving the books short.
library ExactTransfer {
    using SafeERC20 for IERC20;

    /// @notice Thrown when the balance grew by another amount than the one pulled. Every contract that pulls
    /// declares the same error in its interface.
    /// @param expected The amount pulled.
    /// @param received The balance change observed.
    error TransferAmountMismatch(uint256 expected, uint256 received);

    /// @notice Pulls exactly `amount` of `token` from `from` into this contract.
    /// @param token The token.
    /// @param from The payer (must have approved this contract).
    /// @param amount The amount.
    function pullExact(IERC20 token, address from, uint256 amount) internal {
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(from, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert TransferAmountMismatch(amount, received);
    }
}
