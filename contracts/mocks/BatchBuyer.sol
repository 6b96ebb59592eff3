// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {IListing} from "../interfaces/IListing.sol";

/// @title BatchBuyer
/// @notice Test-only: fills a listing with many purchases per transaction through the real `Listing.buy`, so
/// benchmarks can reach 100,000 purchases quickly.
contract BatchBuyer is IERC721Receiver {
    /// @notice The bid token this buyer uses (issued on its first purchase).
    uint256 public tokenId;

    /// @notice Buys `count` stakes `times` times in one transaction.
    /// @param listing The listing.
    /// @param token The payment token (this contract must hold enough).
    /// @param count Stakes per purchase.
    /// @param times Purchases.
    function buyMany(IListing listing, IERC20 token, uint256 count, uint256 times) external {
        token.approve(address(listing), type(uint256).max);
        uint256 id = tokenId;
        for (uint256 i; i < times; ++i) {
            (id, ) = listing.buy(id, count);
        }
        tokenId = id;
    }

    /// @notice As `buyMany`, cancelling every `cancelEvery`-th purchase right after it is made (its refund comes
    /// back here), so that benchmarks can build listings with a share of cancelled purchases.
    /// @param listing The listing.
    /// @param token The payment token (this contract must hold enough).
    /// @param count Stakes per purchase.
    /// @param times Purchases.
    /// @param cancelEvery Cancel purchase i when (i + 1) % cancelEvery == 0.
    function buyManyCancelling(
        IListing listing,
        IERC20 token,
        uint256 count,
        uint256 times,
        uint256 cancelEvery
    ) external {
        token.approve(address(listing), type(uint256).max);
        uint256 id = tokenId;
        for (uint256 i; i < times; ++i) {
            (id, ) = listing.buy(id, count);
            if ((i + 1) % cancelEvery == 0) {
                (, uint256 purchases) = listing.sales();
                listing.cancelPurchase(purchases - 1);
            }
        }
        tokenId = id;
    }

    /// @notice Buys `count` stakes once per holder, each with a newly issued bid token that it then hands to that
    /// holder, so that benchmarks get many tokens held by distinct addresses.
    /// @param listing The listing.
    /// @param token The payment token (this contract must hold enough).
    /// @param bidToken The bid-token collection.
    /// @param count Stakes per purchase.
    /// @param holders Who receives each token.
    function buyForEach(
        IListing listing,
        IERC20 token,
        IERC721 bidToken,
        uint256 count,
        address[] calldata holders
    ) external {
        token.approve(address(listing), type(uint256).max);
        for (uint256 i; i < holders.length; ++i) {
            (uint256 id, ) = listing.buy(0, count);
            bidToken.transferFrom(address(this), holders[i], id);
        }
    }

    /// @inheritdoc IERC721Receiver
    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return IERC721Receiver.onERC721Received.selector;
    }
}
