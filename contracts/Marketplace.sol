// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {AutomationCompatibleInterface} from "@chainlink/contracts/src/v0.8/automation/interfaces/AutomationCompatibleInterface.sol";
import {IMarketplace} from "./interfaces/IMarketplace.sol";
import {IListing} from "./interfaces/IListing.sol";
import {IBidToken} from "./interfaces/IBidToken.sol";
import {IAssetDeed} from "./interfaces/IAssetDeed.sol";
import {IRevenueVault} from "./interfaces/IRevenueVault.sol";
import {IDeliveryEscrow} from "./interfaces/IDeliveryEscrow.sol";
import {IListingSeries} from "./interfaces/IListingSeries.sol";
import {ActiveSet} from "./libraries/ActiveSet.sol";
import {Draws} from "./libraries/Draws.sol";
import {ListingTerms} from "./libraries/ListingTerms.sol";
import {ListingUpkeep} from "./libraries/ListingUpkeep.sol";
import {ModuleWiring} from "./libraries/ModuleWiring.sol";

/// @title Marketplace
/// @notice Agreement I (seller verification, asset submission, approval, acceptance and listing creation), the
/// single Chainlink Automation upkeep and the single Chainlink VRF v2.5 consumer of the system.
/// @dev The VRF consumer is written against `IVRFCoordinatorV2Plus` instead of inheriting
/// `VRFConsumerBaseV2Plus`: that base lets a separate owner swap the coordinator at any time, while here the
/// coordinator is guarded by the admin role and cannot change while a draw waits for its word (attack A17).
// The settlement grace and the keeper's retry times are one responsibility with the upkeep that reads them.
// solhint-disable-next-line max-states-count
contract Marketplace is IMarketplace, AccessControl, Pausable, AutomationCompatibleInterface {
    using ActiveSet for ActiveSet.Set;
    using Draws for Draws.State;

    /// @notice Approves listings and configures operations.
    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    /// @notice Records sellers' off-chain verification.
    bytes32 public constant VERIFIER_ROLE = keccak256("VERIFIER_ROLE");
    /// @notice Pauses new listings and purchases.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice Longest sale, opening to Time-Date A.
    uint256 public constant MAX_SALE_DURATION = 366 days;
    /// @notice Listings `checkUpkeep` inspects per call, which bounds its gas.
    uint256 public constant UPKEEP_SCAN_LIMIT = 50;
    /// @notice Bounds of the draw timeout.
    uint256 public constant MIN_DRAW_TIMEOUT = 1 hours;
    /// @notice Bounds of the draw timeout.
    uint256 public constant MAX_DRAW_TIMEOUT = 30 days;
    /// @notice Bounds of the VRF callback gas: the callback only stores a word.
    uint32 public constant MIN_CALLBACK_GAS = Draws.MIN_CALLBACK_GAS;
    /// @notice Bounds of the VRF callback gas.
    uint32 public constant MAX_CALLBACK_GAS = Draws.MAX_CALLBACK_GAS;
    /// @notice Bounds of the settlement grace.
    uint256 public constant MIN_SETTLEMENT_GRACE = 1 days;
    /// @notice Bounds of the settlement grace.
    uint256 public constant MAX_SETTLEMENT_GRACE = 30 days;
    /// @notice How long `checkUpkeep` skips a listing whose action reverted in `performUpkeep`.
    uint256 public constant UPKEEP_RETRY_DELAY = 1 hours;

    address private immutable _PAYMENT_TOKEN;

    Modules private _modules;
    address private _series;
    Draws.State private _draws;
    uint256 private _drawTimeout = 1 days;
    uint256 private _applicationCount;
    address[] private _listings;
    /// @dev Listings not yet retired (an address stored as its uint160 value): what the upkeep scans.
    ActiveSet.Set private _active;

    mapping(address account => bool) private _verifiedSellers;
    mapping(uint256 applicationId => Application) private _applications;
    mapping(address listing => uint256 listingId) private _listingIds;
    uint256 private _settlementGrace = 7 days;
    mapping(address listing => uint256 retryAt) private _upkeepRetryAt;

    modifier onlyListing() {
        if (_listingIds[msg.sender] == 0) revert UnknownListing(msg.sender);
        _;
    }

    /// @param admin Receives the admin role (hand it to a Safe in production).
    /// @param paymentToken_ The ERC-20 stablecoin all prices are paid in.
    constructor(address admin, address paymentToken_) {
        if (admin == address(0) || paymentToken_ == address(0)) revert ZeroAddress();
        _PAYMENT_TOKEN = paymentToken_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ---------------------------------------------------------------- wiring and configuration

    /// @inheritdoc IMarketplace
    function setModules(Modules calldata modules_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (_modules.bidToken != address(0)) revert ModulesAlreadySet();
        ModuleWiring.check(modules_);
        _modules = modules_;
        emit ModulesSet(modules_);
        // The escrow reports to the membership the listings use: bound here, once, so the two cannot disagree.
        IDeliveryEscrow(modules_.escrow).bindMembership(modules_.membership);
    }

    /// @inheritdoc IMarketplace
    function setSeriesModule(address module) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (_series != address(0)) revert ModulesAlreadySet();
        ModuleWiring.checkModule(module);
        _series = module;
        emit SeriesModuleSet(module);
    }

    /// @inheritdoc IMarketplace
    function setVrfConfig(VrfConfig calldata config) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _draws.configure(config);
    }

    /// @inheritdoc IMarketplace
    function setDrawTimeout(uint256 timeout) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (timeout < MIN_DRAW_TIMEOUT || timeout > MAX_DRAW_TIMEOUT) revert DrawTimeoutOutOfRange(timeout);
        _drawTimeout = timeout;
        emit DrawTimeoutSet(timeout);
    }

    /// @inheritdoc IMarketplace
    function setSettlementGrace(uint256 grace) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (grace < MIN_SETTLEMENT_GRACE || grace > MAX_SETTLEMENT_GRACE) revert SettlementGraceOutOfRange(grace);
        _settlementGrace = grace;
        emit SettlementGraceSet(grace);
    }

    /// @inheritdoc IMarketplace
    function pause() external onlyRole(PAUSER_ROLE) {
        // The bid token keeps a copy of the flag for the purchase path; only these two functions write both.
        _pause();
        IBidToken(_wired().bidToken).mirrorPauseOfMarketplace(true);
    }

    /// @inheritdoc IMarketplace
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
        IBidToken(_wired().bidToken).mirrorPauseOfMarketplace(false);
    }

    // ---------------------------------------------------------------- agreement I

    /// @inheritdoc IMarketplace
    function verifySeller(address seller, bytes32 kycRef) external onlyRole(VERIFIER_ROLE) {
        if (seller == address(0)) revert ZeroAddress();
        _verifiedSellers[seller] = true;
        emit SellerVerified(seller, kycRef);
    }

    /// @inheritdoc IMarketplace
    function revokeSeller(address seller, bytes32 reason) external onlyRole(VERIFIER_ROLE) {
        if (!_verifiedSellers[seller]) revert NotVerifiedSeller(seller);
        _verifiedSellers[seller] = false;
        emit SellerRevoked(seller, reason);
    }

    /// @inheritdoc IMarketplace
    function submitAsset(
        string calldata uri,
        bytes32 contentHash
    ) external whenNotPaused returns (uint256 applicationId, uint256 deedId) {
        if (!_verifiedSellers[msg.sender]) revert NotVerifiedSeller(msg.sender);
        Modules memory m = _wired();
        applicationId = ++_applicationCount;
        deedId = IAssetDeed(m.assetDeed).mint(msg.sender, uri, contentHash);
        _applications[applicationId] = Application({
            seller: msg.sender,
            status: ApplicationStatus.Pending,
            deedId: deedId,
            listing: address(0),
            termsHash: bytes32(0)
        });
        emit AssetSubmitted(applicationId, msg.sender, deedId, uri, contentHash);
    }

    /// @inheritdoc IMarketplace
    function approveListing(
        uint256 applicationId,
        IListing.Terms calldata terms
    ) external onlyRole(OPERATOR_ROLE) returns (bytes32 termsHash) {
        Application storage app = _openApplicationFor(applicationId, terms);
        ListingTerms.validate(terms, MAX_SALE_DURATION);
        termsHash = keccak256(abi.encode(terms));
        app.status = ApplicationStatus.Approved;
        app.termsHash = termsHash;
        emit ListingApproved(applicationId, termsHash, terms);
    }

    /// @inheritdoc IMarketplace
    function rejectApplication(uint256 applicationId, bytes32 reason) external onlyRole(OPERATOR_ROLE) {
        Application storage app = _applications[applicationId];
        if (app.status != ApplicationStatus.Pending && app.status != ApplicationStatus.Approved) {
            revert WrongApplicationStatus(applicationId, app.status);
        }
        app.status = ApplicationStatus.Rejected;
        emit ApplicationRejected(applicationId, reason);
    }

    /// @inheritdoc IMarketplace
    function acceptTerms(
        uint256 applicationId,
        IListing.Terms calldata terms
    ) external whenNotPaused returns (address listing) {
        Application storage app = _applications[applicationId];
        if (app.seller != msg.sender) revert NotApplicationSeller(applicationId, msg.sender);
        if (!_verifiedSellers[msg.sender]) revert NotVerifiedSeller(msg.sender);
        if (app.status != ApplicationStatus.Approved) revert WrongApplicationStatus(applicationId, app.status);
        bytes32 accepted = keccak256(abi.encode(terms));
        if (accepted != app.termsHash) revert TermsMismatch(app.termsHash, accepted);
        // Approved terms can go stale while the seller waits; a listing must still have its whole sale ahead.
        if (terms.deadline <= block.timestamp) revert InvalidSchedule(terms.opensAt, terms.deadline);
        listing = _list(app, applicationId, terms);
    }

    /// @inheritdoc IMarketplace
    function openSeriesListing(
        uint256 applicationId,
        IListing.Terms calldata terms
    ) external whenNotPaused returns (address listing) {
        if (msg.sender != _series) revert NotSeriesModule(msg.sender);
        Application storage app = _openApplicationFor(applicationId, terms);
        if (!_verifiedSellers[terms.seller]) revert NotVerifiedSeller(terms.seller);
        ListingTerms.validate(terms, MAX_SALE_DURATION);
        listing = _list(app, applicationId, terms);
    }

    /// @inheritdoc IMarketplace
    function validateTerms(IListing.Terms calldata terms) external view {
        ListingTerms.validate(terms, MAX_SALE_DURATION);
    }

    // ---------------------------------------------------------------- randomness (Chainlink VRF v2.5)

    /// @inheritdoc IMarketplace
    function requestRandomness() external onlyListing returns (uint256 requestId) {
        return _draws.request(msg.sender);
    }

    /// @inheritdoc IMarketplace
    function rawFulfillRandomWords(uint256 requestId, uint256[] calldata randomWords) external {
        _draws.fulfill(requestId, randomWords);
    }

    /// @inheritdoc IMarketplace
    function abandonRandomness() external onlyListing {
        _draws.abandon(msg.sender);
    }

    // ---------------------------------------------------------------- automation

    /// @notice Finds one listing with due work among at most `UPKEEP_SCAN_LIMIT` active listings, starting at
    /// an offset that rotates with the block so no listing can starve the others; failing that, one series whose
    /// next listing can open (the series module's own bounded scan).
    /// @return upkeepNeeded Whether there is work.
    /// @return performData abi.encode(listing, UpkeepAction), or abi.encode(seriesModule, OpenSeries, seriesId).
    function checkUpkeep(bytes calldata) external view returns (bool upkeepNeeded, bytes memory performData) {
        (uint256 start, uint256 scan, uint256 count) = _active.scanWindow(UPKEEP_SCAN_LIMIT);
        for (uint256 i; i < scan; ++i) {
            address listing = address(uint160(_active.scanItem(start, i, count)));
            // A listing whose action just reverted (a token refusing transfers) waits its turn: serve the others.
            if (_upkeepRetryAt[listing] > block.timestamp) continue;
            UpkeepAction action = ListingUpkeep.actionFor(listing);
            if (action != UpkeepAction.None) return (true, abi.encode(listing, action));
        }
        // Series openings come after listing work (settlements are time-critical) and have their own bounded scan.
        address series = _series;
        if (series != address(0)) {
            uint256 seriesId = IListingSeries(series).dueSeries();
            if (seriesId != 0) return (true, abi.encode(series, UpkeepAction.OpenSeries, seriesId));
        }
        return (false, "");
    }

    /// @notice Performs the work `checkUpkeep` found, after checking it is still due. Anyone may call it.
    /// @dev Reverts cheaply with `UpkeepNotNeeded` on stale or forged data, so a repeat is harmless.
    /// @param performData abi.encode(listing, UpkeepAction), or abi.encode(seriesModule, OpenSeries, seriesId).
    function performUpkeep(bytes calldata performData) external {
        (address listing, UpkeepAction action) = abi.decode(performData, (address, UpkeepAction));
        if (!_active.contains(uint160(listing))) {
            // Only here, off the listing paths, so their gas is unchanged. The series module re-checks everything.
            if (action != UpkeepAction.OpenSeries || listing != _series || listing == address(0)) {
                revert UnknownListing(listing);
            }
            (, , uint256 seriesId) = abi.decode(performData, (address, UpkeepAction, uint256));
            IListingSeries(listing).openNextInSeries(seriesId);
            return;
        }
        if (action == UpkeepAction.None || ListingUpkeep.actionFor(listing) != action) {
            revert UpkeepNotNeeded(listing, action);
        }
        if (action != UpkeepAction.Retire)
            return ListingUpkeep.perform(_upkeepRetryAt, listing, action, UPKEEP_RETRY_DELAY);
        else {
            // A settled listing hands its markup to the revenue vault on the way out, so revenue needs no extra
            // call. Best effort: an already collected markup or a vault without recipients must not stop retiring.
            if (IListing(listing).status() == IListing.Status.Settled) {
                try IRevenueVault(_modules.revenueVault).collect(listing) {} catch {} // solhint-disable-line no-empty-blocks
            }
            _retire(listing);
        }
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IMarketplace
    function settlementGrace() external view returns (uint256) {
        return _settlementGrace;
    }

    /// @inheritdoc IMarketplace
    function upkeepRetryAt(address listing) external view returns (uint256) {
        return _upkeepRetryAt[listing];
    }

    /// @inheritdoc IMarketplace
    function isVerifiedSeller(address account) external view returns (bool) {
        return _verifiedSellers[account];
    }

    /// @inheritdoc IMarketplace
    function isListing(address account) external view returns (bool) {
        return _listingIds[account] != 0;
    }

    /// @inheritdoc IMarketplace
    function listingAt(uint256 listingId) external view returns (address) {
        return listingId == 0 || listingId > _listings.length ? address(0) : _listings[listingId - 1];
    }

    /// @inheritdoc IMarketplace
    function listingCount() external view returns (uint256) {
        return _listings.length;
    }

    /// @inheritdoc IMarketplace
    function application(uint256 applicationId) external view returns (Application memory) {
        return _applications[applicationId];
    }

    /// @inheritdoc IMarketplace
    function drawOf(address listing) external view returns (Draw memory) {
        return _draws.ofListing[listing];
    }

    /// @inheritdoc IMarketplace
    function randomWord(address listing) external view returns (DrawStatus status, uint256 word) {
        Draw storage draw = _draws.ofListing[listing];
        return (draw.status, draw.word);
    }

    /// @inheritdoc IMarketplace
    function activeListingCount() external view returns (uint256) {
        return _active.length();
    }

    /// @inheritdoc IMarketplace
    function seriesModule() external view returns (address) {
        return _series;
    }

    /// @inheritdoc IMarketplace
    function modules() external view returns (Modules memory) {
        return _modules;
    }

    /// @inheritdoc IMarketplace
    function vrfConfig() external view returns (VrfConfig memory) {
        return _draws.config;
    }

    /// @inheritdoc IMarketplace
    function drawTimeout() external view returns (uint256) {
        return _drawTimeout;
    }

    /// @inheritdoc IMarketplace
    function pendingDraws() external view returns (uint256) {
        return _draws.pending;
    }

    /// @inheritdoc IMarketplace
    function paymentToken() external view returns (address) {
        return _PAYMENT_TOKEN;
    }

    // ---------------------------------------------------------------- internals

    /// @dev A pending or approved application whose asset `terms` describe (seller, deed, content hash).
    function _openApplicationFor(
        uint256 applicationId,
        IListing.Terms calldata terms
    ) private view returns (Application storage app) {
        app = _applications[applicationId];
        if (app.status != ApplicationStatus.Pending && app.status != ApplicationStatus.Approved) {
            revert WrongApplicationStatus(applicationId, app.status);
        }
        if (
            terms.seller != app.seller ||
            terms.deedId != app.deedId ||
            terms.contentHash != IAssetDeed(_modules.assetDeed).contentHash(app.deedId)
        ) revert TermsForAnotherAsset();
    }

    /// @dev The one way a listing comes to exist, for single listings and series alike: clone with the charter as
    /// immutable arguments, register, announce, enrol with the bid token, then move the deed from the caller (the
    /// seller, or the series module holding the series' deeds) to the listing.
    function _list(
        Application storage app,
        uint256 applicationId,
        IListing.Terms calldata terms
    ) private returns (address listing) {
        Modules memory m = _modules;
        uint256 listingId = _listings.length + 1;
        listing = Clones.cloneWithImmutableArgs(m.listingImplementation, abi.encode(listingId, terms));
        app.status = ApplicationStatus.Listed;
        app.listing = listing;
        _listings.push(listing);
        _listingIds[listing] = listingId;
        _active.add(uint160(listing));
        emit ListingCreated(listingId, listing, applicationId, terms.seller, terms.category, terms);

        IBidToken(m.bidToken).enrol(listing);
        IERC721(m.assetDeed).transferFrom(msg.sender, listing, terms.deedId);
    }

    function _retire(address listing) private {
        _active.remove(uint160(listing));
        emit ListingRetired(listing);
    }

    function _wired() private view returns (Modules memory m) {
        m = _modules;
        if (m.bidToken == address(0)) revert ModulesNotSet();
    }
}
