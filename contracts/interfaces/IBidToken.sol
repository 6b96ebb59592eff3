// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @title IBidToken
/// @notice Numbered NFTs (1 … 7,777,777) that stakes are recorded against and that carry prepaid credit
/// (SPEC §4.3). Ids are released in tranches and minted lazily on first issue; vanity ids are reserved and
/// granted by the operator; tokens with no credit and no open position are recycled to the treasury (this
/// contract) and issued again, most recently recycled first. Tokens are never burned.
interface IBidToken {
    /// @notice Why `recycle` skipped a token.
    enum SkipReason {
        None,
        NotIssued,
        InTreasury,
        HasCredit,
        OpenPosition,
        Vanity
    }

    /// @notice Thrown when a caller other than the marketplace uses a marketplace-only function.
    /// @param caller The caller.
    error OnlyMarketplace(address caller);
    /// @notice Thrown when a caller without the marketplace's OPERATOR_ROLE uses an operator function.
    /// @param caller The caller.
    error NotOperator(address caller);
    /// @notice Thrown when a contract that is not an enrolled listing uses a listing-only function.
    /// @param caller The caller.
    error NotAListing(address caller);
    /// @notice Thrown when a purchase comes while the marketplace is paused (read from `marketplacePauseMirror()`).
    error SalesPaused();
    /// @notice Thrown when a first purchase needs a token and none is recycled or released.
    /// @param releasedUpTo The highest released id.
    error NoTokenAvailable(uint256 releasedUpTo);
    /// @notice Thrown when `spender` is neither the owner of `tokenId` nor approved for it.
    /// @param tokenId The token.
    /// @param spender The would-be user.
    error NotTokenHolder(uint256 tokenId, address spender);
    /// @notice Thrown when a release does not raise `releasedUpTo`.
    /// @param releasedUpTo The current value.
    /// @param requested The value asked for.
    error ReleaseMustGrow(uint256 releasedUpTo, uint256 requested);
    /// @notice Thrown when an id or release is above the maximum supply.
    /// @param id The id or release asked for.
    /// @param maxSupply The maximum id.
    error BeyondMaxSupply(uint256 id, uint256 maxSupply);
    /// @notice Thrown when reserving id 0, an id already issued or an id already reserved.
    /// @param id The id.
    error NotReservable(uint256 id);
    /// @notice Thrown when granting an id that is not reserved or was already granted.
    /// @param id The id.
    error NotGrantable(uint256 id);
    /// @notice Thrown for a zero amount or the zero address.
    error ZeroInput();
    /// @notice Thrown when topping up a token that is not held by anyone (never issued, or in the treasury).
    /// @param tokenId The token.
    error TokenNotHeld(uint256 tokenId);
    /// @notice Thrown when a top-up delivered a different amount than asked (fee-on-transfer tokens are refused).
    /// @param expected The amount asked for.
    /// @param received The balance change observed.
    error TransferAmountMismatch(uint256 expected, uint256 received);
    /// @notice Thrown when a token would hold more than MAX_OPEN_POSITIONS open positions.
    /// @param tokenId The token.
    /// @param maxOpen The maximum.
    error TooManyOpenPositions(uint256 tokenId, uint256 maxOpen);
    /// @notice Thrown when enrolling more listings than the position lanes can number.
    error TooManyListings();
    /// @notice Thrown when a token is sent to the treasury other than by `recycle`.
    error TreasuryOnlyByRecycling();

    /// @notice Emitted when the marketplace enrols a new listing.
    /// @param listing The listing.
    /// @param number The listing's enrolment number (what tokens record their positions by).
    event ListingEnrolled(address indexed listing, uint256 number);
    /// @notice Emitted when the marketplace's pause or unpause is copied here (see `mirrorPauseOfMarketplace`).
    /// @param paused Whether the marketplace is now paused, and so purchases with it.
    event MarketplacePauseMirrored(bool paused);
    /// @notice Emitted when the operator releases a tranche.
    /// @param releasedUpTo The new highest issuable id.
    event TrancheReleased(uint256 releasedUpTo);
    /// @notice Emitted when the operator reserves a vanity id.
    /// @param tokenId The id.
    event IdReserved(uint256 indexed tokenId);
    /// @notice Emitted when the operator grants a reserved id.
    /// @param tokenId The id.
    /// @param to The recipient.
    event VanityGranted(uint256 indexed tokenId, address indexed to);
    /// @notice Emitted when credit is added to a token.
    /// @param tokenId The token.
    /// @param from Who paid.
    /// @param amount Payment-token units added.
    /// @param credit The token's credit afterwards.
    event CreditAdded(uint256 indexed tokenId, address indexed from, uint256 amount, uint256 credit);
    /// @notice Emitted when a purchase spends a token's credit.
    /// @param tokenId The token.
    /// @param listing The listing bought from.
    /// @param amount Payment-token units spent (the token's credit drops by as much).
    event CreditSpent(uint256 indexed tokenId, address indexed listing, uint256 amount);
    /// @notice Emitted when a listing collects the credit spent on its stakes.
    /// @param listing The listing.
    /// @param amount Payment-token units transferred to it.
    event CreditCollected(address indexed listing, uint256 amount);
    /// @notice Emitted when a token is returned to the treasury.
    /// @param tokenId The token.
    /// @param holder Its holder until now.
    event TokenRecycled(uint256 indexed tokenId, address indexed holder);
    /// @notice Emitted when `recycle` leaves a token where it is.
    /// @param tokenId The token.
    /// @param reason Why.
    event RecycleSkipped(uint256 indexed tokenId, SkipReason reason);

