// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ExactTransfer} from "./libraries/ExactTransfer.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IRevenueVault} from "./interfaces/IRevenueVault.sol";
import {IMarketplace} from "./interfaces/IMarketplace.sol";
import {IListing} from "./interfaces/IListing.sol";

/// @title RevenueVault
/// @notice The platform's markup: collected from settled listings, split among recipients (operations,
/// donations, …) by basis-point shares, and withdrawn by each recipient on its own (pull).
contract RevenueVault is IRevenueVault, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Upper bound on recipients, which bounds the loop in `collect`.
    uint256 public constant MAX_RECIPIENTS = 10;
    /// @notice Shares must sum to exactly this.
    uint256 public constant TOTAL_BPS = 10_000;

    IMarketplace private immutable _MARKETPLACE;
    IERC20 private immutable _PAYMENT_TOKEN;

    Recipient[] private _recipients;
    uint256 private _totalOwed;
    mapping(address account => uint256) private _owed;

    /// @param marketplace_ The marketplace whose listings pay markup and whose admins set recipients.
    /// @param paymentToken The ERC-20 collected.
    constructor(address marketplace_, address paymentToken) {
        _MARKETPLACE = IMarketplace(marketplace_);
        _PAYMENT_TOKEN = IERC20(paymentToken);
    }

    /// @inheritdoc IRevenueVault
    function setRecipients(Recipient[] calldata recipients_) external {
        // The marketplace's admins govern the vault; the error is AccessControl's own, as for every other role check.
        if (!IAccessControl(address(_MARKETPLACE)).hasRole(bytes32(0), msg.sender)) {
            revert IAccessControl.AccessControlUnauthorizedAccount(msg.sender, bytes32(0));
        }
        uint256 count = recipients_.length;
        if (count == 0 || count > MAX_RECIPIENTS) revert RecipientCount(count);
        uint256 sum;
        for (uint256 i; i < count; ++i) {
            Recipient calldata r = recipients_[i];
            if (r.account == address(0) || r.shareBps == 0) revert InvalidRecipient(i);
            for (uint256 j; j < i; ++j) {
                if (recipients_[j].account == r.account) revert InvalidRecipient(i);
            }
            sum += r.shareBps;
        }
        if (sum != TOTAL_BPS) revert SharesMustSumTo10000(sum);
        delete _recipients;
        for (uint256 i; i < count; ++i) {
            _recipients.push(recipients_[i]);
        }
        emit RecipientsSet(recipients_);
    }

    /// @inheritdoc IRevenueVault
    function collect(address listing) external nonReentrant returns (uint256 amount) {
        if (!_MARKETPLACE.isListing(listing)) revert NotAListing(listing);
        uint256 count = _recipients.length;
        if (count == 0) revert NoRecipients();
        amount = IListing(listing).releaseMarkup();
        _totalOwed += amount;
        emit RevenueCollected(listing, amount);
        _split(amount, count);
    }

    /// @inheritdoc IRevenueVault
    function collectFee(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        uint256 count = _recipients.length;
        if (count == 0) revert NoRecipients();
        _totalOwed += amount;
        emit FeeCollected(msg.sender, amount);
        _split(amount, count);
        ExactTransfer.pullExact(_PAYMENT_TOKEN, msg.sender, amount);
    }

    /// @dev Credits `amount` to the recipients by share, the rounding remainders to the first.
    function _split(uint256 amount, uint256 count) private {
        uint256 credited;
        for (uint256 i = 1; i < count; ++i) {
            Recipient memory r = _recipients[i];
            uint256 part = (amount * r.shareBps) / TOTAL_BPS;
            credited += part;
            _credit(r.account, part);
        }
        // The first recipient takes its share plus the rounding remainders, so nothing is left unassigned.
        _credit(_recipients[0].account, amount - credited);
    }

    /// @inheritdoc IRevenueVault
    function withdraw(address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert ZeroAddress();
        amount = _owed[msg.sender];
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        _owed[msg.sender] = 0;
        _totalOwed -= amount;
        emit RevenueWithdrawn(msg.sender, to, amount);
        _PAYMENT_TOKEN.safeTransfer(to, amount);
    }

    /// @inheritdoc IRevenueVault
    function owedTo(address account) external view returns (uint256) {
        return _owed[account];
    }

    /// @inheritdoc IRevenueVault
    function totalOwed() external view returns (uint256) {
        return _totalOwed;
    }

    /// @inheritdoc IRevenueVault
    function recipients() external view returns (Recipient[] memory) {
        return _recipients;
    }

    /// @inheritdoc IRevenueVault
    function marketplace() external view returns (address) {
        return address(_MARKETPLACE);
    }

    function _credit(address account, uint256 amount) private {
        _owed[account] += amount;
        emit RevenueCredited(account, amount);
    }
}
