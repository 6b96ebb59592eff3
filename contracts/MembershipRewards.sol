// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IBidToken} from "./interfaces/IBidToken.sol";
import {IMarketplace} from "./interfaces/IMarketplace.sol";
import {IMembership} from "./interfaces/IMembership.sol";
import {ExactTransfer} from "./libraries/ExactTransfer.sol";

/// @title MembershipRewards
/// @notice The membership's reward books: a pool funded by anyone, rewards booked when a direct order opens (pending),
/// earned when an order completes (claimable) and reversed when it is cancelled, and claims paid as bid-token credit.
/// The payment-token balance always equals `rewardPool`; the admin may take only what claims do not need.
/// @dev The base of `Membership`, whose reports book, earn and reverse rewards; it also holds the marketplace whose
/// roles govern both.
abstract contract MembershipRewards is IMembership, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    IMarketplace internal immutable _MARKETPLACE;
    IBidToken internal immutable _BID_TOKEN;
    IERC20 internal immutable _PAYMENT_TOKEN;

    mapping(address member => uint256) internal _rewards;
    mapping(uint256 orderId => uint256) internal _pendingRewards;
    mapping(address member => uint256) internal _claimable;
    uint256 internal _totalClaimable;
    uint256 internal _rewardPool;

    modifier onlyAdmin() {
        _checkRole(bytes32(0));
        _;
    }

    /// @param marketplace_ The marketplace whose roles govern the membership, and whose payment token rewards are in.
    /// @param bidToken The bid token, to which claims are paid as credit.
    constructor(address marketplace_, address bidToken) {
        _MARKETPLACE = IMarketplace(marketplace_);
        _BID_TOKEN = IBidToken(bidToken);
        _PAYMENT_TOKEN = IERC20(IMarketplace(marketplace_).paymentToken());
    }

    /// @inheritdoc IMembership
    function fundRewards(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroInput();
        _rewardPool += amount;
        emit RewardsFunded(msg.sender, amount);
        ExactTransfer.pullExact(_PAYMENT_TOKEN, msg.sender, amount);
    }

    /// @inheritdoc IMembership
    function claimRewards(uint256 tokenId) external nonReentrant returns (uint256 amount) {
        if (IERC721(address(_BID_TOKEN)).ownerOf(tokenId) != msg.sender) revert NotTokenHolder(tokenId, msg.sender);
        amount = _claimable[msg.sender];
        if (amount == 0) revert NothingToClaim(msg.sender);
        uint256 pool = _rewardPool;
        if (amount > pool) revert RewardPoolShort(amount, pool);
        _claimable[msg.sender] = 0;
        _totalClaimable -= amount;
        _rewardPool = pool - amount;
        emit RewardsClaimed(msg.sender, tokenId, amount);
        // topUp pulls exactly `amount` and checks what arrived; no allowance is left behind.
        _PAYMENT_TOKEN.forceApprove(address(_BID_TOKEN), amount);
        _BID_TOKEN.topUp(tokenId, amount);
    }

    /// @inheritdoc IMembership
    function withdrawRewardSurplus(address to, uint256 amount) external onlyAdmin nonReentrant {
        if (to == address(0) || amount == 0) revert ZeroInput();
        uint256 pool = _rewardPool;
        uint256 surplus = pool > _totalClaimable ? pool - _totalClaimable : 0;
        if (amount > surplus) revert RewardPoolShort(amount, surplus);
        _rewardPool = pool - amount;
        emit RewardSurplusWithdrawn(to, amount);
        _PAYMENT_TOKEN.safeTransfer(to, amount);
    }

    /// @inheritdoc IMembership
    function pendingReward(uint256 orderId) external view returns (uint256) {
        return _pendingRewards[orderId];
    }

    /// @inheritdoc IMembership
    function claimableRewards(address member) external view returns (uint256) {
        return _claimable[member];
    }

    /// @inheritdoc IMembership
    function rewardPool() external view returns (uint256) {
        return _rewardPool;
    }

    /// @inheritdoc IMembership
    function totalClaimable() external view returns (uint256) {
        return _totalClaimable;
    }

    /// @inheritdoc IMembership
    function rewardsEarned(address member) external view returns (uint256) {
        return _rewards[member];
    }

    /// @inheritdoc IMembership
    function marketplace() external view returns (address) {
        return address(_MARKETPLACE);
    }

    function _checkRole(bytes32 role) internal view {
        if (!IAccessControl(address(_MARKETPLACE)).hasRole(role, msg.sender)) {
            revert IAccessControl.AccessControlUnauthorizedAccount(msg.sender, role);
        }
    }
}
