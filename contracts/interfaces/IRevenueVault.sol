// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @title IRevenueVault
/// @notice Collects the markup of settled listings and splits it among revenue recipients by shares in basis
/// points; each recipient withdraws its own balance (pull).
interface IRevenueVault {
    /// @notice A recipient and its share.
    /// @param account Who is paid.
    /// @param shareBps Share in basis points; all shares sum to exactly 10,000.
    struct Recipient {
        address account;
        uint16 shareBps;
    }

    /// @notice Thrown when shares do not sum to 10,000.
    /// @param sum The sum given.
    error SharesMustSumTo10000(uint256 sum);
    /// @notice Thrown for a zero address, a zero share or a repeated recipient.
    /// @param index The position of the bad entry.
    error InvalidRecipient(uint256 index);
    /// @notice Thrown when there are no recipients or more than the maximum.
    /// @param count The count given.
    error RecipientCount(uint256 count);
    /// @notice Thrown when collecting from an address that is not a listing.
    /// @param listing The address.
    error NotAListing(address listing);
    /// @notice Thrown when collecting before any recipient is configured.
    error NoRecipients();
    /// @notice Thrown when there is nothing to withdraw.
    /// @param account The account.
    error NothingToWithdraw(address account);
    /// @notice Thrown when withdrawing to the zero address.
    error ZeroAddress();
    /// @notice Thrown when collecting a zero fee.
    error ZeroAmount();
    /// @notice Thrown when the payment token delivered a different amount than was pulled.
    /// @param expected Units pulled.
    /// @param received Units that arrived.
    error TransferAmountMismatch(uint256 expected, uint256 received);

    /// @notice Emitted when the recipients change.
    /// @param recipients The new recipients.
    event RecipientsSet(Recipient[] recipients);
    /// @notice Emitted when a listing's markup is collected.
    /// @param listing The listing.
    /// @param amount Payment-token units.
    event RevenueCollected(address indexed listing, uint256 amount);
    /// @notice Emitted when a fee is paid in (e.g. by the escrow, on a refund minus a fee).
    /// @param payer Who paid it.
    /// @param amount Payment-token units.
    event FeeCollected(address indexed payer, uint256 amount);
    /// @notice Emitted for each recipient's part of a collection.
    /// @param account The recipient.
    /// @param amount Payment-token units.
    event RevenueCredited(address indexed account, uint256 amount);
    /// @notice Emitted when a recipient withdraws.
    /// @param account The recipient.
    /// @param to Where the tokens went.
    /// @param amount Payment-token units.
    event RevenueWithdrawn(address indexed account, address indexed to, uint256 amount);

    /// @notice Replaces the recipients. Marketplace admin only.
    /// @param recipients Recipients with shares summing to 10,000 bps, at most `MAX_RECIPIENTS`.
    function setRecipients(Recipient[] calldata recipients) external;

    /// @notice Collects a settled listing's markup and credits every recipient by share. Permissionless.
    /// @dev Rounding remainders go to the first recipient, so the split is exact.
    /// @param listing The listing.
    /// @return amount Payment-token units collected.
    function collect(address listing) external returns (uint256 amount);

    /// @notice Pulls a fee of `amount` from the caller and credits every recipient by share, like collected markup.
    /// Permissionless: it only adds to the books.
    /// @dev The balance received must equal `amount` (fee-on-transfer tokens are rejected), so the vault's balance
    /// stays equal to `totalOwed`.
    /// @param amount Payment-token units (the caller approved them).
    function collectFee(uint256 amount) external;

    /// @notice Withdraws the caller's whole balance to `to`.
    /// @param to Where to send it (lets a blacklisted recipient withdraw elsewhere).
    /// @return amount Payment-token units sent.
    function withdraw(address to) external returns (uint256 amount);

    /// @notice What `account` can withdraw.
    /// @param account The recipient.
    /// @return Payment-token units.
    function owedTo(address account) external view returns (uint256);

    /// @notice The sum of all recipients' balances: the vault's books.
    /// @return Payment-token units.
    function totalOwed() external view returns (uint256);

    /// @notice The current recipients.
    /// @return The recipients.
    function recipients() external view returns (Recipient[] memory);

    /// @notice The marketplace this vault serves.
    /// @return The marketplace.
    function marketplace() external view returns (address);
}
