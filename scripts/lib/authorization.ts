/**
 * The buyer's delivery authorization (SPEC §4.5): an EIP-712 `Release` signed under the escrow's own domain, which
 * the seller or its delivery agent submits with `releaseWithSignature`.
 */
import type { Signer, TypedDataDomain } from "ethers";
import type { DeliveryEscrow } from "../../typechain-types/index.js";

export const RELEASE_TYPES = {
  Release: [
    { name: "orderId", type: "uint256" },
    { name: "seller", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "deadline", type: "uint256" },
    { name: "nonce", type: "uint256" },
  ],
};

/** The escrow's EIP-712 domain, read from its ERC-5267 `eip712Domain()`. */
export async function escrowDomain(escrow: DeliveryEscrow): Promise<TypedDataDomain> {
  const d = await escrow.eip712Domain();
  return { name: d.name, version: d.version, chainId: d.chainId, verifyingContract: d.verifyingContract };
}

/** The `Release` value for an order's current terms and nonce. */
export async function releaseValue(escrow: DeliveryEscrow, orderId: bigint, deadline: bigint) {
  const o = await escrow.order(orderId);
  return { orderId, seller: o.seller, amount: o.amount, deadline, nonce: o.nonce };
}

/** The buyer signs the authorization of `orderId` valid until `deadline`. */
export async function signRelease(escrow: DeliveryEscrow, buyer: Signer, orderId: bigint, deadline: bigint): Promise<string> {
  return buyer.signTypedData(await escrowDomain(escrow), RELEASE_TYPES, await releaseValue(escrow, orderId, deadline));
}
