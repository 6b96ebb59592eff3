// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IListing} from "./IListing.sol";

/// @title IListingSeries
/// @notice Recurring listings (SPEC §4.1): a seller with a stream of identical assets sells them one listing after
/// another under one operator-approved template. When a listing of the series ends, anyone (or the Marketplace's
/// Automation upkeep) opens the next one.
/// @dev Life cycle: the seller `proposeSeries` with its submitted asset applications (one deed each, minted by
/// `Marketplace.submitAsset`) → the operator `approveSeries` with a template → the seller `acceptSeries`, which
/// deposits every deed up front into this contract's custody → `openNextInSeries` clones one listing per deed
/// through `Marketplace.openSeriesListing` (the same code path as `acceptTerms`) → the series completes when its
/// last listing opened, or is cancelled, returning the deeds not yet listed to the seller.
interface IListingSeries {
    /// @notice Series states. Proposed → Approved → Active → Completed; Proposed, Approved or Active → Cancelled.
    enum SeriesStatus {
        None,
        Proposed,
        Approved,
        Active,
        Completed,
        Cancelled
    }

    /// @notice What the operator approves and the seller accepts: one listing's charter minus what differs per
    /// listing (the deed, its content hash and the dates).
    /// @param price P of each listing.
    /// @param stakePrice s of each listing.
    /// @param stakeCount N of each listing.
    /// @param threshold T of each listing.
    /// @param duration Seconds from a listing's opening to its Time-Date A.
    /// @param gap Seconds from a listing's Time-Date A to the earliest opening of the next one.
    /// @param startsAt Earliest opening of the first listing (0 or a past time: as soon as accepted).
    /// @param category Catalogue category of every listing.
    /// @param drawAtSellOut Whether each listing may settle as soon as it is sold out.
    struct Template {
        uint96 price;
        uint96 stakePrice;
        uint64 stakeCount;
        uint64 threshold;
        uint40 duration;
        uint40 gap;
        uint40 startsAt;
        uint32 category;
        bool drawAtSellOut;
    }

    /// @notice One series.
    /// @param seller The proposing seller; every listing and every returned deed is its.
    /// @param status The state.
    /// @param count Listings in the series (one per application, hence per deed).
    /// @param opened Listings opened so far; the next one sells application `opened` of the list.
    /// @param nextOpensAt Earliest opening of the next listing.
    /// @param current The latest listing opened (zero before the first).
    /// @param termsHash keccak256(abi.encode(template)) once approved.
    struct Series {
        address seller;
        SeriesStatus status;
        uint16 count;
        uint16 opened;
        uint40 nextOpensAt;
        address current;
        bytes32 termsHash;
    }

    /// @notice Thrown when a series lists no application.
    error EmptySeries();
    /// @notice Thrown when a series lists more applications than `MAX_SERIES_LENGTH`.
    /// @param count Applications listed.
    /// @param max The largest series allowed.
    error SeriesTooLong(uint256 count, uint256 max);
    /// @notice Thrown when application ids are not strictly ascending (which also rules out duplicates).
    /// @param index Position of the offending id in the list.
    error ApplicationsNotAscending(uint256 index);
    /// @notice Thrown when an application belongs to another seller than the series'.
    /// @param applicationId The application.
    /// @param seller Its seller.
    error ApplicationOfAnotherSeller(uint256 applicationId, address seller);
    /// @notice Thrown when an application is no longer pending or approved (rejected, or already listed).
    /// @param applicationId The application.
    /// @param status Its state in the Marketplace (`IMarketplace.ApplicationStatus`).
    error ApplicationNotOpen(uint256 applicationId, uint8 status);
    /// @notice Thrown when the caller lacks the Marketplace's operator role.
    /// @param caller The caller.
    error NotOperator(address caller);
    /// @notice Thrown when the caller is not the series' seller (nor, for cancellation, an operator).
    /// @param seriesId The series.
    /// @param caller The caller.
    error NotSeriesSeller(uint256 seriesId, address caller);
    /// @notice Thrown when a series is in the wrong state for the call.
    /// @param seriesId The series.
    /// @param status Its state.
    error WrongSeriesStatus(uint256 seriesId, SeriesStatus status);
    /// @notice Thrown when the seller accepts another template than the approved one.
    /// @param approved The approved template's hash.
    /// @param accepted The hash of the template the seller accepted.
    error TemplateMismatch(bytes32 approved, bytes32 accepted);
    /// @notice Thrown when the gap between listings exceeds `MAX_GAP`.
    /// @param gap The proposed gap.
    /// @param max The largest gap allowed.
    error GapTooLong(uint256 gap, uint256 max);
    /// @notice Thrown when the first opening is further away than `MAX_GAP`.
    /// @param startsAt The proposed first opening.
    /// @param latest The latest first opening allowed now.
    error StartTooLate(uint256 startsAt, uint256 latest);
    /// @notice Thrown when every listing of the series has already opened.
    /// @param seriesId The series.
    /// @param count Listings in the series.
    error SeriesExhausted(uint256 seriesId, uint256 count);
    /// @notice Thrown when the series' latest listing is still open or drawing.
    /// @param seriesId The series.
    /// @param listing The running listing.
    /// @param status Its state.
    error PreviousListingRunning(uint256 seriesId, address listing, IListing.Status status);
    /// @notice Thrown when the next listing's scheduled opening has not come yet.
    /// @param seriesId The series.
    /// @param nextOpensAt The earliest opening.
    error ScheduleNotReached(uint256 seriesId, uint40 nextOpensAt);
    /// @notice Thrown when the seller's verification was revoked: its series stops until it is verified again.
    /// @param seriesId The series.
    /// @param seller The seller.
    error SellerRevoked(uint256 seriesId, address seller);
    /// @notice Thrown when a deposit or an opening is attempted while the Marketplace is paused.
    error MarketplacePaused();

