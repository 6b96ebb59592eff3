// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IDeliveryEscrow} from "./interfaces/IDeliveryEscrow.sol";

/// @title OfferBook
/// @notice Sellers' signed offers of direct orders (EIP-712 `Offer` under the escrow's domain): each nonce opens at
/// most one order, a seller cancels one offer by its nonce or all it signed so far by raising its counter (as
/// Seaport's `CounterManager` does).
/// @dev The base of `DeliveryEscrow`, which takes an offer (`Authorizations.takeOffer`) when it opens its order.
abstract contract OfferBook is IDeliveryEscrow, EIP712 {
    /// @notice The seller's offer of a direct order, signed with EIP-712 under this escrow's domain; `counter` is the
    /// seller's offer counter when it signed.
    // solhint-disable-next-line gas-small-strings
    bytes32 public constant OFFER_TYPEHASH = keccak256(
        "Offer(address seller,address buyer,bytes32 item,uint256 amount,uint256 shipWindow,uint256 upfrontBps,"
        "uint256 expiry,uint256 nonce,uint256 counter)"
    );

    mapping(address seller => uint256) internal _offerCounters;
    mapping(address seller => mapping(uint256 nonce => bool)) internal _offerNonceUsed;

    /// @inheritdoc IDeliveryEscrow
    function cancelOffer(uint256 nonce) external {
        if (_offerNonceUsed[msg.sender][nonce]) revert OfferNonceUsed(msg.sender, nonce);
        _offerNonceUsed[msg.sender][nonce] = true;
        emit OfferCancelled(msg.sender, nonce);
    }

    /// @inheritdoc IDeliveryEscrow
    function incrementOfferCounter() external returns (uint256 counter) {
        counter = ++_offerCounters[msg.sender];
        emit OfferCounterIncremented(msg.sender, counter);
    }

    /// @inheritdoc IDeliveryEscrow
    function offerDigest(Offer calldata offer) external view returns (bytes32) {
        return _offerDigest(offer, _offerCounters[offer.seller]);
    }

    /// @inheritdoc IDeliveryEscrow
    function offerCounter(address seller) external view returns (uint256) {
        return _offerCounters[seller];
    }

    /// @inheritdoc IDeliveryEscrow
    function offerNonceUsed(address seller, uint256 nonce) external view returns (bool) {
        return _offerNonceUsed[seller][nonce];
    }

    /// @dev Every field of Offer is static, so the struct encodes as its fields in order, as EIP-712 hashes them.
    function _offerDigest(Offer calldata offer, uint256 counter) internal view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(OFFER_TYPEHASH, offer, counter)));
    }
}
