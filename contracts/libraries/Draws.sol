// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IVRFCoordinatorV2Plus} from "@chainlink/contracts/src/v0.8/vrf/dev/interfaces/IVRFCoordinatorV2Plus.sol";
import {VRFV2PlusClient} from "@chainlink/contracts/src/v0.8/vrf/dev/libraries/VRFV2PlusClient.sol";
import {IMarketplace} from "../interfaces/IMarketplace.sol";

/// @title Draws
/// @notice The Marketplace's Chainlink VRF v2.5 bookkeeping: the coordinator's configuration, one draw per listing
/// (None → Pending → Fulfilled, or Pending → Abandoned), the request → listing index and the count of draws still
/// waiting for their word, which freezes the configuration (attack A17).
/// @dev Errors and events are the Marketplace's (`IMarketplace`), so its external interface is unchanged.
library Draws {
    /// @notice The draws' storage.
    /// @param config The coordinator, key hash, subscription and callback settings.
    /// @param pending Draws requested and neither fulfilled nor abandoned.
    /// @param ofListing Each listing's draw (a listing draws at most once).
    /// @param listingOf Which listing asked for each request id.
    struct State {
        IMarketplace.VrfConfig config;
        uint256 pending;
        mapping(address listing => IMarketplace.Draw) ofListing;
        mapping(uint256 requestId => address listing) listingOf;
    }

    /// @notice Bounds of the VRF callback gas: the callback only stores a word.
    uint32 internal constant MIN_CALLBACK_GAS = 60_000;
    /// @notice Bounds of the VRF callback gas.
    uint32 internal constant MAX_CALLBACK_GAS = 2_500_000;

    /// @notice Replaces the VRF configuration; refused while a draw waits for its word.
    /// @param self The draws.
    /// @param config The new configuration.
    function configure(State storage self, IMarketplace.VrfConfig calldata config) internal {
        if (self.pending != 0) revert IMarketplace.DrawsInFlight(self.pending);
        if (
            config.coordinator == address(0) ||
            config.keyHash == bytes32(0) ||
            config.subscriptionId == 0 ||
            config.callbackGasLimit < MIN_CALLBACK_GAS ||
            config.callbackGasLimit > MAX_CALLBACK_GAS
        ) revert IMarketplace.InvalidVrfConfig();
        self.config = config;
        emit IMarketplace.VrfConfigSet(config);
    }

    /// @notice Requests one random word for `listing`, once per listing.
    /// @param self The draws.
    /// @param listing The listing drawing its winner.
    /// @return requestId The coordinator's request id.
    function request(State storage self, address listing) internal returns (uint256 requestId) {
        IMarketplace.Draw storage draw = self.ofListing[listing];
        if (draw.status != IMarketplace.DrawStatus.None) {
            revert IMarketplace.RandomnessAlreadyRequested(listing, draw.requestId);
        }
        IMarketplace.VrfConfig memory c = self.config;
        if (c.coordinator == address(0)) revert IMarketplace.VrfNotConfigured();
        draw.status = IMarketplace.DrawStatus.Pending;
        // Cannot overflow: at most one draw per listing ever created.
        unchecked {
            ++self.pending;
        }
        requestId = IVRFCoordinatorV2Plus(c.coordinator).requestRandomWords(
            VRFV2PlusClient.RandomWordsRequest({
                keyHash: c.keyHash,
                subId: c.subscriptionId,
                requestConfirmations: c.requestConfirmations,
                callbackGasLimit: c.callbackGasLimit,
                numWords: 1,
                extraArgs: VRFV2PlusClient._argsToBytes(VRFV2PlusClient.ExtraArgsV1({nativePayment: c.nativePayment}))
            })
        );
        draw.requestId = requestId;
        self.listingOf[requestId] = listing;
        emit IMarketplace.RandomnessRequested(listing, requestId);
    }

    /// @notice Stores the word the coordinator delivers, and emits; nothing else (attack A3): the listing's own
    /// finalize does the work later. A word for a draw no longer pending (abandoned) is ignored.
    /// @param self The draws.
    /// @param requestId The request answered.
    /// @param randomWords The words; only the first is used.
    function fulfill(State storage self, uint256 requestId, uint256[] calldata randomWords) internal {
        address coordinator = self.config.coordinator;
        if (msg.sender != coordinator) revert IMarketplace.OnlyCoordinatorCanFulfill(msg.sender, coordinator);
        address listing = self.listingOf[requestId];
        if (listing == address(0)) revert IMarketplace.UnknownRequest(requestId);
        IMarketplace.Draw storage draw = self.ofListing[listing];
        if (draw.status != IMarketplace.DrawStatus.Pending) {
            emit IMarketplace.LateRandomnessIgnored(requestId);
            return;
        }
        uint256 word = randomWords[0];
        draw.status = IMarketplace.DrawStatus.Fulfilled;
        draw.word = word;
        // Cannot underflow: a pending draw is counted in `pending`.
        unchecked {
            --self.pending;
        }
        emit IMarketplace.RandomnessFulfilled(listing, requestId, word);
    }

    /// @notice Gives up `listing`'s pending draw (its timeout passed): a word arriving later is ignored.
    /// @param self The draws.
    /// @param listing The listing.
    function abandon(State storage self, address listing) internal {
        IMarketplace.Draw storage draw = self.ofListing[listing];
        if (draw.status != IMarketplace.DrawStatus.Pending) revert IMarketplace.NoPendingRandomness(listing);
        draw.status = IMarketplace.DrawStatus.Abandoned;
        // Cannot underflow: a pending draw is counted in `pending`.
        unchecked {
            --self.pending;
        }
        emit IMarketplace.RandomnessAbandoned(listing, draw.requestId);
    }
}
