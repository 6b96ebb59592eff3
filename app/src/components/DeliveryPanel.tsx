import { useState } from "react";
import { useConfig, useConnection } from "wagmi";
import { keccak256, toHex } from "viem";
import type { Address, Hex } from "viem";
import { readContract, signTypedData, waitForTransactionReceipt, writeContract } from "wagmi/actions";
import { formatTime, shortAddress, spaced } from "../../../core/format";
import { ORDER_DUE_AT } from "../../../core/enums";
import { ABI } from "../lib/abis";
import { useDeployment, useMoney } from "../hooks/useDeployment";
import { useDraft } from "../hooks/useDraft";
import { useOrder } from "../hooks/useOrder";
import { useTx } from "../hooks/useTx";
import { TxStatus } from "./TxStatus";

const RELEASE_TYPES = {
  Release: [
    { name: "orderId", type: "uint256" },
    { name: "seller", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "deadline", type: "uint256" },
    { name: "nonce", type: "uint256" },
  ],
} as const;

/** An authorization as handed over at delivery: order, deadline and signature in one line the seller pastes. */
const encodeAuthorization = (orderId: bigint, deadline: bigint, signature: Hex) => `${orderId}:${deadline}:${signature}`;
function decodeAuthorization(text: string) {
  const m = /^\s*(\d+):(\d+):(0x[0-9a-fA-F]+)\s*$/.exec(text);
  if (!m) throw new Error("that is not an authorization: paste the whole line the buyer gave you (order:deadline:0x…)");
  return { orderId: BigInt(m[1]), deadline: BigInt(m[2]), signature: m[3] as Hex };
}

/**
 * Delivery (SPEC §4.5): the winner signs the EIP-712 authorization it hands over at delivery, or releases at once,
 * takes the cash option, or opens a dispute; the seller marks the order shipped, presents the authorization and
 * withdraws what was released.
 */
