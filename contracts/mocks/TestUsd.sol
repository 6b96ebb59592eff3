// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title TestUsd
/// @notice Test-only base of the misbehaving stablecoin mocks: an ERC-20 with USDC's 6 decimals and an open faucet.
abstract contract TestUsd is ERC20 {
    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) {}

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
