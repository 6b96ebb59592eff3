// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IDeliveryEscrow} from "../interfaces/IDeliveryEscrow.sol";

/// @title Authorizations
/// @notice The two signatures the escrow accepts: the seller's offer, which opens a direct order (`Offer`, one use per
/// nonce), and the buyer's authorization of delivery, which releases an order (`Release`, revoked by bumping the
/// order's nonce). Both are EIP-712 digests under the escrow's domain, checked as ECDSA for EOAs (rejecting high-s
/// malleable signatures) or ERC-1271 for contract wallets such as a Safe.
/// @dev The escrow computes the digests (its EIP-712 domain); these internal functions check everything else.
library Authorizations {
    uint256 private constant _BPS = 10_000;

    /// @notice Checks a direct order's terms and returns the share the buyer pays at opening (rounded down: the
    /// buyer pays the rounding at delivery, with the balance).
    /// @param offer The seller's offer.
    /// @param maxShipWindow The furthest ship-by time, in seconds from opening.
    /// @return upfront What the buyer pays now.
    function checkTerms(
        IDeliveryEscrow.Offer calldata offer,
        uint256 maxShipWindow
    ) internal view returns (uint256 upfront) {
        address seller = offer.seller;
        uint256 amount = offer.amount;
        if (seller == address(0) || seller == msg.sender || amount == 0) revert IDeliveryEscrow.InvalidOrder();
        if (amount > type(uint96).max) revert IDeliveryEscrow.AmountTooLarge(amount);
        if (offer.shipWindow == 0 || offer.shipWindow > maxShipWindow) {
            revert IDeliveryEscrow.ShipWindowOutOfRange(offer.shipWindow, maxShipWindow);
        }
        upfront = (amount * offer.upfrontBps) / _BPS;
        if (offer.upfrontBps > _BPS || upfront == 0) revert IDeliveryEscrow.UpfrontShareOutOfRange(offer.upfrontBps);
    }

    /// @notice Checks the seller's signed offer for the caller and uses up its nonce.
    /// @param nonceUsed The seller's used nonces.
    /// @param offer The offer.
    /// @param signature The seller's signature.
    /// @param digest The offer's EIP-712 digest, under the seller's current counter.
    /// @param counter The seller's current offer counter (reported when the signature does not match).
    function takeOffer(
        mapping(uint256 nonce => bool) storage nonceUsed,
        IDeliveryEscrow.Offer calldata offer,
        bytes calldata signature,
        bytes32 digest,
        uint256 counter
    ) internal {
        address seller = offer.seller;
        if (block.timestamp > offer.expiry) revert IDeliveryEscrow.OfferExpired(offer.expiry, block.timestamp);
        if (offer.buyer != address(0) && offer.buyer != msg.sender) {
            revert IDeliveryEscrow.OfferNotForCaller(offer.buyer, msg.sender);
        }
        if (nonceUsed[offer.nonce]) revert IDeliveryEscrow.OfferNonceUsed(seller, offer.nonce);
        if (!SignatureChecker.isValidSignatureNowCalldata(seller, digest, signature)) {
            revert IDeliveryEscrow.InvalidOfferSignature(seller, counter);
        }
        nonceUsed[offer.nonce] = true;
    }

    /// @notice Checks the buyer's authorization of delivery: not expired, and signed by the buyer.
    /// @param orderId The order.
    /// @param buyer The order's buyer, who signed.
    /// @param deadline The authorization's deadline.
    /// @param digest The authorization's EIP-712 digest, under the order's current terms and nonce.
    /// @param signature The buyer's signature.
    function checkRelease(
        uint256 orderId,
        address buyer,
        uint256 deadline,
        bytes32 digest,
        bytes calldata signature
    ) internal view {
        if (block.timestamp > deadline) revert IDeliveryEscrow.AuthorizationExpired(deadline, block.timestamp);
        if (!SignatureChecker.isValidSignatureNowCalldata(buyer, digest, signature)) {
            revert IDeliveryEscrow.InvalidAuthorization(orderId, buyer);
        }
    }
}
