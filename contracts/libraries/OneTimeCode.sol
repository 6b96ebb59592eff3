// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IDeliveryEscrow} from "../interfaces/IDeliveryEscrow.sol";

/// @title OneTimeCode
/// @notice The buyer's one-time release code of an order: committed as a hash, checked against what the seller
/// types, counted when wrong, and suspending the order after too many wrong tries.
/// @dev The state is the order's own `codeHash`, `codeLength` and `failedAttempts` (part of `IDeliveryEscrow.Order`,
/// whose layout the `order` view returns), so the functions take the order as `self`. Internal functions only.
library OneTimeCode {
    /// @notice The shortest code accepted: shorter codes are quick to guess within the attempt limit.
    uint256 internal constant MIN_LENGTH = 16;

    /// @notice Reverts unless `codeHash` is set and `codeLength` is at least `MIN_LENGTH`.
    function validate(bytes32 codeHash, uint8 codeLength) internal pure {
        if (codeLength < MIN_LENGTH) revert IDeliveryEscrow.CodeTooShort(codeLength, MIN_LENGTH);
        if (codeHash == bytes32(0)) revert IDeliveryEscrow.InvalidCodeHash();
    }

    /// @notice Stores a code that was already validated.
    function store(IDeliveryEscrow.Order storage self, uint256 orderId, bytes32 codeHash, uint8 codeLength) internal {
        self.codeHash = codeHash;
        self.codeLength = codeLength;
        emit IDeliveryEscrow.CodeCommitted(orderId, codeHash, codeLength);
    }

    /// @notice Commits or replaces the code. After shipment the seller may be on its way with the code: replacing it
    /// then would turn a right code into a failed attempt against the seller.
    function replace(IDeliveryEscrow.Order storage self, uint256 orderId, bytes32 codeHash, uint8 codeLength) internal {
        if (codeHash == bytes32(0)) revert IDeliveryEscrow.InvalidCodeHash();
        validate(codeHash, codeLength);
        bytes32 committed = self.codeHash;
        if (committed != bytes32(0) && self.trackingHash != bytes32(0)) {
            revert IDeliveryEscrow.CodeLocked(orderId, committed);
        }
        store(self, orderId, codeHash, codeLength);
    }

    /// @notice Counts a wrong code; the `maxAttempts`-th suspends the order for `suspensionPeriod` seconds.
    function recordFailure(
        IDeliveryEscrow.Order storage self,
        uint256 orderId,
        uint8 maxAttempts,
        uint32 suspensionPeriod
    ) internal {
        uint8 attempts = self.failedAttempts + 1;
        self.failedAttempts = attempts;
        emit IDeliveryEscrow.AuthorizationFailed(orderId, attempts);
        if (attempts >= maxAttempts) {
            uint40 refundableAt = uint40(block.timestamp + suspensionPeriod);
            self.status = IDeliveryEscrow.OrderStatus.Suspended;
            self.dueAt = refundableAt;
            emit IDeliveryEscrow.OrderSuspended(orderId, refundableAt);
        }
    }
}
