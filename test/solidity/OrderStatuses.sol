// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IDeliveryEscrow} from "../../contracts/interfaces/IDeliveryEscrow.sol";

/// @title OrderStatuses
/// @notice Test-only: sets of escrow order statuses as bit masks (bit `s` set for status `s`), shared by the escrow
/// handlers that pick orders by status.
library OrderStatuses {
    /// @notice An order past its draw that still holds the buyer's money and waits for someone: shipment, delivery,
    /// a dispute's outcome or a suspended release.
    uint256 internal constant OPEN =
        (1 << uint256(IDeliveryEscrow.OrderStatus.AwaitingShipment)) |
            (1 << uint256(IDeliveryEscrow.OrderStatus.Shipped)) |
            (1 << uint256(IDeliveryEscrow.OrderStatus.Disputed)) |
            (1 << uint256(IDeliveryEscrow.OrderStatus.Suspended));
}
