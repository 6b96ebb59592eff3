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
import {ListingSeries} from "../../contracts/ListingSeries.sol";
import {MockUSDC} from "../../contracts/mocks/MockUSDC.sol";
import {IMarketplace} from "../../contracts/interfaces/IMarketplace.sol";
import {IRevenueVault} from "../../contracts/interfaces/IRevenueVault.sol";

/// @title SystemDeployment
/// @notice Test-only: the ONE Solidity deployment of the system, shared by every fuzz and invariant setup. It mirrors
/// the Ignition modules step by step — deploy/modules/LocalCopurchase.ts (MockUSDC, the official VRF v2.5 mock with a
/// funded subscription, the marketplace added as consumer) around deploy/modules/system.ts (`deploySystem`: the
/// contracts in the same order with the same constructor arguments, then `setModules`, ListingSeries and
/// `setSeriesModule`, `setVrfConfig`, `setDrawTimeout`, the three role grants, one revenue recipient at 100%, the
/// arbiter, the direct fee, POLICY_ROLE to the membership). `Params` holds the module's parameters, defaulting to the
/// module's defaults (`_ignitionDefaults`); a suite changes only what a deployment's parameter file could change, and
/// configures the rest afterwards through the same admin calls an operator would make.
/// @dev The deployer (Ignition's account 0) sends every deployment and call, as in Ignition.
abstract contract SystemDeployment is Test {
    uint256 internal constant USDC = 1e6;
    /// @dev LocalCopurchase.ts: the mock's base fee, gas price and LINK price, the subscription funding, the key hash.
    uint96 internal constant VRF_MOCK_BASE_FEE = 0.1e18;
    uint96 internal constant VRF_MOCK_GAS_PRICE = 1e9;
    int256 internal constant VRF_MOCK_WEI_PER_UNIT_LINK = 4e15;
    uint256 internal constant SUBSCRIPTION_FUNDING = 1_000_000e18;
    bytes32 internal constant KEY_HASH = 0x787d74caea10b2b357790d5b5247c2f63d1d91572a9846f780606e4d953677ae;

    /// @notice The Ignition module's parameters (system.ts `m.getParameter`, LocalCopurchase.ts `arbiter`).
    struct Params {
        address deployer;
        address arbiter;
        uint256 firstTranche;
        uint256[] vanityIds;
        IMembership.Policy defaultPolicy;
        uint32 callbackGasLimit;
        uint16 requestConfirmations;
        bool nativePayment;
        uint256 drawTimeout;
        address operator;
        address verifier;
        address pauser;
        address revenueRecipient;
        uint256 directFeeBps;
    }

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
    ListingSeries internal listingSeries;

    /// @notice system.ts's defaults: every role and the revenue to the deployer, which (LocalCopurchase.ts) also
    /// arbitrates; vanity ids 333 and 7,777,777 reserved; tier 0 a one-hour cancellation window refunded to the wallet.
    function _ignitionDefaults(address deployer) internal pure returns (Params memory p) {
        p.deployer = deployer;
        p.arbiter = deployer;
        p.firstTranche = 100_000;
        p.vanityIds = new uint256[](2);
        p.vanityIds[0] = 333;
        p.vanityIds[1] = 7_777_777;
        p.defaultPolicy = IMembership.Policy({
            cancelWindow: 3_600,
            refundMode: IMembership.RefundMode.Wallet,
            feeBps: 0,
            rewardBps: 0,
            autoRelist: false
        });
        p.callbackGasLimit = 100_000;
        p.requestConfirmations = 3;
        p.nativePayment = false;
        p.drawTimeout = 86_400;
        p.operator = deployer;
        p.verifier = deployer;
        p.pauser = deployer;
        p.revenueRecipient = deployer;
        p.directFeeBps = 0;
    }

    /// @notice `n` accounts named `prefix0`, `prefix1`, … with their keys, each minted `funding` USDC and approving
    /// every one of `spenders` for all of it (the invariant suites' actors).
    function _fundedAccounts(
        string memory prefix,
        uint256 n,
        uint256 funding,
        address[] memory spenders
    ) internal returns (address[] memory accounts, uint256[] memory keys) {
        accounts = new address[](n);
        keys = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            (accounts[i], keys[i]) = makeAddrAndKey(string.concat(prefix, vm.toString(i)));
            usdc.mint(accounts[i], funding);
            vm.startPrank(accounts[i]);
            for (uint256 j; j < spenders.length; ++j) usdc.approve(spenders[j], type(uint256).max);
            vm.stopPrank();
        }
    }

    /// @notice LocalCopurchase.ts: the USDC mock, the VRF mock and its funded subscription, `deploySystem`, and the
    /// marketplace as the subscription's consumer.
    function _deployLocalCopurchase(Params memory p) internal {
        vm.startPrank(p.deployer);
        usdc = new MockUSDC();
        coordinator = new VRFCoordinatorV2_5Mock(VRF_MOCK_BASE_FEE, VRF_MOCK_GAS_PRICE, VRF_MOCK_WEI_PER_UNIT_LINK);
        subscriptionId = coordinator.createSubscription();
        coordinator.fundSubscription(subscriptionId, SUBSCRIPTION_FUNDING);
        _deploySystemModule(p, address(usdc), address(coordinator), subscriptionId, KEY_HASH);
        coordinator.addConsumer(subscriptionId, address(marketplace));
        vm.stopPrank();
    }

    /// @dev system.ts `deploySystem`, call for call and in its order (pranked as the deployer by the caller).
    function _deploySystemModule(
        Params memory p,
        address paymentToken,
        address vrfCoordinator,
        uint256 subId,
        bytes32 keyHash
    ) private {
        marketplace = new Marketplace(p.deployer, paymentToken);
        bidToken = new BidToken(address(marketplace), paymentToken, p.firstTranche, p.vanityIds);
        deed = new AssetDeed(address(marketplace));
        escrow = new DeliveryEscrow(address(marketplace), paymentToken, address(deed));
        vault = new RevenueVault(address(marketplace), paymentToken);
        membership = new Membership(address(marketplace), address(bidToken), address(escrow), p.defaultPolicy);
        listingImplementation = new Listing(
            address(marketplace),
            paymentToken,
            address(bidToken),
            address(deed),
            address(escrow),
            address(vault),
            address(membership)
        );
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
        listingSeries = new ListingSeries(address(marketplace));
        marketplace.setSeriesModule(address(listingSeries));
        marketplace.setVrfConfig(
            IMarketplace.VrfConfig({
                coordinator: vrfCoordinator,
                keyHash: keyHash,
                subscriptionId: subId,
                callbackGasLimit: p.callbackGasLimit,
                requestConfirmations: p.requestConfirmations,
                nativePayment: p.nativePayment
            })
        );
        marketplace.setDrawTimeout(p.drawTimeout);
        marketplace.grantRole(marketplace.OPERATOR_ROLE(), p.operator);
        marketplace.grantRole(marketplace.VERIFIER_ROLE(), p.verifier);
        marketplace.grantRole(marketplace.PAUSER_ROLE(), p.pauser);
        IRevenueVault.Recipient[] memory recipients = new IRevenueVault.Recipient[](1);
        recipients[0] = IRevenueVault.Recipient({account: p.revenueRecipient, shareBps: 10_000});
        vault.setRecipients(recipients);
        escrow.setArbiter(p.arbiter);
        escrow.setDirectFee(p.directFeeBps);
        marketplace.grantRole(escrow.POLICY_ROLE(), address(membership));
    }
}
