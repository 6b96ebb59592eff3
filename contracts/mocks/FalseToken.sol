// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {TestUsd} from "./TestUsd.sol";

/// @title FalseToken
/// @notice Test-only 6-decimals token that, once switched, answers `transfer` and `transferFrom` with `false`
/// instead of reverting and moves nothing, as some early ERC-20s do (attack class A19).
contract FalseToken is TestUsd {
    /// @notice Whether transfers fail by returning false.
    bool public failing;

    constructor() TestUsd("False USD", "FUSD") {}

    /// @notice Switches the failure mode.
    /// @param value Whether transfers return false.
    function setFailing(bool value) external {
        failing = value;
    }

    /// @inheritdoc ERC20
    function transfer(address to, uint256 value) public override returns (bool) {
        return failing ? false : super.transfer(to, value);
    }

    /// @inheritdoc ERC20
    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        return failing ? false : super.transferFrom(from, to, value);
    }
}
