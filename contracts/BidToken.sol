// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IBidToken} from "./interfaces/IBidToken.sol";

/// @title BidToken
/// @notice Numbered bid tokens, ids 1 … 7,777,777, that stakes are recorded against. Tokens are transferable
/// and the stakes move with them; they are never burned. A buyer without a token is issued the next id inside
/// its first purchase.
/// @dev First part of SPEC §4.3: credit, tranches, vanity ids and recycling build on this contract later.
/// Every purchase calls `admit`, which is why the sales pause lives here (one storage read on the hot path).
contract BidToken is IBidToken, ERC721 {
    /// @notice The highest id that can ever exist.
    /// Fits the 24-bit token-id lane of the listings' purchase log (tested).
    uint256 public constant MAX_SUPPLY = 7_777_777;

    /// @dev Packed: the purchase path reads both in one slot.
    struct Gate {
        uint64 nextId;
        bool salesPaused;
    }

    address private immutable _MARKETPLACE;
    Gate private _gate;
    mapping(address listing => bool) private _enrolled;

    modifier onlyMarketplace() {
        if (msg.sender != _MARKETPLACE) revert OnlyMarketplace(msg.sender);
        _;
    }

    /// @param marketplace_ The marketplace that enrols listings and pauses sales.
    constructor(address marketplace_) ERC721("Copurchase Bid Token", "CPBID") {
        _MARKETPLACE = marketplace_;
        _gate = Gate({nextId: 1, salesPaused: false});
    }

    /// @inheritdoc IBidToken
    function admit(address buyer, uint256 tokenId) external returns (uint256) {
        Gate memory gate = _gate;
        if (gate.salesPaused) revert SalesPaused();
        if (tokenId != 0) {
            _checkHolder(tokenId, buyer);
            return tokenId;
        }
        if (!_enrolled[msg.sender]) revert NotAListing(msg.sender);
        tokenId = gate.nextId;
        if (tokenId > MAX_SUPPLY) revert SupplyExhausted(MAX_SUPPLY);
        _gate.nextId = uint64(tokenId + 1);
        // No receiver callback: the buyer is the caller of the purchase that asked for this token.
        _mint(buyer, tokenId);
        return tokenId;
    }

    /// @inheritdoc IBidToken
    function enrol(address listing) external onlyMarketplace {
        _enrolled[listing] = true;
        emit ListingEnrolled(listing);
    }

    /// @inheritdoc IBidToken
    function setSalesPaused(bool paused) external onlyMarketplace {
        _gate.salesPaused = paused;
        emit SalesPauseSet(paused);
    }

    /// @inheritdoc IBidToken
    function holderFor(uint256 tokenId, address spender) external view returns (address owner) {
        return _checkHolder(tokenId, spender);
    }

    /// @inheritdoc IBidToken
    function salesPaused() external view returns (bool) {
        return _gate.salesPaused;
    }

    /// @inheritdoc IBidToken
    function nextId() external view returns (uint256) {
        return _gate.nextId;
    }

    /// @inheritdoc IBidToken
    function isEnrolled(address listing) external view returns (bool) {
        return _enrolled[listing];
    }

    /// @inheritdoc IBidToken
    function marketplace() external view returns (address) {
        return _MARKETPLACE;
    }

    function _checkHolder(uint256 tokenId, address spender) private view returns (address owner) {
        owner = _ownerOf(tokenId);
        if (owner == address(0) || !_isAuthorized(owner, spender, tokenId)) revert NotTokenHolder(tokenId, spender);
    }
}
