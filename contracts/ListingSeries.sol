// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IListingSeries} from "./interfaces/IListingSeries.sol";
import {IMarketplace} from "./interfaces/IMarketplace.sol";
import {IListing} from "./interfaces/IListing.sol";
import {IAssetDeed} from "./interfaces/IAssetDeed.sol";
import {ActiveSet} from "./libraries/ActiveSet.sol";

/// @dev The Marketplace's pause flag (OpenZeppelin `Pausable`).
interface IPausable {
    function paused() external view returns (bool);
}

/// @title ListingSeries
/// @notice Recurring listings: one operator-approved template sold as a sequence of listings, one deed each, the
/// next opening when the previous one ended. Holds the deeds of accepted series until their listing opens.
/// @dev Kept out of the Marketplace so the factory stays small: this contract owns the series' state and the deeds
/// in custody, and creates listings only through `Marketplace.openSeriesListing`, which only this contract may
/// call and which runs the same code path as a single listing's `acceptTerms`. Roles are the Marketplace's.
contract ListingSeries is IListingSeries {
    using ActiveSet for ActiveSet.Set;

    /// @notice The Marketplace's operator role (same hash): approves series.
    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    /// @notice Most listings in one series; bounds the deposit and the cancellation loops (~30k gas per deed).
    uint256 public constant MAX_SERIES_LENGTH = 100;
    /// @notice Longest gap between one listing's Time-Date A and the next opening, and furthest first opening.
    uint256 public constant MAX_GAP = 366 days;
    /// @notice Active series `dueSeries` inspects per call, which bounds its gas (about 15k gas per series).
    uint256 public constant UPKEEP_SCAN_LIMIT = 20;

    IMarketplace private immutable _MARKETPLACE;
    IERC721 private immutable _DEED;

    uint256 private _seriesCount;
    /// @dev Accepted series not yet completed or cancelled: what `dueSeries` scans.
    ActiveSet.Set private _active;

    mapping(uint256 seriesId => Series) private _series;
    mapping(uint256 seriesId => Template) private _templates;
    mapping(uint256 seriesId => uint256[] applicationIds) private _applicationIds;

    /// @param marketplace_ The Marketplace, already wired to its modules (the deed collection is read from it).
    constructor(address marketplace_) {
        _MARKETPLACE = IMarketplace(marketplace_);
        address deed = _MARKETPLACE.modules().assetDeed;
        _DEED = IERC721(deed);
        // The Marketplace moves each deed from here to its listing, as it moves a single listing's from the seller.
        _DEED.setApprovalForAll(marketplace_, true);
    }

    // ---------------------------------------------------------------- agreement I, for a series

    /// @inheritdoc IListingSeries
    function proposeSeries(uint256[] calldata applicationIds) external returns (uint256 seriesId) {
        if (!_MARKETPLACE.isVerifiedSeller(msg.sender)) revert IMarketplace.NotVerifiedSeller(msg.sender);
        uint256 count = applicationIds.length;
        if (count == 0) revert EmptySeries();
        if (count > MAX_SERIES_LENGTH) revert SeriesTooLong(count, MAX_SERIES_LENGTH);
        for (uint256 i; i < count; ++i) {
            if (i != 0 && applicationIds[i] <= applicationIds[i - 1]) revert ApplicationsNotAscending(i);
            _checkApplication(applicationIds[i], msg.sender);
        }
        seriesId = ++_seriesCount;
        _series[seriesId] = Series({
            seller: msg.sender,
            status: SeriesStatus.Proposed,
            count: uint16(count), // ≤ MAX_SERIES_LENGTH
            opened: 0,
            nextOpensAt: 0,
            current: address(0),
            termsHash: bytes32(0)
        });
        _applicationIds[seriesId] = applicationIds;
        emit SeriesProposed(seriesId, msg.sender, applicationIds);
    }

    /// @inheritdoc IListingSeries
    function approveSeries(uint256 seriesId, Template calldata template) external returns (bytes32 termsHash) {
        if (!IAccessControl(address(_MARKETPLACE)).hasRole(OPERATOR_ROLE, msg.sender)) revert NotOperator(msg.sender);
        Series storage s = _series[seriesId];
        if (s.status != SeriesStatus.Proposed && s.status != SeriesStatus.Approved) {
            revert WrongSeriesStatus(seriesId, s.status);
        }
        if (template.duration > MAX_GAP) revert IMarketplace.SaleTooLong(template.duration);
        if (template.gap > MAX_GAP) revert GapTooLong(template.gap, MAX_GAP);
        if (template.startsAt > block.timestamp + MAX_GAP) {
            revert StartTooLate(template.startsAt, block.timestamp + MAX_GAP);
        }
        // The Marketplace's own checks, for a listing of the series opening now: one rule for every listing.
        _MARKETPLACE.validateTerms(_terms(template, s.seller, 0, bytes32(0), uint40(block.timestamp)));
        termsHash = keccak256(abi.encode(template));
        s.status = SeriesStatus.Approved;
        s.termsHash = termsHash;
        _templates[seriesId] = template;
        emit SeriesApproved(seriesId, termsHash, template);
    }

    /// @inheritdoc IListingSeries
    function acceptSeries(uint256 seriesId, Template calldata template) external returns (address firstListing) {
        Series storage s = _series[seriesId];
        if (s.seller != msg.sender) revert NotSeriesSeller(seriesId, msg.sender);
        if (s.status != SeriesStatus.Approved) revert WrongSeriesStatus(seriesId, s.status);
        bytes32 accepted = keccak256(abi.encode(template));
        if (accepted != s.termsHash) revert TemplateMismatch(s.termsHash, accepted);
        if (!_MARKETPLACE.isVerifiedSeller(msg.sender)) revert IMarketplace.NotVerifiedSeller(msg.sender);
        if (IPausable(address(_MARKETPLACE)).paused()) revert MarketplacePaused();

        uint40 firstOpensAt = template.startsAt;
        s.status = SeriesStatus.Active;
        s.nextOpensAt = firstOpensAt;
        _active.add(seriesId);
        uint256[] storage ids = _applicationIds[seriesId];
        uint256 count = ids.length;
        emit SeriesAccepted(seriesId, msg.sender, count, firstOpensAt);

        // Every deed up front: once accepted, the series cannot stall for a deed its seller no longer has.
        for (uint256 i; i < count; ++i) {
            // Re-checked: since the proposal, an application may have been rejected or listed on its own.
            _DEED.transferFrom(msg.sender, address(this), _checkApplication(ids[i], msg.sender));
        }
        if (firstOpensAt <= block.timestamp) firstListing = _openNext(seriesId, s);
    }

    /// @inheritdoc IListingSeries
    function openNextInSeries(uint256 seriesId) external returns (address listing) {
        Series storage s = _series[seriesId];
        if (s.status == SeriesStatus.Completed) revert SeriesExhausted(seriesId, s.count);
        if (s.status != SeriesStatus.Active) revert WrongSeriesStatus(seriesId, s.status);
        if (!_MARKETPLACE.isVerifiedSeller(s.seller)) revert SellerRevoked(seriesId, s.seller);
        if (IPausable(address(_MARKETPLACE)).paused()) revert MarketplacePaused();
        address current = s.current;
        if (current != address(0)) {
            IListing.Status status = IListing(current).status();
            if (status == IListing.Status.Open || status == IListing.Status.Drawing) {
                revert PreviousListingRunning(seriesId, current, status);
            }
        }
        if (block.timestamp < s.nextOpensAt) revert ScheduleNotReached(seriesId, s.nextOpensAt);
        listing = _openNext(seriesId, s);
    }

    /// @inheritdoc IListingSeries
    function cancelSeries(uint256 seriesId, bytes32 reason) external {
        Series storage s = _series[seriesId];
        address seller = s.seller;
        if (msg.sender != seller && !IAccessControl(address(_MARKETPLACE)).hasRole(OPERATOR_ROLE, msg.sender)) {
            revert NotSeriesSeller(seriesId, msg.sender);
        }
        SeriesStatus status = s.status;
        if (status != SeriesStatus.Proposed && status != SeriesStatus.Approved && status != SeriesStatus.Active) {
            revert WrongSeriesStatus(seriesId, status);
        }
        s.status = SeriesStatus.Cancelled;
        // Deeds are in custody only once accepted; listings already opened hold their own.
        uint256 from = s.opened;
        uint256 returned = status == SeriesStatus.Active ? s.count - from : 0;
        if (status == SeriesStatus.Active) _active.remove(seriesId);
        emit SeriesCancelled(seriesId, msg.sender, returned, reason);

        uint256[] storage ids = _applicationIds[seriesId];
        for (uint256 i = from; i < from + returned; ++i) {
            // A plain transfer, as when a listing returns a deed: a seller contract without a receiver still gets it.
            _DEED.transferFrom(address(this), seller, _MARKETPLACE.application(ids[i]).deedId);
        }
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IListingSeries
    function dueSeries() external view returns (uint256 seriesId) {
        (uint256 start, uint256 scan, uint256 count) = _active.scanWindow(UPKEEP_SCAN_LIMIT);
        if (count == 0 || IPausable(address(_MARKETPLACE)).paused()) return 0;
        for (uint256 i; i < scan; ++i) {
            uint256 id = _active.scanItem(start, i, count);
            if (_isDue(id)) return id;
        }
        return 0;
    }

    /// @inheritdoc IListingSeries
    function isDue(uint256 seriesId) external view returns (bool) {
        return
            _series[seriesId].status == SeriesStatus.Active &&
            !IPausable(address(_MARKETPLACE)).paused() &&
            _isDue(seriesId);
    }

    /// @inheritdoc IListingSeries
    function seriesOf(uint256 seriesId) external view returns (Series memory) {
        return _series[seriesId];
    }

    /// @inheritdoc IListingSeries
    function templateOf(uint256 seriesId) external view returns (Template memory) {
        return _templates[seriesId];
    }

    /// @inheritdoc IListingSeries
    function applicationsOf(uint256 seriesId) external view returns (uint256[] memory) {
        return _applicationIds[seriesId];
    }

    /// @inheritdoc IListingSeries
    function seriesCount() external view returns (uint256) {
        return _seriesCount;
    }

    /// @inheritdoc IListingSeries
    function activeSeriesCount() external view returns (uint256) {
        return _active.length();
    }

    /// @inheritdoc IListingSeries
    function marketplace() external view returns (address) {
        return address(_MARKETPLACE);
    }

    // ---------------------------------------------------------------- internals

    /// @dev Bookkeeping first; the listing's address, known only after the Marketplace created it, is recorded and
    /// announced afterwards. The Marketplace calls only the bid token and the deed, neither of which calls back.
    function _openNext(uint256 seriesId, Series storage s) private returns (address listing) {
        uint256 index = s.opened;
        uint256 applicationId = _applicationIds[seriesId][index];
        Template memory template = _templates[seriesId];
        uint40 opensAt = uint40(block.timestamp);
        uint40 nextOpensAt = opensAt + template.duration + template.gap;
        s.opened = uint16(index + 1); // index < count ≤ MAX_SERIES_LENGTH
        s.nextOpensAt = nextOpensAt;
        bool last = index + 1 == s.count;
        if (last) {
            s.status = SeriesStatus.Completed;
            _active.remove(seriesId);
        }

        IMarketplace.Application memory app = _MARKETPLACE.application(applicationId);
        bytes32 contentHash = IAssetDeed(address(_DEED)).contentHash(app.deedId);
        listing = _MARKETPLACE.openSeriesListing(
            applicationId,
            _terms(template, s.seller, app.deedId, contentHash, opensAt)
        );
        s.current = listing;
        emit SeriesListingOpened(seriesId, index, listing, applicationId, nextOpensAt);
        if (last) emit SeriesCompleted(seriesId);
    }

    /// @dev Whether an active series' next listing can open now (pause is checked by the callers, once).
    function _isDue(uint256 seriesId) private view returns (bool) {
        Series storage s = _series[seriesId];
        if (block.timestamp < s.nextOpensAt || !_MARKETPLACE.isVerifiedSeller(s.seller)) return false;
        address current = s.current;
        if (current != address(0)) {
            IListing.Status status = IListing(current).status();
            if (status == IListing.Status.Open || status == IListing.Status.Drawing) return false;
        }
        // An application the operator rejected meanwhile would make the opening revert: not due (cancel instead).
        IMarketplace.ApplicationStatus appStatus = _MARKETPLACE.application(_applicationIds[seriesId][s.opened]).status;
        return
            appStatus == IMarketplace.ApplicationStatus.Pending || appStatus == IMarketplace.ApplicationStatus.Approved;
    }

    /// @dev Reverts unless the application is the seller's and still pending or approved; returns its deed.
    function _checkApplication(uint256 applicationId, address seller) private view returns (uint256 deedId) {
        IMarketplace.Application memory app = _MARKETPLACE.application(applicationId);
        if (
            app.status != IMarketplace.ApplicationStatus.Pending &&
            app.status != IMarketplace.ApplicationStatus.Approved
        ) {
            revert ApplicationNotOpen(applicationId, uint8(app.status));
        }
        if (app.seller != seller) revert ApplicationOfAnotherSeller(applicationId, app.seller);
        return app.deedId;
    }

    function _terms(
        Template memory template,
        address seller,
        uint256 deedId,
        bytes32 contentHash,
        uint40 opensAt
    ) private pure returns (IListing.Terms memory) {
        return
            IListing.Terms({
                seller: seller,
                deedId: deedId,
                price: template.price,
                stakePrice: template.stakePrice,
                stakeCount: template.stakeCount,
                threshold: template.threshold,
                opensAt: opensAt,
                deadline: opensAt + template.duration,
                category: template.category,
                drawAtSellOut: template.drawAtSellOut,
                contentHash: contentHash
            });
    }
}
