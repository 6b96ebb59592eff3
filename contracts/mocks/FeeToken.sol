// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestUsd} from "./TestUsd.sol";

/// @title FeeToken
/// @notice Test-only 6-decimals token that burns a fee on every transfer once switched on, so the receiver gets less
/// than was sent (attack class A19: fee-on-transfer tokens).
contract FeeToken is TestUsd {
    /// @notice Fee in basis points of each transfer.
    uint256 public feeBps;

    constructor() TestUsd("Fee USD", "FEEUSD") {}

    /// @notice Sets the fee.
    /// @param bps Fee in basis points.
    function setFeeBps(uint256 bps) external {
        feeBps = bps;
    }

    function _update(address from, address to, uint256 value) internal override {
        uint256 fee = from == address(0) || to == address(0) ? 0 : (value * feeBps) / 10_000;
        if (fee != 0) super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
