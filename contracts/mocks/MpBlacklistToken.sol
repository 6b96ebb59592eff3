// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title MpBlacklistToken
/// @notice Test-only 6-decimals stablecoin that, like USDC, refuses transfers to or from blacklisted accounts.
/// Used by the Marketplace/RevenueVault unit tests to show that a party who cannot receive blocks only itself.
contract MpBlacklistToken is ERC20 {
    /// @notice Thrown when a blacklisted account sends or receives.
    /// @param account The blacklisted account.
    error MpBlacklisted(address account);

    /// @notice Whether an account is blacklisted.
    mapping(address account => bool) public blacklisted;

    constructor() ERC20("Mp Blacklist USD", "MPBUSD") {}

    /// @notice Mints test tokens to anyone.
    /// @param to Receiver.
    /// @param amount Units (6 decimals).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Blacklists or clears an account.
    /// @param account The account.
    /// @param value Whether it is blacklisted.
    function setBlacklisted(address account, bool value) external {
        blacklisted[account] = value;
    }

    /// @notice USDC's decimals.
    /// @return 6.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (blacklisted[from]) revert MpBlacklisted(from);
        if (blacklisted[to]) revert MpBlacklisted(to);
        super._update(from, to, value);
    }
}
