// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @title IAssetDeed
/// @notice The on-chain title of one listed asset (SPEC §4.4): an ERC-721 with a metadata URI and the content
/// hash of the asset's documents.
interface IAssetDeed {
    /// @notice Thrown when a caller other than the marketplace mints.
    /// @param caller The caller.
    error OnlyMarketplace(address caller);
    /// @notice Thrown when minting with an empty URI or a zero content hash.
    error EmptyMetadata();

    /// @notice Emitted when a deed is minted.
    /// @param deedId The deed.
    /// @param owner The seller.
    /// @param uri The metadata URI.
    /// @param contentHash Hash of the asset's documents.
    event DeedMinted(uint256 indexed deedId, address indexed owner, string uri, bytes32 contentHash);

    /// @notice Mints a deed to `to` and approves the marketplace for it, so that the seller can later accept
    /// listing terms and deposit the deed in one call. Marketplace only.
    /// @param to The seller.
    /// @param uri The metadata URI.
    /// @param contentHash Hash of the asset's documents.
    /// @return deedId The new deed's id.
    function mint(address to, string calldata uri, bytes32 contentHash) external returns (uint256 deedId);

    /// @notice The content hash recorded for a deed.
    /// @param deedId The deed.
    /// @return The hash.
    function contentHash(uint256 deedId) external view returns (bytes32);

    /// @notice The marketplace this deed collection serves.
    /// @return The marketplace.
    function marketplace() external view returns (address);
}
