// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IListing} from "./IListing.sol";

/// @title IMarketplace
/// @notice Seller registry, asset applications, listing factory, the single Chainlink Automation upkeep and the
/// single VRF v2.5 consumer (SPEC §4.1).
interface IMarketplace {
    /// @notice Application states.
    enum ApplicationStatus {
        None,
        Pending,
        Approved,
        Rejected,
        Listed
    }

    /// @notice Randomness request states.
    enum DrawStatus {
        None,
        Pending,
        Fulfilled,
        Abandoned
    }

    /// @notice What `performUpkeep` does for one listing.
    enum UpkeepAction {
        None,
        Settle,
        Finalize,
        Expire,
        Retire,
        OpenSeries
    }

    /// @notice One asset application.
    /// @param seller The applying seller.
    /// @param status The state.
    /// @param deedId The deed minted at application.
    /// @param listing The listing once created.
    /// @param termsHash keccak256 of the approved terms (zero until approved).
    struct Application {
        address seller;
        ApplicationStatus status;
        uint256 deedId;
        address listing;
        bytes32 termsHash;
    }

    /// @notice The system's other contracts, wired once after deployment.
    struct Modules {
        address bidToken;
        address assetDeed;
        address escrow;
        address revenueVault;
        address listingImplementation;
        address membership;
    }

    /// @notice Chainlink VRF v2.5 settings.
    /// @param coordinator The VRF coordinator.
    /// @param keyHash The gas lane.
    /// @param subscriptionId The funded subscription this contract is a consumer of.
    /// @param callbackGasLimit Gas for `rawFulfillRandomWords` (it only stores the word).
    /// @param requestConfirmations Blocks to wait before fulfilment.
    /// @param nativePayment Pay in native currency instead of LINK.
    struct VrfConfig {
        address coordinator;
        bytes32 keyHash;
        uint256 subscriptionId;
        uint32 callbackGasLimit;
        uint16 requestConfirmations;
        bool nativePayment;
    }

    /// @notice A listing's randomness.
    /// @param requestId The VRF request id.
    /// @param status The state.
    /// @param word The random word once fulfilled.
    struct Draw {
        uint256 requestId;
        DrawStatus status;
        uint256 word;
    }

    /// @notice Thrown when modules are wired twice or point at another marketplace.
    error ModulesAlreadySet();
    /// @notice Thrown when a module is the zero address or serves another marketplace.
    /// @param module The bad module.
    error InvalidModule(address module);
    /// @notice Thrown when a module was built against another module than the one being wired with it.
    /// @param module The module that disagrees.
    /// @param expected The module wired.
    /// @param actual The module it points at.
    error ModuleMismatch(address module, address expected, address actual);
    /// @notice Thrown when a function needs the modules and they are not wired yet.
    error ModulesNotSet();
    /// @notice Thrown for the zero address where an account is needed.
    error ZeroAddress();
    /// @notice Thrown when the account is not a verified seller.
    /// @param account The account.
    error NotVerifiedSeller(address account);
    /// @notice Thrown when the caller is not the application's seller.
    /// @param applicationId The application.
    /// @param caller The caller.
    error NotApplicationSeller(uint256 applicationId, address caller);
    /// @notice Thrown when an application is in the wrong state.
    /// @param applicationId The application.
    /// @param status Its state.
    error WrongApplicationStatus(uint256 applicationId, ApplicationStatus status);
    /// @notice Thrown when the seller accepts terms other than those approved.
    /// @param approved The approved terms' hash.
    /// @param accepted The hash the seller accepted.
    error TermsMismatch(bytes32 approved, bytes32 accepted);
    /// @notice Thrown when P, s or N is zero.
    error ZeroPrice();
    /// @notice Thrown when N × s < P.
    /// @param proceeds N × s.
    /// @param price P.
    error StakesBelowPrice(uint256 proceeds, uint256 price);
    /// @notice Thrown when N exceeds what the purchase log can number (2**40 − 1 stakes).
    /// @param stakeCount The proposed N.
    /// @param max The largest N allowed.
    error TooManyStakes(uint256 stakeCount, uint256 max);
    /// @notice Thrown when T is 0 or above N.
    /// @param threshold T.
    /// @param stakeCount N.
    error InvalidThreshold(uint256 threshold, uint256 stakeCount);
    /// @notice Thrown when the opening is not before Time-Date A, or Time-Date A is not in the future.
    /// @param opensAt The opening.
    /// @param deadline Time-Date A.
    error InvalidSchedule(uint256 opensAt, uint256 deadline);
    /// @notice Thrown when the sale would last longer than `MAX_SALE_DURATION`.
    /// @param duration Seconds from opening to Time-Date A.
    error SaleTooLong(uint256 duration);
    /// @notice Thrown when terms name another seller or deed than the application's.
    error TermsForAnotherAsset();
    /// @notice Thrown when an address is not a listing of this marketplace.
    /// @param account The address.
    error UnknownListing(address account);
    /// @notice Thrown when a listing asks for randomness a second time (never re-requested).
    /// @param listing The listing.
    /// @param requestId Its earlier request.
    error RandomnessAlreadyRequested(address listing, uint256 requestId);
    /// @notice Thrown when a listing abandons randomness it has not pending.
    /// @param listing The listing.
    error NoPendingRandomness(address listing);
    /// @notice Thrown when randomness is requested before VRF is configured.
    error VrfNotConfigured();
    /// @notice Thrown when VRF settings change while draws are waiting for their word.
    /// @param pending Requests in flight.
    error DrawsInFlight(uint256 pending);
    /// @notice Thrown for VRF settings that cannot work.
    error InvalidVrfConfig();
    /// @notice Thrown when `rawFulfillRandomWords` is not called by the coordinator.
    /// @param have The caller.
    /// @param want The coordinator.
    error OnlyCoordinatorCanFulfill(address have, address want);
    /// @notice Thrown for a request id this contract never made.
    /// @param requestId The id.
    error UnknownRequest(uint256 requestId);
    /// @notice Thrown for a draw timeout outside the allowed bounds.
    /// @param timeout Seconds.
    error DrawTimeoutOutOfRange(uint256 timeout);
    /// @notice Thrown for a settlement grace outside the allowed bounds.
    /// @param grace Seconds.
    error SettlementGraceOutOfRange(uint256 grace);
    /// @notice Thrown when `openSeriesListing` is called by another address than the series module.
    /// @param caller The caller.
    error NotSeriesModule(address caller);
    /// @notice Thrown when performData asks for an action the listing does not need now.
    /// @param listing The listing.
    /// @param action The action asked for.
    error UpkeepNotNeeded(address listing, UpkeepAction action);

