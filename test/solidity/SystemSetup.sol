// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {VRFCoordinatorV2_5Mock} from "@chainlink/contracts/src/v0.8/vrf/mocks/VRFCoordinatorV2_5Mock.sol";
import {Marketplace} from "../../contracts/Marketplace.sol";
import {BidToken} from "../../contracts/BidToken.sol";
import {Membership} from "../../contracts/Membership.sol";
import {IMembership} from "../../contracts/interfaces/IMembership.sol";
import {AssetDeed} from "../../contracts/AssetDeed.sol";
import {DeliveryEscrow} from "../../contracts/DeliveryEscrow.sol";
import {RevenueVault} from "../../contracts/RevenueVault.sol";
import {Listing} from "../../contracts/Listing.sol";
import {MockUSDC} from "../../contracts/mocks/MockUSDC.sol";
import {IMarketplace} from "../../contracts/interfaces/IMarketplace.sol";
import {IListing} from "../../contracts/interfaces/IListing.sol";
import {IRevenueVault} from "../../contracts/interfaces/IRevenueVault.sol";

/// @title SystemSetup
/// @notice Test-only base: deploys the whole system in Solidity, wired exactly as deploy/modules/system.ts and
/// LocalCopurchase.ts do (official VRF v2.5 mock, funded subscription, marketplace as consumer), with a separate
/// admin account holding every role and two revenue recipients.
abstract contract SystemSetup is Test {
    uint256 internal constant USDC = 1e6;
    bytes32 internal constant KEY_HASH = 0x787d74caea10b2b357790d5b5247c2f63d1d91572a9846f780606e4d953677ae;
    uint32 internal constant CALLBACK_GAS = 100_000;
    /// @dev A realistic starting time, so that schedules never sit near zero.
    uint256 internal constant START = 1_700_000_000;

    MockUSDC internal usdc;
    VRFCoordinatorV2_5Mock internal coordinator;
    uint256 internal subscriptionId;
    Marketplace internal marketplace;
    BidToken internal bidToken;
    Membership internal membership;
    AssetDeed internal deed;
    DeliveryEscrow internal escrow;
    RevenueVault internal vault;
    Listing internal listingImplementation;

    address internal admin = makeAddr("admin");
    address internal seller = makeAddr("seller");
    /// @dev makeAddr's key for "seller", which signs the seller's direct-order offers.
    uint256 internal sellerKey = uint256(keccak256(abi.encodePacked("seller")));
    address internal operations = makeAddr("operations");
    address internal donations = makeAddr("donations");

    function _deploySystem() internal {
        vm.warp(START);
        usdc = new MockUSDC();
        coordinator = new VRFCoordinatorV2_5Mock(0.1e18, 1e9, 4e15);
        subscriptionId = coordinator.createSubscription();
        coordinator.fundSubscription(subscriptionId, 1_000_000e18);

        marketplace = new Marketplace(admin, address(usdc));
        bidToken = new BidToken(address(marketplace), address(usdc), 100_000, new uint256[](0));
        deed = new AssetDeed(address(marketplace));
        escrow = new DeliveryEscrow(address(marketplace), address(usdc), address(deed));
        vault = new RevenueVault(address(marketplace), address(usdc));
        membership = new Membership(
            address(marketplace),
            address(bidToken),
            address(escrow),
            IMembership.Policy({
                cancelWindow: 2 hours,
                refundMode: IMembership.RefundMode.Wallet,
                feeBps: 0,
                rewardBps: 0,
                autoRelist: false
            })
        );
        listingImplementation = new Listing(
            address(marketplace),
            address(usdc),
            address(bidToken),
            address(deed),
            address(escrow),
            address(vault),
            address(membership)
        );

        vm.startPrank(admin);
        marketplace.setModules(
            IMarketplace.Modules({
                bidToken: address(bidToken),
                assetDeed: address(deed),
                escrow: address(escrow),
                revenueVault: address(vault),
                listingImplementation: address(listingImplementation),
                membership: address(membership)
            })
        );
        marketplace.setVrfConfig(
            IMarketplace.VrfConfig({
                coordinator: address(coordinator),
                keyHash: KEY_HASH,
                subscriptionId: subscriptionId,
                callbackGasLimit: CALLBACK_GAS,
                requestConfirmations: 3,
                nativePayment: false
            })
        );
        marketplace.setDrawTimeout(1 days);
        marketplace.grantRole(marketplace.OPERATOR_ROLE(), admin);
        marketplace.grantRole(marketplace.VERIFIER_ROLE(), admin);
        marketplace.grantRole(marketplace.PAUSER_ROLE(), admin);
        IRevenueVault.Recipient[] memory recipients = new IRevenueVault.Recipient[](2);
        recipients[0] = IRevenueVault.Recipient({account: operations, shareBps: 7_000});
        recipients[1] = IRevenueVault.Recipient({account: donations, shareBps: 3_000});
        vault.setRecipients(recipients);
        marketplace.verifySeller(seller, keccak256("kyc:seller"));
        vm.stopPrank();

        coordinator.addConsumer(subscriptionId, address(marketplace));
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
