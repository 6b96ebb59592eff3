// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @title IBidToken
/// @notice Numbered NFTs (1 … 7,777,777) that stakes are recorded against (SPEC §4.3). Every purchase passes
/// through this contract's sale gate, which issues a token to first-time buyers and holds the sales pause.
interface IBidToken {
    /// @notice Thrown when a caller other than the marketplace uses a marketplace-only function.
    /// @param caller The caller.
    error OnlyMarketplace(address caller);
    /// @notice Thrown when a contract that is not an enrolled listing asks to issue a token.
    /// @param caller The caller.
    error NotAListing(address caller);
    /// @notice Thrown when purchases are paused.
    error SalesPaused();
    /// @notice Thrown when every id up to the maximum has been issued.
    /// @param maxSupply The maximum id.
    error SupplyExhausted(uint256 maxSupply);
    /// @notice Thrown when `spender` is neither the owner of `tokenId` nor approved for it.
    /// @param tokenId The token.
    /// @param spender The would-be user.
    error NotTokenHolder(uint256 tokenId, address spender);

    /// @notice Emitted when the marketplace enrols a new listing.
    /// @param listing The listing.
    event ListingEnrolled(address indexed listing);
    /// @notice Emitted when purchases are paused or resumed.
    /// @param paused Whether purchases are paused.
    event SalesPauseSet(bool paused);

    /// @notice Admits a purchase: reverts while paused; issues the next id to `buyer` when `tokenId` is 0,
    /// otherwise checks that `buyer` owns `tokenId` or is approved for it.
    /// @dev Issuing is restricted to enrolled listings.
    /// @param buyer The paying wallet.
    /// @param tokenId The token to use, or 0.
    /// @return The token the purchase is recorded against.
    function admit(address buyer, uint256 tokenId) external returns (uint256);

    /// @notice Enrols a listing so that it may issue tokens. Marketplace only.
    /// @param listing The listing.
    function enrol(address listing) external;

    /// @notice Pauses or resumes purchases. Marketplace only.
    /// @param paused Whether purchases are paused.
    function setSalesPaused(bool paused) external;

    /// @notice The owner of `tokenId`, after checking that `spender` is the owner or approved for it.
    /// @param tokenId The token.
    /// @param spender The would-be user.
    /// @return owner The token's owner.
    function holderFor(uint256 tokenId, address spender) external view returns (address owner);

    /// @notice Whether purchases are paused.
    /// @return Whether purchases are paused.
    function salesPaused() external view returns (bool);

    /// @notice The id the next issue will get.
    /// @return The id.
    function nextId() external view returns (uint256);

    /// @notice Whether `listing` is enrolled.
    /// @param listing The address.
    /// @return Whether it is enrolled.
    function isEnrolled(address listing) external view returns (bool);

    /// @notice The marketplace this token serves.
    /// @return The marketplace.
    function marketplace() external view returns (address);
}
