// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SystemDeployment} from "./SystemDeployment.sol";
import {Listing} from "../../contracts/Listing.sol";
import {IListing} from "../../contracts/interfaces/IListing.sol";
import {IRevenueVault} from "../../contracts/interfaces/IRevenueVault.sol";

/// @title SystemSetup
/// @notice Test-only base: the system as the Ignition module deploys it (`SystemDeployment`, shared by every suite),
/// with a separate admin account as the deployer holding every role, then configured as an operator would: the
/// revenue split between two recipients and the seller verified.
abstract contract SystemSetup is SystemDeployment {
    /// @dev A realistic starting time, so that schedules never sit near zero.
    uint256 internal constant START = 1_700_000_000;

    address internal admin = makeAddr("admin");
    address internal seller = makeAddr("seller");
    /// @dev makeAddr's key for "seller", which signs the seller's direct-order offers.
    uint256 internal sellerKey = uint256(keccak256(abi.encodePacked("seller")));
    address internal operations = makeAddr("operations");
    address internal donations = makeAddr("donations");

    function _deploySystem() internal {
        vm.warp(START);
        Params memory p = _ignitionDefaults(admin);
        // Parameters of the module: a two-hour default cancellation window.
        p.defaultPolicy.cancelWindow = 2 hours;
        _deployLocalCopurchase(p);

        vm.startPrank(admin);
        IRevenueVault.Recipient[] memory recipients = new IRevenueVault.Recipient[](2);
        recipients[0] = IRevenueVault.Recipient({account: operations, shareBps: 7_000});
        recipients[1] = IRevenueVault.Recipient({account: donations, shareBps: 3_000});
        vault.setRecipients(recipients);
        marketplace.verifySeller(seller, keccak256("kyc:seller"));
        vm.stopPrank();
    }

    /// @notice Listing terms opening now for `duration`, in category 1, drawn at the deadline (not at sell-out);
    /// `_createListing` fills in the seller, the deed and the content hash.
    function _terms(
        uint256 price,
        uint256 stakePrice,
        uint256 stakeCount,
        uint256 threshold,
        uint256 duration
    ) internal view returns (IListing.Terms memory) {
        return
            IListing.Terms({
                seller: address(0),
                deedId: 0,
                price: uint96(price),
                stakePrice: uint96(stakePrice),
                stakeCount: uint64(stakeCount),
                threshold: uint64(threshold),
                opensAt: uint40(block.timestamp),
                deadline: uint40(block.timestamp + duration),
                category: 1,
                drawAtSellOut: false,
                contentHash: bytes32(0)
            });
    }

    /// @notice Agreement I: the seller submits an asset, the admin approves the terms, the seller accepts them.
    /// @dev `terms.seller`, `terms.deedId` and `terms.contentHash` are filled in here.
    function _createListing(IListing.Terms memory terms, string memory uri) internal returns (Listing listing) {
        bytes32 contentHash = keccak256(bytes(uri));
        vm.prank(seller);
        (uint256 applicationId, uint256 deedId) = marketplace.submitAsset(uri, contentHash);
        terms.seller = seller;
        terms.deedId = deedId;
        terms.contentHash = contentHash;
        vm.prank(admin);
        marketplace.approveListing(applicationId, terms);
        vm.prank(seller);
        listing = Listing(marketplace.acceptTerms(applicationId, terms));
    }

    /// @notice Fulfils a listing's pending VRF request through the mock with the given word.
    function _fulfil(address listing, uint256 word) internal {
        uint256[] memory words = new uint256[](1);
        words[0] = word;
        coordinator.fulfillRandomWordsWithOverride(
            marketplace.drawOf(listing).requestId,
            address(marketplace),
            words
        );
    }
}