    /// @notice Emitted when a seller proposes a series of its submitted assets.
    /// @param seriesId The series.
    /// @param seller The seller.
    /// @param applicationIds The applications, in the order their listings will open.
    event SeriesProposed(uint256 indexed seriesId, address indexed seller, uint256[] applicationIds);
    /// @notice Emitted when the operator approves a series' template (again, if it replaces an earlier one).
    /// @param seriesId The series.
    /// @param termsHash keccak256(abi.encode(template)); the seller accepts this hash.
    /// @param template The template.
    event SeriesApproved(uint256 indexed seriesId, bytes32 termsHash, Template template);
    /// @notice Emitted when the seller accepts the template and every deed is deposited with this contract.
    /// @param seriesId The series.
    /// @param seller The seller.
    /// @param count Deeds deposited, one per listing.
    /// @param firstOpensAt Earliest opening of the first listing.
    event SeriesAccepted(uint256 indexed seriesId, address indexed seller, uint256 count, uint40 firstOpensAt);
    /// @notice Emitted when a listing of the series is created (next to the Marketplace's `ListingCreated`).
    /// @param seriesId The series.
    /// @param index Its position in the series (0-based).
    /// @param listing The listing clone.
    /// @param applicationId The application whose deed it sells.
    /// @param nextOpensAt Earliest opening of the listing after it (its Time-Date A plus the gap).
    event SeriesListingOpened(
        uint256 indexed seriesId,
        uint256 index,
        address indexed listing,
        uint256 indexed applicationId,
        uint40 nextOpensAt
    );
    /// @notice Emitted when the last listing of a series opened; nothing is left to open.
    /// @param seriesId The series.
    event SeriesCompleted(uint256 indexed seriesId);
    /// @notice Emitted when a series is cancelled; deeds not yet listed went back to the seller.
    /// @param seriesId The series.
    /// @param by The seller or the operator who cancelled.
    /// @param deedsReturned Deeds returned to the seller.
    /// @param reason Reference to the reason.
    event SeriesCancelled(uint256 indexed seriesId, address indexed by, uint256 deedsReturned, bytes32 reason);

    /// @notice A verified seller proposes a series of its own submitted assets, one listing per application.
    /// @param applicationIds Pending or approved applications of the caller, strictly ascending; their listings
    /// open in this order. At least 1 and at most `MAX_SERIES_LENGTH`.
    /// @return seriesId The series.
    function proposeSeries(uint256[] calldata applicationIds) external returns (uint256 seriesId);

    /// @notice Approves a proposed series with a template; may replace an earlier approval before acceptance.
    /// Operator (of the Marketplace) only.
    /// @dev The template is validated as the Marketplace validates a single listing's terms, for a listing opening
    /// now; a listing's terms are validated again when it opens.
    /// @param seriesId The series.
    /// @param template The template.
    /// @return termsHash The hash the seller accepts.
    function approveSeries(uint256 seriesId, Template calldata template) external returns (bytes32 termsHash);

    /// @notice The seller accepts the approved template and deposits every deed of the series here (up front, so
    /// nothing can be missing later). Opens the first listing in the same transaction if its start has come.
    /// @dev The seller must first approve this contract for its deeds (`AssetDeed.setApprovalForAll`).
    /// @param seriesId The series.
    /// @param template The template the seller read; its hash must be the approved one.
    /// @return firstListing The first listing, or zero if it opens later.
    function acceptSeries(uint256 seriesId, Template calldata template) external returns (address firstListing);

    /// @notice Opens the series' next listing. Anyone may call it (and the Marketplace's upkeep does).
    /// @dev Possible once the latest listing is Settled, Failed or Dissolved (or none opened yet) and the scheduled
    /// opening has come; the seller must still be verified and the Marketplace unpaused. The listing opens now and
    /// its Time-Date A is now + duration; the one after it may open from that Time-Date A + gap.
    /// @param seriesId The series.
    /// @return listing The listing clone.
    function openNextInSeries(uint256 seriesId) external returns (address listing);

    /// @notice Cancels the rest of a series: nothing more opens and the deeds not yet listed go back to the seller.
    /// A listing already open runs to its end. The seller or an operator.
    /// @param seriesId The series.
    /// @param reason Reference to the reason.
    function cancelSeries(uint256 seriesId, bytes32 reason) external;

    /// @notice For the Marketplace's upkeep: one series whose next listing can open now, among at most
    /// `UPKEEP_SCAN_LIMIT` active series from an offset that rotates with the block.
    /// @return seriesId The series, or 0 if none is due.
    function dueSeries() external view returns (uint256 seriesId);

    /// @notice Whether `openNextInSeries(seriesId)` would open a listing now.
    /// @param seriesId The series.
    /// @return Whether it is due.
    function isDue(uint256 seriesId) external view returns (bool);

    /// @notice One series.
    /// @param seriesId The series.
    /// @return The series.
    function seriesOf(uint256 seriesId) external view returns (Series memory);

    /// @notice A series' applications, in listing order.
    /// @param seriesId The series.
    /// @return The application ids.
    function applicationsOf(uint256 seriesId) external view returns (uint256[] memory);

    /// @notice Series created so far (ids run from 1).
    /// @return The count.
    function seriesCount() external view returns (uint256);

    /// @notice Accepted series with listings left to open.
    /// @return The count.
    function activeSeriesCount() external view returns (uint256);

    /// @notice The Marketplace this contract serves.
    /// @return The Marketplace.
    function marketplace() external view returns (address);

    /// @notice A series' template (zero until approved).
    /// @param seriesId The series.
    /// @return The template.
    function templateOf(uint256 seriesId) external view returns (Template memory);
}