export function DeliveryPanel({ orderId }: { orderId: bigint }) {
  const config = useConfig();
  const { address } = useConnection();
  const { data: deployment } = useDeployment();
  const money = useMoney();
  const { order, statusName, isBuyer, isSeller, refetch } = useOrder(orderId);
  const [authorization, setAuthorization] = useState<string>();
  // Drafts survive a reload and the panel being redrawn (a wallet switch, a refetch) until they are used.
  const [pasted, setPasted, clearPasted] = useDraft(`authorization:${orderId}`);
  const [tracking, setTracking, clearTracking] = useDraft(`tracking:${orderId}`);
  const tx = useTx(`delivery:${orderId}`);
  if (!order || !deployment || !money) return null;
  const escrow = deployment.escrow;
  const open = ["AwaitingShipment", "Shipped"].includes(statusName ?? "");
  const dueLabel = statusName && ORDER_DUE_AT[statusName];

  const send = async (functionName: string, args: readonly unknown[], progress: (p: string) => void) => {
    progress("Confirm in your wallet…");
    const hash = await writeContract(config, { account: address!, address: escrow, abi: ABI.escrow, functionName, args } as never);
    progress("Waiting for the block…");
    const receipt = await waitForTransactionReceipt(config, { hash });
    if (receipt.status !== "success") throw new Error("the transaction reverted");
    await refetch();
  };

  const sign = () =>
    tx.run("Signing the delivery authorization", async (progress) => {
      progress("Check the authorization in your wallet and sign it (no gas)…");
      const domain = (await readContract(config, { address: escrow, abi: ABI.escrow, functionName: "eip712Domain" })) as readonly [Hex, string, string, bigint, Address];
      const deadline = BigInt(Math.floor(Date.now() / 1000) + 7 * 86_400);
      const signature = await signTypedData(config, {
        account: address!,
        domain: { name: domain[1], version: domain[2], chainId: Number(domain[3]), verifyingContract: domain[4] },
        types: RELEASE_TYPES,
        primaryType: "Release",
        message: { orderId, seller: order.seller, amount: order.amount, deadline, nonce: BigInt(order.nonce) },
      });
      setAuthorization(encodeAuthorization(orderId, deadline, signature));
    }, () => "Signed. Hand this authorization to the seller or its courier when the asset is delivered.");

  return (
    <section className="panel delivery" data-testid="delivery" aria-labelledby="delivery-title">
      <h2 id="delivery-title">Delivery</h2>
      <dl className="terms">
        <div><dt>Escrow order</dt><dd>#{orderId.toString()}</dd></div>
        <div><dt>Status</dt><dd data-testid="order-status" data-status={statusName}>{spaced(statusName ?? "")}</dd></div>
        <div><dt>Amount held</dt><dd>{money.format(order.amount)}</dd></div>
        <div><dt>Seller</dt><dd title={order.seller}>{shortAddress(order.seller)}</dd></div>
        <div><dt>Winner</dt><dd title={order.buyer}>{shortAddress(order.buyer)}</dd></div>
        {dueLabel && <div><dt>{dueLabel[0].toUpperCase() + dueLabel.slice(1)}</dt><dd data-testid="order-due-at">{formatTime(order.dueAt)}</dd></div>}
      </dl>
      {isBuyer && open && (
        <div className="actions wrap">
          <button type="button" className="primary" data-testid="sign-authorization" disabled={tx.busy} onClick={sign}>Sign delivery authorization</button>
          <button type="button" disabled={tx.busy} onClick={() => tx.run("Releasing", (p) => send("release", [orderId], p), () => "Released: the seller is paid and the deed is yours.")}>I received it: release now</button>
          {/* Once shipped the asset is on its way: the cash option is gone (the escrow refuses it). */}
          {statusName === "AwaitingShipment" && (
            <button type="button" data-testid="take-cash" disabled={tx.busy} onClick={() => tx.run("Taking cash", (p) => send("takeCash", [orderId], p), () => `You are owed ${money.format(order.paid)}: withdraw it from My account.`)}>Take {money.format(order.paid)} in cash instead</button>
          )}
          <button type="button" data-testid="open-dispute" disabled={tx.busy} onClick={() => tx.run("Opening a dispute", (p) => send("openDispute", [orderId], p), () => "Dispute opened: two of buyer, seller and arbiter decide.")}>Open a dispute</button>
        </div>
      )}
      {authorization && (
        <label className="field">
          <span>Your authorization (give it to the seller at delivery)</span>
          <textarea readOnly data-testid="authorization" value={authorization} rows={3} onFocus={(e) => e.currentTarget.select()} />
        </label>
      )}
      {isSeller && (
        <div className="seller-actions">
          {statusName === "AwaitingShipment" && (
            <div className="inline-form">
              <label className="field"><span>Tracking reference</span><input data-testid="tracking" value={tracking} onChange={(e) => setTracking(e.target.value)} placeholder="e.g. DHL 1234567890" /></label>
              <button type="button" data-testid="mark-shipped" disabled={tx.busy || !tracking} onClick={() => tx.run("Marking shipped", (p) => send("markShipped", [orderId, keccak256(toHex(tracking.trim()))], p), () => { clearTracking(); return `Marked shipped (tracking “${tracking.trim()}”): the winner has until the confirmation deadline to confirm or dispute.`; })}>Mark shipped</button>
            </div>
          )}
          {open && (
            <div className="inline-form">
              <label className="field"><span>Buyer's authorization</span><input data-testid="paste-authorization" value={pasted} onChange={(e) => setPasted(e.target.value)} placeholder="order:deadline:0x…" /></label>
              <button
                type="button"
                data-testid="submit-authorization"
                disabled={tx.busy || !pasted}
                onClick={() => tx.run("Presenting the authorization", async (p) => {
                  const a = decodeAuthorization(pasted);
                  if (a.orderId !== orderId) throw new Error(`that authorization is for order #${a.orderId}, not #${orderId}`);
                  await send("releaseWithSignature", [orderId, a.deadline, a.signature], p);
                }, () => { clearPasted(); return "Released: withdraw the payment from My account."; })}
              >
                Present authorization
              </button>
            </div>
          )}
        </div>
      )}
      <TxStatus state={tx} />
    </section>
  );
}