    /// @notice Emitted once when the modules are wired.
    /// @param modules The modules.
    event ModulesSet(Modules modules);
    /// @notice Emitted when a seller is verified (KYC done off chain).
    /// @param seller The seller.
    /// @param kycRef Reference to the off-chain verification record.
    event SellerVerified(address indexed seller, bytes32 kycRef);
    /// @notice Emitted when a seller's verification is revoked.
    /// @param seller The seller.
    /// @param reason Reference to the reason.
    event SellerRevoked(address indexed seller, bytes32 reason);
    /// @notice Emitted when a seller submits an asset; the deed is minted to the seller.
    /// @param applicationId The application.
    /// @param seller The seller.
    /// @param deedId The deed.
    /// @param uri The metadata URI.
    /// @param contentHash Hash of the asset's documents.
    event AssetSubmitted(
        uint256 indexed applicationId,
        address indexed seller,
        uint256 deedId,
        string uri,
        bytes32 contentHash
    );
    /// @notice Emitted when the operator approves an application with listing terms.
    /// @param applicationId The application.
    /// @param termsHash keccak256(abi.encode(terms)); the seller accepts this hash.
    /// @param terms The terms.
    event ListingApproved(uint256 indexed applicationId, bytes32 termsHash, IListing.Terms terms);
    /// @notice Emitted when the operator rejects an application.
    /// @param applicationId The application.
    /// @param reason Reference to the reason.
    event ApplicationRejected(uint256 indexed applicationId, bytes32 reason);
    /// @notice Emitted when the seller accepts the terms, deposits the deed and the listing clone exists.
    /// @param listingId The listing's id.
    /// @param listing The listing clone.
    /// @param applicationId The application.
    /// @param seller The seller.
    /// @param category The category.
    /// @param terms The charter.
    event ListingCreated(
        uint256 indexed listingId,
        address indexed listing,
        uint256 indexed applicationId,
        address seller,
        uint32 category,
        IListing.Terms terms
    );
    /// @notice Emitted once when the recurring-listings module is wired.
    /// @param module The `ListingSeries` contract.
    event SeriesModuleSet(address indexed module);
    /// @notice Emitted when a listing is dropped from the upkeep's active set after its last automated step.
    /// @param listing The listing.
    event ListingRetired(address indexed listing);
    /// @notice Emitted when randomness is requested for a listing.
    /// @param listing The listing.
    /// @param requestId The VRF request id.
    event RandomnessRequested(address indexed listing, uint256 indexed requestId);
    /// @notice Emitted when the coordinator delivers the word; nothing else happens in the callback.
    /// @param listing The listing.
    /// @param requestId The VRF request id.
    /// @param word The random word.
    event RandomnessFulfilled(address indexed listing, uint256 indexed requestId, uint256 word);
    /// @notice Emitted when a word arrives for a request that was abandoned after its timeout; it is not used.
    /// @param requestId The VRF request id.
    event LateRandomnessIgnored(uint256 indexed requestId);
    /// @notice Emitted when a listing abandons its request after the timeout.
    /// @param listing The listing.
    /// @param requestId The VRF request id.
    event RandomnessAbandoned(address indexed listing, uint256 indexed requestId);
    /// @notice Emitted when the VRF settings change.
    /// @param config The settings.
    event VrfConfigSet(VrfConfig config);
    /// @notice Emitted when the draw timeout changes.
    /// @param timeout Seconds.
    event DrawTimeoutSet(uint256 timeout);
    /// @notice Emitted when the settlement grace changes.
    /// @param grace Seconds.
    event SettlementGraceSet(uint256 grace);
    /// @notice Emitted when a listing action of `performUpkeep` reverted: the upkeep skips the listing until `retryAt`
    /// and serves the others meanwhile.
    /// @param listing The listing.
    /// @param action The action that reverted.
    /// @param retryAt When `checkUpkeep` offers the listing again.
    /// @param reason The revert data.
    event UpkeepActionReverted(address indexed listing, UpkeepAction action, uint256 retryAt, bytes reason);

