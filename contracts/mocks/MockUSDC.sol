// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title MockUSDC
/// @notice Test-only 6-decimals stablecoin with EIP-2612 permit and an open faucet.
contract MockUSDC is ERC20, ERC20Permit {
    constructor() ERC20("Mock USD Coin", "USDC") ERC20Permit("Mock USD Coin") {}

    /// @notice Mints test tokens to anyone.
    /// @param to Receiver.
    /// @param amount Units (6 decimals).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice USDC's decimals.
    /// @return 6.
    function decimals() public pure override returns (uint8) {
        return 6;
    }
}
