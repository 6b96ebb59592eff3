// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestUsd} from "./TestUsd.sol";

/// @title MpBlacklistToken
/// @notice Test-only 6-decimals stablecoin that, like USDC, refuses transfers to or from blacklisted accounts.
/// Used by the Marketplace/RevenueVault unit tests to show that a party who cannot receive blocks only itself.
contract MpBlacklistToken is TestUsd {
    /// @notice Thrown when a blacklisted account sends or receives.
    /// @param account The blacklisted account.
    error MpBlacklisted(address account);

    /// @notice Whether an account is blacklisted.
    mapping(address account => bool) public blacklisted;

    constructor() TestUsd("Mp Blacklist USD", "MPBUSD") {}

    /// @notice Blacklists or clears an account.
    /// @param account The account.
    /// @param value Whether it is blacklisted.
    function setBlacklisted(address account, bool value) external {
        blacklisted[account] = value;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (blacklisted[from]) revert MpBlacklisted(from);
        if (blacklisted[to]) revert MpBlacklisted(to);
        super._update(from, to, value);
    }
}
