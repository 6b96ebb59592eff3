/**
 * The seller's offer of a direct order (SPEC §4.5): an EIP-712 `Offer` signed under the escrow's own domain and the
 * seller's current offer counter. A buyer opens the order from it with `openOrder`; each nonce opens one order, and
 * the seller voids one offer with `cancelOffer(nonce)` or all it signed with `incrementOfferCounter()`.
 */
import { ZeroAddress, ZeroHash } from "ethers";
import type { Signer } from "ethers";
import type { DeliveryEscrow, IDeliveryEscrow } from "../../typechain-types/index.js";
import { escrowDomain } from "./authorization.js";

export const OFFER_TYPES = {
  Offer: [
    { name: "seller", type: "address" },
    { name: "buyer", type: "address" },
    { name: "item", type: "bytes32" },
    { name: "amount", type: "uint256" },
    { name: "shipWindow", type: "uint256" },
    { name: "upfrontBps", type: "uint256" },
    { name: "expiry", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "counter", type: "uint256" },
  ],
};

export type Offer = IDeliveryEscrow.OfferStruct & {
  seller: string;
  buyer: string;
  item: string;
  amount: bigint;
  shipWindow: bigint;
  upfrontBps: bigint;
  expiry: bigint;
  nonce: bigint;
};

/** The terms a seller offers; the buyer defaults to anyone, the item to none, payment in full. */
export interface OfferTerms {
  amount: bigint;
  shipWindow: bigint;
  expiry: bigint;
  nonce: bigint;
  buyer?: string;
  item?: string;
  upfrontBps?: bigint;
}

/** The seller signs an offer of `terms`; returns the offer and the signature to pass to `openOrder`. */
export async function signOffer(escrow: DeliveryEscrow, seller: Signer, terms: OfferTerms) {
  const sellerAddress = await seller.getAddress();
  const offer: Offer = {
    seller: sellerAddress,
    buyer: terms.buyer ?? ZeroAddress,
    item: terms.item ?? ZeroHash,
    amount: terms.amount,
    shipWindow: terms.shipWindow,
    upfrontBps: terms.upfrontBps ?? 10_000n,
    expiry: terms.expiry,
    nonce: terms.nonce,
  };
  const counter = await escrow.offerCounter(sellerAddress);
  const signature = await seller.signTypedData(await escrowDomain(escrow), OFFER_TYPES, { ...offer, counter });
  return { offer, signature };
}
