// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestUsd} from "./TestUsd.sol";

/// @notice Implemented by accounts that want to hear about their transfers (the ERC-777 pattern).
interface ITransferHook {
    /// @notice Called by the token on every transfer from or to the registered account.
    /// @param from Sender.
    /// @param to Receiver.
    /// @param value Amount.
    function onTokenTransfer(address from, address to, uint256 value) external;
}

/// @title HookToken
/// @notice Test-only 6-decimals token that calls a registered account's hook before each of its transfers, the
/// way ERC-777 and some bridged tokens do: the re-entrancy surface attack class A13 is about.
contract HookToken is TestUsd {
    /// @notice Accounts whose hook is called.
    mapping(address account => bool) public hooked;

    constructor() TestUsd("Hook USD", "HUSD") {}

    /// @notice Registers the caller's hook.
    function registerHook() external {
        hooked[msg.sender] = true;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (hooked[from]) ITransferHook(from).onTokenTransfer(from, to, value);
        if (hooked[to]) ITransferHook(to).onTokenTransfer(from, to, value);
        super._update(from, to, value);
    }
}

/// @title ReentrantAccount
/// @notice Test-only attacker: acts through `execute`, and when its token hook fires it re-enters a chosen
/// contract once, recording whether that inner call succeeded and what it returned.
contract ReentrantAccount is ITransferHook {
    address private _target;
    bytes private _reentry;
    /// @notice Times the hook re-entered.
    uint256 public reentries;
    /// @notice Whether the last re-entry succeeded.
    bool public lastReentryOk;
    /// @notice What the last re-entry returned or reverted with.
    bytes public lastReentryData;

    /// @notice Arms one re-entry into `target` with `data`.
    /// @param target The contract to re-enter.
    /// @param data The call.
    function arm(address target, bytes calldata data) external {
        _target = target;
        _reentry = data;
    }

    /// @notice Calls `target` as this account.
    /// @param target The contract.
    /// @param data The call.
    /// @return result What it returned.
    function execute(address target, bytes calldata data) external returns (bytes memory result) {
        bool ok;
        // solhint-disable-next-line avoid-low-level-calls
        (ok, result) = target.call(data);
        if (!ok) {
            // Why assembly: rethrows the callee's revert data unchanged.
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
    }

    /// @inheritdoc ITransferHook
    function onTokenTransfer(address, address, uint256) external {
        address target = _target;
        if (target == address(0)) return;
        _target = address(0);
        ++reentries;
        // solhint-disable-next-line avoid-low-level-calls
        (lastReentryOk, lastReentryData) = target.call(_reentry);
    }
}