    /// @notice Wires the other contracts, once, in this one place: every module must have code and report this
    /// marketplace as its own, the membership must name this escrow, and the listing implementation must have been
    /// built against exactly these modules; then the escrow is bound to the membership. Admin only.
    /// @param modules The contracts (membership zero: no tiers, and the listing implementation must have none).
    function setModules(Modules calldata modules) external;

    /// @notice Records a seller's off-chain verification. Verifier only.
    /// @param seller The seller.
    /// @param kycRef Reference to the verification record.
    function verifySeller(address seller, bytes32 kycRef) external;

    /// @notice Revokes a seller's verification; its open listings fail at settlement. Verifier only.
    /// @param seller The seller.
    /// @param reason Reference to the reason.
    function revokeSeller(address seller, bytes32 reason) external;

    /// @notice A verified seller submits an asset; its deed is minted to the seller.
    /// @param uri The metadata URI.
    /// @param contentHash Hash of the asset's documents.
    /// @return applicationId The application.
    /// @return deedId The deed.
    function submitAsset(
        string calldata uri,
        bytes32 contentHash
    ) external returns (uint256 applicationId, uint256 deedId);

    /// @notice Approves an application with listing terms. Operator only.
    /// @param applicationId The application.
    /// @param terms The terms; seller, deedId and contentHash must be the application's.
    /// @return termsHash The hash the seller accepts.
    function approveListing(uint256 applicationId, IListing.Terms calldata terms) external returns (bytes32 termsHash);

    /// @notice Rejects a pending or approved application. Operator only.
    /// @param applicationId The application.
    /// @param reason Reference to the reason.
    function rejectApplication(uint256 applicationId, bytes32 reason) external;

    /// @notice Agreement I: the seller accepts the approved terms and deposits the deed; the listing clone is
    /// created, initialized and announced in this transaction.
    /// @dev The marketplace must be approved for the deed (AssetDeed approves it at mint).
    /// @param applicationId The application.
    /// @param terms The terms the seller read; their hash must be the approved one.
    /// @return listing The listing clone.
    function acceptTerms(uint256 applicationId, IListing.Terms calldata terms) external returns (address listing);

    /// @notice Wires the recurring-listings module, once. Admin only.
    /// @param module The `ListingSeries` contract; it must report this marketplace as its own.
    function setSeriesModule(address module) external;

    /// @notice Creates one listing of a series, through the same code path as `acceptTerms`: clone, enrol with the
    /// bid token, deed moved from the series module (which holds the series' deeds) to the listing. Series module
    /// only; the operator approved the series' template there and the seller accepted it.
    /// @dev The application must still be pending or approved, the seller verified, the marketplace unpaused, and
    /// the terms must name the application's seller, deed and content hash and pass the same checks as at approval.
    /// @param applicationId The application whose deed the listing sells; it becomes Listed.
    /// @param terms The charter.
    /// @return listing The listing clone.
    function openSeriesListing(uint256 applicationId, IListing.Terms calldata terms) external returns (address listing);

