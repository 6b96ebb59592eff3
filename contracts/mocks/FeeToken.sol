// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title FeeToken
/// @notice Test-only 6-decimals token that burns a fee on every transfer once switched on, so the receiver gets less
/// than was sent (attack class A19: fee-on-transfer tokens).
contract FeeToken is ERC20 {
    /// @notice Fee in basis points of each transfer.
    uint256 public feeBps;

    constructor() ERC20("Fee USD", "FEEUSD") {}

    /// @notice Mints test tokens to anyone.
    /// @param to Receiver.
    /// @param amount Units.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Sets the fee.
    /// @param bps Fee in basis points.
    function setFeeBps(uint256 bps) external {
        feeBps = bps;
    }

    /// @notice USDC's decimals.
    /// @return 6.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function _update(address from, address to, uint256 value) internal override {
        uint256 fee = from == address(0) || to == address(0) ? 0 : (value * feeBps) / 10_000;
        if (fee != 0) super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
