import { useState } from "react";
import { useConfig, useConnection } from "wagmi";
import type { Address } from "viem";
import { formatCount } from "../../../core/format";
import { useBidTokens } from "../hooks/useBidTokens";
import { cart } from "../hooks/useCart";
import { useDeployment, useMoney } from "../hooks/useDeployment";
import { useTx } from "../hooks/useTx";
import { buyStakes, costOf } from "../lib/purchase";
import type { Bought, Step } from "../lib/purchase";
import { TxStatus } from "./TxStatus";

const STEP_TEXT: Record<Step, string> = {
  checking: "Checking the purchase…",
  "signing permit": "Sign the payment permit in your wallet (no gas)…",
  approving: "Approve the payment in your wallet, then wait for it to land…",
  buying: "Confirm the purchase in your wallet…",
  confirming: "Waiting for the purchase to land in a block…",
};

/** Buy k stakes, or spend an amount: a live preview of the cost, the credit used and what the wallet pays. */
export function BuyPanel({ listingId, listing, name, stakePrice, remaining }: { listingId: number; listing: Address; name: string; stakePrice: bigint; remaining: bigint }) {
  const config = useConfig();
  const { address } = useConnection();
  const money = useMoney();
  const { data: deployment } = useDeployment();
  const { tokens, preferred } = useBidTokens();
  const [mode, setMode] = useState<"stakes" | "spend">("stakes");
  const [text, setText] = useState("1");
  const [tokenChoice, setTokenChoice] = useState<string>("");
  const tx = useTx();
  if (!money || !deployment) return null;

  const tokenId = tokenChoice === "" ? preferred?.tokenId ?? 0n : BigInt(tokenChoice);
  const credit = tokens.find((t) => t.tokenId === tokenId)?.credit ?? 0n;
  let count = 0n;
  let inputError: string | undefined;
  try {
    if (mode === "stakes") {
      if (!/^\s*\d+\s*$/.test(text)) throw new Error("write a whole number of stakes");
      count = BigInt(text.trim());
    } else {
      // What the wallet spends, plus the token's credit, buys whole stakes.
      count = (money.parse(text) + credit) / stakePrice;
    }
    if (count <= 0n) throw new Error(mode === "stakes" ? "buy at least one stake" : `that buys no stake: one costs ${money.format(stakePrice)}`);
    if (count > remaining) throw new Error(`only ${formatCount(remaining)} stakes remain`);
  } catch (error) {
    inputError = (error as Error).message;
  }
  const preview = costOf(count, stakePrice, credit);

  const buy = () =>
    tx.run(
      "Buying",
      (progress) =>
        buyStakes(
          config,
          { listing, account: address!, tokenId, count, paymentToken: deployment.paymentToken.address, permit: deployment.paymentToken.permit },
          (s) => progress(STEP_TEXT[s]),
        ),
      // The one message after a purchase: the stake numbers bought and the token holding them.
      (b: Bought) => `Bought stakes #${formatCount(b.firstStake)} to #${formatCount(b.firstStake + b.count - 1n)} (bid token #${b.tokenId}).`,
    );

  return (
    <section className="panel buy" aria-labelledby="buy-title">
      <h2 id="buy-title">Buy stakes</h2>
      <div className="segmented" role="radiogroup" aria-label="Buy by">
        <label><input type="radio" name="mode" checked={mode === "stakes"} onChange={() => (setMode("stakes"), setText("1"))} /> Stakes</label>
        <label><input type="radio" name="mode" checked={mode === "spend"} onChange={() => (setMode("spend"), setText(""))} /> Spend {money.symbol}</label>
      </div>
      <label className="field">
        <span>{mode === "stakes" ? "Number of stakes" : `Amount (${money.symbol})`}</span>
        <input data-testid="buy-amount" inputMode={mode === "stakes" ? "numeric" : "decimal"} value={text} onChange={(e) => setText(e.target.value)} aria-invalid={!!inputError} aria-describedby="buy-preview" />
      </label>
      {tokens.length > 0 && (
        <label className="field">
          <span>Bid token</span>
          <select value={tokenChoice} onChange={(e) => setTokenChoice(e.target.value)}>
            <option value="">#{preferred?.tokenId.toString()} (credit {money.format(preferred?.credit ?? 0n)})</option>
            {tokens.filter((t) => t.tokenId !== preferred?.tokenId).map((t) => <option key={t.tokenId} value={t.tokenId.toString()}>#{t.tokenId.toString()} (credit {money.format(t.credit)})</option>)}
            <option value="0">A new bid token</option>
          </select>
        </label>
      )}
      <dl id="buy-preview" className="preview" aria-live="polite">
        {inputError ? <p className="input-error">{inputError}</p> : (
          <>
            <div><dt>{formatCount(count)} stake{count === 1n ? "" : "s"} × {money.format(stakePrice)}</dt><dd data-testid="cost">{money.format(preview.cost)}</dd></div>
            <div><dt>Credit used{tokenId > 0n ? ` (token #${tokenId})` : ""}</dt><dd data-testid="credit-used">{money.format(preview.creditUsed)}</dd></div>
            <div className="total"><dt>Your wallet pays</dt><dd data-testid="wallet-pays">{money.format(preview.walletPays)}</dd></div>
          </>
        )}
      </dl>
      <div className="actions">
        {address ? (
          <button type="button" className="primary" data-testid="buy" disabled={!!inputError || tx.busy} onClick={buy}>
            Buy {formatCount(count)} stake{count === 1n ? "" : "s"}
          </button>
        ) : <p>Connect a wallet to buy.</p>}
        <button type="button" disabled={!!inputError} onClick={() => cart.add({ listingId, address: listing, name, count: Number(count) })}>Add to cart</button>
      </div>
      {deployment.paymentToken.permit && <p className="hint">{money.symbol} takes permits: a first purchase is one signature and one transaction.</p>}
      <TxStatus state={tx} doneTestId="bought" />
    </section>
  );
}
