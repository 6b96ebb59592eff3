/**
 * The buyer's delivery authorization (SPEC §4.5): an EIP-712 `Release` signed under the escrow's own domain, which
 * the seller or its delivery agent submits with `releaseWithSignature`.
 */
import { Signature } from "ethers";
import type { Signer, TypedDataDomain } from "ethers";
import type { DeliveryEscrow, MockUSDC } from "../../typechain-types/index.js";

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

/** An EIP-2612 permit of `token` for `spender` to take exactly `value` from `owner`, under the token's own domain. */
export async function signPermit(token: MockUSDC, owner: Signer, spender: string, value: bigint, deadline: bigint) {
  const ownerAddress = await owner.getAddress();
  const [domain, nonce] = await Promise.all([token.eip712Domain(), token.nonces(ownerAddress)]);
  const signature = await owner.signTypedData(
    { name: domain.name, version: domain.version, chainId: domain.chainId, verifyingContract: domain.verifyingContract },
    {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    { owner: ownerAddress, spender, value, nonce, deadline },
  );
  return Signature.from(signature);
}
