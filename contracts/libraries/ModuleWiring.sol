// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IListing} from "../interfaces/IListing.sol";
import {IMarketplace} from "../interfaces/IMarketplace.sol";

/// @dev Every module reports the marketplace it serves.
interface IModule {
    function marketplace() external view returns (address);
}

/// @dev The membership reports the escrow whose orders it counts.
interface IMembershipWiring {
    function escrow() external view returns (address);
}

/// @title ModuleWiring
/// @notice The checks `Marketplace.setModules` and `setSeriesModule` run before wiring: every module is a contract
/// serving this marketplace, and the modules the listing implementation (and membership) were built against are the
/// ones being wired. Errors are the Marketplace's (`IMarketplace`).
library ModuleWiring {
    /// @notice Reverts unless `modules` fit together and all serve this marketplace.
    /// @param modules The modules to wire (membership may be zero: no stake cancellation).
    function check(IMarketplace.Modules calldata modules) internal view {
        checkModule(modules.bidToken);
        checkModule(modules.assetDeed);
        checkModule(modules.escrow);
        checkModule(modules.revenueVault);
        checkModule(modules.listingImplementation);
        address membership = modules.membership;
        if (membership != address(0)) {
            checkModule(membership);
            _checkSame(membership, modules.escrow, IMembershipWiring(membership).escrow());
        }
        address impl = modules.listingImplementation;
        (address bidToken, address deed, address escrow, address vault, address listingMembership) = IListing(impl)
            .wiring();
        _checkSame(impl, modules.bidToken, bidToken);
        _checkSame(impl, modules.assetDeed, deed);
        _checkSame(impl, modules.escrow, escrow);
        _checkSame(impl, modules.revenueVault, vault);
        _checkSame(impl, membership, listingMembership);
    }

    /// @notice Reverts unless `module` is a contract that reports this marketplace as its own.
    /// @param module The module.
    function checkModule(address module) internal view {
        if (module.code.length == 0 || IModule(module).marketplace() != address(this)) {
            revert IMarketplace.InvalidModule(module);
        }
    }

    function _checkSame(address module, address expected, address actual) private pure {
        if (expected != actual) revert IMarketplace.ModuleMismatch(module, expected, actual);
    }
}
