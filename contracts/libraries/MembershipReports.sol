// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IDeliveryEscrow} from "../interfaces/IDeliveryEscrow.sol";
import {CappedCall} from "./CappedCall.sol";

/// @title MembershipReports
/// @notice Reports to the membership contract with a fixed gas cap, after every effect and transfer. A reverting or
/// gas-hungry membership contract cannot block a release or a refund: the failure is recorded (by hash of its
/// calldata) for a replay with more gas and emitted, with the calldata, so nothing it carried is lost. No return
/// data is copied, so there is no return bomb either.
/// @dev Internal functions, compiled into the escrow, which calls `send` directly from each of its three report sites
/// (no wrapper between them, so a report costs one internal call).
library MembershipReports {
    struct State {
        mapping(bytes32 reportHash => bool) failed;
    }

    /// @notice The gas a report gets.
    uint256 internal constant GAS = 200_000;
    /// @notice Gas kept back to record a failed report.
    uint256 internal constant RECORD_GAS = 40_000;

    /// @notice Sends `report` to `hooks` (nothing when no membership is bound). The caller must leave the report its
    /// whole cap, so that nobody can make a report fail on purpose by sending too little gas.
    function send(State storage self, address hooks, uint256 orderId, bytes memory report) internal {
        if (hooks == address(0)) return;
        // 1/64 of the gas stays with the caller (EIP-150); the margin pays for the call and for recording a failure.
        uint256 needed = GAS + GAS / 63 + RECORD_GAS;
        if (gasleft() < needed) revert IDeliveryEscrow.GasTooLowForReport(gasleft(), needed);
        if (CappedCall.invoke(hooks, GAS, report)) return;
        bytes32 reportHash = keccak256(abi.encode(orderId, report));
        self.failed[reportHash] = true;
        emit IDeliveryEscrow.MembershipReportFailed(orderId, reportHash, report);
    }

    /// @notice Sends a recorded failed report again with all the gas the replayer gives; a report that fails again
    /// reverts and stays recorded.
    function replay(State storage self, address hooks, uint256 orderId, bytes calldata report) internal {
        bytes32 reportHash = keccak256(abi.encode(orderId, report));
        if (!self.failed[reportHash]) revert IDeliveryEscrow.NoFailedReport(reportHash);
        delete self.failed[reportHash];
        emit IDeliveryEscrow.MembershipReportReplayed(orderId, reportHash);
        if (!CappedCall.invoke(hooks, gasleft(), report)) revert IDeliveryEscrow.ReportReplayFailed(reportHash);
    }
}