    /// @notice Reverts with the named error that `approveListing` would raise for these terms; returns otherwise.
    /// @param terms The terms (seller, deed and content hash are not checked here).
    function validateTerms(IListing.Terms calldata terms) external view;

    /// @notice Called by a listing at settlement: requests its one random word. Never twice per listing.
    /// @return requestId The VRF request id.
    function requestRandomness() external returns (uint256 requestId);

    /// @notice Called by a listing whose draw timed out: its request is abandoned and a late word ignored.
    function abandonRandomness() external;

    /// @notice The VRF coordinator's callback: stores the word and emits, nothing else.
    /// @param requestId The VRF request id.
    /// @param randomWords The words (one is requested).
    function rawFulfillRandomWords(uint256 requestId, uint256[] calldata randomWords) external;

    /// @notice Pauses listing creation and purchases. Refunds, withdrawals and claims stay open. Pauser only.
    /// @dev One switch held in two places: here (`paused()`, read by listing creation and the series module) and its
    /// copy in the bid token (`marketplacePauseMirror()`, read on every purchase without a call back to this
    /// contract). Only `pause` and `unpause` set the copy, together with this flag, so the two never disagree.
    function pause() external;

    /// @notice Resumes listing creation and purchases. Pauser only.
    function unpause() external;

    /// @notice Sets the VRF settings; impossible while a draw waits for its word. Admin only.
    /// @param config The settings.
    function setVrfConfig(VrfConfig calldata config) external;

    /// @notice Sets how long a draw may wait for its word before the listing can be failed. Admin only.
    /// @param timeout Seconds, between 1 hour and 30 days; applies to draws requested afterwards.
    function setDrawTimeout(uint256 timeout) external;

    /// @notice Sets how long after Time-Date A (or a draw's expiry) a listing whose settlement (or expiry) keeps reverting
    /// may be failed by anyone (`IListing.failStalled`). Admin only.
    /// @param grace Seconds, between 1 day and 30 days; applies to every listing from now on.
    function setSettlementGrace(uint256 grace) external;

    /// @notice Whether `account` is a verified, unrevoked seller.
    /// @param account The account.
    /// @return Whether it is.
    function isVerifiedSeller(address account) external view returns (bool);

    /// @notice Whether `account` is a listing created by this marketplace.
    /// @param account The address.
    /// @return Whether it is.
    function isListing(address account) external view returns (bool);

    /// @notice A listing by id.
    /// @param listingId The id (1-based).
    /// @return The listing.
    function listingAt(uint256 listingId) external view returns (address);

    /// @notice Number of listings created.
    /// @return The count.
    function listingCount() external view returns (uint256);

    /// @notice One application.
    /// @param applicationId The id.
    /// @return The application.
    function application(uint256 applicationId) external view returns (Application memory);

    /// @notice A listing's randomness.
    /// @param listing The listing.
    /// @return The draw.
    function drawOf(address listing) external view returns (Draw memory);

    /// @notice A listing's random word, in the two slots finalize needs.
    /// @param listing The listing.
    /// @return status The draw's state.
    /// @return word The word (meaningful once fulfilled).
    function randomWord(address listing) external view returns (DrawStatus status, uint256 word);

    /// @notice Listings the upkeep still watches.
    /// @return The count.
    function activeListingCount() external view returns (uint256);

    /// @notice The recurring-listings module (zero until wired).
    /// @return The `ListingSeries` contract.
    function seriesModule() external view returns (address);

    /// @notice The wired modules.
    /// @return The modules.
    function modules() external view returns (Modules memory);

    /// @notice The VRF settings.
    /// @return The settings.
    function vrfConfig() external view returns (VrfConfig memory);

    /// @notice Seconds a draw may wait for its word.
    /// @return The timeout.
    function drawTimeout() external view returns (uint256);

    /// @notice Seconds after Time-Date A (or a draw's expiry) before a stalled listing may be failed.
    /// @return The grace.
    function settlementGrace() external view returns (uint256);

    /// @notice When `checkUpkeep` offers `listing` again after its action reverted (0 or past: now).
    /// @param listing The listing.
    /// @return The time.
    function upkeepRetryAt(address listing) external view returns (uint256);

    /// @notice Randomness requests waiting for their word.
    /// @return The count.
    function pendingDraws() external view returns (uint256);

    /// @notice The ERC-20 all prices are paid in.
    /// @return The token.
    function paymentToken() external view returns (address);
}
