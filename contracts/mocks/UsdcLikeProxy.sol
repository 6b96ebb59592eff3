// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title UsdcLikeProxy
/// @notice Test-only admin-upgradeable proxy in the shape of Circle's FiatTokenProxy: the implementation and admin live in
/// the EIP-1967 slots, the admin may only upgrade or hand over (it can never use the token through the proxy), everyone
/// else is forwarded. Every forwarded call reads both slots, which is part of what a real USDC transfer costs.
/// @dev Written for this project; not Circle's code.
contract UsdcLikeProxy {
    /// @dev bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1)
    bytes32 private constant _IMPLEMENTATION_SLOT = 0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc;
    /// @dev bytes32(uint256(keccak256("eip1967.proxy.admin")) - 1)
    bytes32 private constant _ADMIN_SLOT = 0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103;

    /// @notice Emitted when the implementation changes.
    /// @param implementation The new implementation.
    event Upgraded(address indexed implementation);
    /// @notice Emitted when the admin changes.
    /// @param previousAdmin The old admin.
    /// @param newAdmin The new admin.
    event AdminChanged(address previousAdmin, address newAdmin);

    /// @notice Thrown when the admin tries to use the token through the proxy (FiatTokenProxy refuses it too).
    error AdminCannotFallback();
    /// @notice Thrown when an implementation has no code.
    /// @param implementation The address given.
    error NotAContract(address implementation);

    /// @param implementation_ The token logic.
    /// @param admin_ The proxy admin (must differ from every token user: it cannot call the token).
    constructor(address implementation_, address admin_) {
        _setImplementation(implementation_);
        _store(_ADMIN_SLOT, admin_);
        emit AdminChanged(address(0), admin_);
    }

    /// @notice The proxy admin; other callers reach the token's own functions instead.
    /// @return The admin.
    function admin() external ifAdmin returns (address) {
        return _load(_ADMIN_SLOT);
    }

    /// @notice The current implementation.
    /// @return The implementation.
    function implementation() external ifAdmin returns (address) {
        return _load(_IMPLEMENTATION_SLOT);
    }

    /// @notice Points the proxy at new logic (the token's storage stays).
    /// @param implementation_ The new implementation.
    function upgradeTo(address implementation_) external ifAdmin {
        _setImplementation(implementation_);
    }

    /// @notice Hands the proxy admin to another address.
    /// @param newAdmin The new admin.
    function changeAdmin(address newAdmin) external ifAdmin {
        emit AdminChanged(_load(_ADMIN_SLOT), newAdmin);
        _store(_ADMIN_SLOT, newAdmin);
    }

    /// @notice Everything else runs in the implementation, in this proxy's storage.
    fallback() external {
        _forward();
    }

    modifier ifAdmin() {
        if (msg.sender == _load(_ADMIN_SLOT)) {
            _;
        } else {
            _forward();
        }
    }

    function _forward() private {
        if (msg.sender == _load(_ADMIN_SLOT)) revert AdminCannotFallback();
        address impl = _load(_IMPLEMENTATION_SLOT);
        // Why assembly: a transparent proxy forwards any calldata and returns or reverts with the raw result.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), impl, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            switch ok
            case 0 {
                revert(0, returndatasize())
            }
            default {
                return(0, returndatasize())
            }
        }
    }

    function _setImplementation(address implementation_) private {
        if (implementation_.code.length == 0) revert NotAContract(implementation_);
        _store(_IMPLEMENTATION_SLOT, implementation_);
        emit Upgraded(implementation_);
    }

    function _load(bytes32 slot) private view returns (address value) {
        // Why assembly: the EIP-1967 slots are fixed hashes, not Solidity state variables.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            value := sload(slot)
        }
    }

    function _store(bytes32 slot, address value) private {
        // Why assembly: the EIP-1967 slots are fixed hashes, not Solidity state variables.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(slot, value)
        }
    }
}
