// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IAssetDeed} from "./interfaces/IAssetDeed.sol";

/// @title AssetDeed
/// @notice The on-chain title of each listed asset: minted to the seller when the asset is submitted, held by
/// the listing and then the escrow, and finally owned by the winner (or back with the seller).
contract AssetDeed is IAssetDeed, ERC721 {
    address private immutable _MARKETPLACE;
    uint256 private _lastId;
    mapping(uint256 deedId => string) private _uris;
    mapping(uint256 deedId => bytes32) private _contentHashes;

    /// @param marketplace_ The marketplace that mints deeds.
    constructor(address marketplace_) ERC721("Copurchase Asset Deed", "CPDEED") {
        _MARKETPLACE = marketplace_;
    }

    /// @inheritdoc IAssetDeed
    function mint(address to, string calldata uri, bytes32 contentHash_) external returns (uint256 deedId) {
        if (msg.sender != _MARKETPLACE) revert OnlyMarketplace(msg.sender);
        if (bytes(uri).length == 0 || contentHash_ == bytes32(0)) revert EmptyMetadata();
        deedId = ++_lastId;
        _uris[deedId] = uri;
        _contentHashes[deedId] = contentHash_;
        _mint(to, deedId);
        // Lets the seller accept the listing terms and deposit the deed in a single call later.
        _approve(_MARKETPLACE, deedId, address(0));
        emit DeedMinted(deedId, to, uri, contentHash_);
    }

    /// @inheritdoc IAssetDeed
    function contentHash(uint256 deedId) external view returns (bytes32) {
        _requireOwned(deedId);
        return _contentHashes[deedId];
    }

    /// @inheritdoc IAssetDeed
    function marketplace() external view returns (address) {
        return _MARKETPLACE;
    }

    /// @notice The deed's metadata URI.
    /// @param deedId The deed.
    /// @return The URI given at submission.
    function tokenURI(uint256 deedId) public view override returns (string memory) {
        _requireOwned(deedId);
        return _uris[deedId];
    }
}