    /// @notice Admits a purchase of `cost` payment-token units: reverts while paused; when `tokenId` is 0 issues
    /// `buyer` a token (the most recently recycled, else the next released id that is not reserved); otherwise
    /// checks that `buyer` owns `tokenId` or is approved for it and spends the token's credit first.
    /// Enrolled listings only when a token is issued, credit is spent or a position opens.
    /// @param buyer The paying wallet.
    /// @param tokenId The token to use, or 0.
    /// @param cost The purchase's price.
    /// @param newPosition Whether the token has no stakes in the calling listing (a listing already in one of the
    /// token's lanes keeps that lane: one lane per listing).
    /// @return usedTokenId The token the purchase is recorded against.
    /// @return fromWallet What the caller must still collect from `buyer` (cost minus the credit spent).
    function admit(
        address buyer,
        uint256 tokenId,
        uint256 cost,
        bool newPosition
    ) external returns (uint256 usedTokenId, uint256 fromWallet);

    /// @notice Transfers to the calling listing the credit its buyers have spent so far. Enrolled listings only.
    /// @return amount Payment-token units transferred.
    function collectCredit() external returns (uint256 amount);

    /// @notice Adds credit to a token held by anyone; pulls `amount` from the caller. Credit can only be spent
    /// on stakes: there is no withdrawal.
    /// @param tokenId The token.
    /// @param amount Payment-token units.
    function topUp(uint256 tokenId, uint256 amount) external;

    /// @notice Returns to the treasury every token in `ids` with zero credit and no open position (stakes in
    /// an open or drawing listing, or an unclaimed refund); skips the others with a `RecycleSkipped` event.
    /// Granted vanity ids are never recycled: they are only ever granted by the operator.
    /// Permissionless.
    /// @param ids The tokens.
    /// @return recycled How many were recycled.
    function recycle(uint256[] calldata ids) external returns (uint256 recycled);

    /// @notice Raises the highest issuable id. Operator only.
    /// @param upTo The new `releasedUpTo`, above the current one and at most MAX_SUPPLY.
    function release(uint256 upTo) external;

    /// @notice Reserves vanity ids so that purchases never issue them. Operator only.
    /// @param ids Ids not yet issued nor reserved, at most MAX_SUPPLY.
    function reserve(uint256[] calldata ids) external;

    /// @notice Mints a reserved id to `to`. Operator only.
    /// @param tokenId The reserved id.
    /// @param to The recipient.
    function grant(uint256 tokenId, address to) external;

    /// @notice Enrols a listing so that it may issue tokens, spend credit and open positions. Marketplace only.
    /// @param listing The listing.
    function enrol(address listing) external;

    /// @notice Copies the marketplace's pause flag here. Marketplace only: written by the marketplace's `pause` and
    /// `unpause` and by nothing else, so this copy always equals the marketplace's `paused()`.
    /// @dev Why a copy: every purchase reads it from the slot `admit` reads anyway (the token-id gate), one warm
    /// slot read instead of an external call to the marketplace on each purchase.
    /// @param paused Whether the marketplace is now paused.
    function mirrorPauseOfMarketplace(bool paused) external;

    /// @notice Returns the owner of `tokenId` if `spender` is its owner or approved for it; reverts otherwise.
    /// @param tokenId The token.
    /// @param spender The would-be user.
    /// @return owner The owner.
    function holderFor(uint256 tokenId, address spender) external view returns (address owner);

    /// @notice The credit a token holds.
    /// @param tokenId The token.
    /// @return Payment-token units.
    function creditOf(uint256 tokenId) external view returns (uint256);

    /// @notice The listings in which `tokenId` holds an open position (stakes not yet settled, or a refund not
    /// yet claimed).
    /// @param tokenId The token.
    /// @return listings The listings, at most MAX_OPEN_POSITIONS.
    function openPositions(uint256 tokenId) external view returns (address[] memory listings);

    /// @notice Whether `recycle` would recycle `tokenId` now, and if not why.
    /// @param tokenId The token.
    /// @return reason `SkipReason.None` if it would.
    function recyclable(uint256 tokenId) external view returns (SkipReason reason);

    /// @notice Credit spent on a listing's stakes that the listing has not collected yet.
    /// @param listing The listing.
    /// @return Payment-token units.
    function creditPendingFor(address listing) external view returns (uint256);

    /// @notice The bid token's copy of the marketplace's pause flag, which every purchase reads (see
    /// `mirrorPauseOfMarketplace`): while true, purchases revert with `SalesPaused`.
    /// @return Whether the marketplace is paused.
    function marketplacePauseMirror() external view returns (bool);

    /// @notice The lowest id never issued by a purchase (reserved ids are skipped when reached).
    /// @return The id.
    function nextId() external view returns (uint256);

    /// @notice The highest id purchases may issue.
    /// @return The id.
    function releasedUpTo() external view returns (uint256);

    /// @notice How many recycled tokens the treasury holds.
    /// @return The count.
    function recycledCount() external view returns (uint256);

    /// @notice Whether an id is reserved as a vanity id (granted or not).
    /// @param tokenId The id.
    /// @return Whether it is reserved.
    function isReserved(uint256 tokenId) external view returns (bool);

    /// @notice Whether `listing` was enrolled by the marketplace.
    /// @param listing The address.
    /// @return Whether it is an enrolled listing.
    function isEnrolled(address listing) external view returns (bool);

    /// @notice The payment token credit is held in.
    /// @return The token.
    function paymentToken() external view returns (address);

    /// @notice The marketplace this collection belongs to.
    /// @return The marketplace.
    function marketplace() external view returns (address);
}
