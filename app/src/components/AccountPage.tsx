import { useState } from "react";
import { useConfig, useConnection } from "wagmi";
import { parseEventLogs } from "viem";
import type { Address } from "viem";
import { readContract, waitForTransactionReceipt, writeContract } from "wagmi/actions";
import type { Config } from "wagmi";
import { REFUND_MODES } from "../../../core/enums";
import { formatCount, formatDuration, formatTime, plural, spaced } from "../../../core/format";
import { ABI } from "../lib/abis";
import type { Position } from "../lib/api";
import { useAccountView } from "../hooks/useCatalog";
import { useDeployment, useMoney } from "../hooks/useDeployment";
import type { Money } from "../hooks/useDeployment";
import { useChainNow } from "../hooks/useLive";
import { useMembership } from "../hooks/useMembership";
import { useOwed } from "../hooks/useOrder";
import { hrefListing } from "../hooks/useRoute";
import { useTx } from "../hooks/useTx";
import { STATUS_LABEL } from "./StatusBadge";
import { TxStatus } from "./TxStatus";

/** Sends one contract call from the connected wallet and waits for its block. */
async function send(config: Config, account: Address, call: { address: Address; abi: readonly unknown[]; functionName: string; args: readonly unknown[] }, progress: (p: string) => void) {
  progress("Confirm in your wallet…");
  const hash = await writeContract(config, { account, ...call } as never);
  progress("Waiting for the block…");
  const receipt = await waitForTransactionReceipt(config, { hash });
  if (receipt.status !== "success") throw new Error("the transaction reverted");
  return receipt;
}

/** My account: bid tokens and credit, positions and odds, refunds, cancellation, tier, rewards, orders. */
export function AccountPage() {
  const { address } = useConnection();
  const account = useAccountView(address);
  const money = useMoney();
  if (!address) return <section className="account"><h1>My account</h1><p>Connect a wallet to see your stakes, refunds and orders.</p></section>;
  if (account.error) return <p className="tx tx-error" role="alert">{(account.error as Error).message}</p>;
  if (!account.data || !money) return <p className="loading">Loading your account…</p>;
  const a = account.data;
  return (
    <section className="account" data-testid="account-page">
      <h1>My account</h1>
      <div className="account-grid">
        <BidTokens tokens={a.tokens} money={money} />
        <Membership money={money} tokenId={a.tokens[0]?.tokenId} />
        <Orders orders={a.orders} money={money} />
        <Positions positions={a.positions} money={money} />
      </div>
    </section>
  );
}

function BidTokens({ tokens, money }: { tokens: { tokenId: string; credit: string; positions: number }[]; money: Money }) {
  const config = useConfig();
  const { address } = useConnection();
  const { data: deployment } = useDeployment();
  const [amount, setAmount] = useState("");
  const [tokenId, setTokenId] = useState("");
  const tx = useTx();
  const target = tokenId || tokens[0]?.tokenId;
  const topUp = () =>
    tx.run("Topping up", async (progress) => {
      const units = money.parse(amount);
      const bidToken = deployment!.bidToken;
      const allowance = (await readContract(config, { address: deployment!.paymentToken.address, abi: ABI.erc20, functionName: "allowance", args: [address!, bidToken] })) as bigint;
      if (allowance < units) await send(config, address!, { address: deployment!.paymentToken.address, abi: ABI.erc20, functionName: "approve", args: [bidToken, units] }, (p) => progress(`Approving ${money.format(units)}: ${p}`));
      await send(config, address!, { address: bidToken, abi: ABI.bidToken, functionName: "topUp", args: [BigInt(target!), units] }, progress);
      return units;
    }, (units) => `Added ${money.format(units)} of credit to bid token #${target}.`);
  return (
    <section className="panel" aria-labelledby="tokens-title" data-testid="bid-tokens">
      <h2 id="tokens-title">Bid tokens</h2>
      {tokens.length === 0 ? <p>You have no bid token yet: your first purchase issues one.</p> : (
        <table>
          <thead><tr><th>Token</th><th>Credit</th><th>Positions</th></tr></thead>
          <tbody>{tokens.map((t) => <tr key={t.tokenId} data-token-id={t.tokenId}><td>#{t.tokenId}</td><td data-testid="credit">{money.format(t.credit)}</td><td>{t.positions}</td></tr>)}</tbody>
        </table>
      )}
      {tokens.length > 0 && (
        <form className="inline-form" onSubmit={(e) => (e.preventDefault(), void topUp())}>
          {tokens.length > 1 && (
            <label className="field"><span>Token</span>
              <select value={target} onChange={(e) => setTokenId(e.target.value)}>{tokens.map((t) => <option key={t.tokenId} value={t.tokenId}>#{t.tokenId}</option>)}</select>
            </label>
          )}
          <label className="field"><span>Top up ({money.symbol})</span><input data-testid="top-up-amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} placeholder="25.00" /></label>
          <button type="submit" data-testid="top-up" disabled={tx.busy || !amount}>Top up</button>
        </form>
      )}
      <p className="hint">Credit is spent first on your next stakes; it is never lost, and keeping credit keeps the number.</p>
      <TxStatus state={tx} />
    </section>
  );
}

function Positions({ positions, money }: { positions: Position[]; money: Money }) {
  const config = useConfig();
  const { address } = useConnection();
  const now = useChainNow();
  const tx = useTx();
  const refundable = positions.filter((p) => BigInt(p.refundable) > 0n);
  const claim = (list: Position[]) =>
    tx.run(`Claiming ${list.length === 1 ? "the refund" : `${list.length} refunds`}`, async (progress) => {
      let total = 0n;
      for (const [i, p] of list.entries()) {
        await send(config, address!, { address: p.listingAddress, abi: ABI.listing, functionName: "claimRefund", args: [BigInt(p.tokenId)] }, (s) => progress(`${i + 1} of ${list.length} (${p.name}): ${s}`));
        total += BigInt(p.refundable);
      }
      return total;
    }, (total) => `Refunded ${money.format(total)} to your wallet.`);
  const cancel = (p: Position) =>
    tx.run(
      `Cancelling your last purchase in ${p.name || `listing #${p.listingId}`}`,
      async (progress) => {
        const receipt = await send(config, address!, { address: p.listingAddress, abi: ABI.listing, functionName: "cancelPurchase", args: [BigInt(p.latestPurchase!.index)] }, progress);
        const [event] = parseEventLogs({ abi: ABI.listing, logs: receipt.logs, eventName: "PurchaseCancelled" }) as unknown as { args: { stakes: bigint; refund: bigint; toCredit: bigint; fee: bigint } }[];
        return event.args;
      },
      // What the tier's policy did with the money, in the person's terms.
      (c) =>
        `Cancelled ${plural(c.stakes, "stake")}: ${money.format(c.refund)} refunded` +
        (c.toCredit > 0n ? ` (${money.format(c.refund - c.toCredit)} to your wallet, ${money.format(c.toCredit)} as bid-token credit)` : " to your wallet") +
        (c.fee > 0n ? `, ${money.format(c.fee)} kept as the fee.` : "."),
    );

  return (
    <section className="panel wide" aria-labelledby="positions-title" data-testid="positions">
      <h2 id="positions-title">Positions</h2>
      {positions.length === 0 ? <p>No stakes yet. Find something in the <a href="#/">catalog</a>.</p> : (
        <div className="table-scroll">
          <table className="stack-narrow">
            <thead><tr><th>Listing</th><th>Token</th><th>Stakes</th><th>Paid</th><th>Odds</th><th>Status</th><th>Action</th></tr></thead>
            <tbody>
              {positions.map((p) => {
                const canCancel = p.status === "Open" && p.latestPurchase && !p.latestPurchase.cancelled && p.latestPurchase.cancelDeadline !== null && p.latestPurchase.cancelDeadline > now;
                return (
                  <tr key={`${p.listingId}-${p.tokenId}`} data-testid="position-row" data-listing-id={p.listingId}>
                    <td data-label="Listing"><a href={hrefListing(p.listingId)}>{p.name || `Listing #${p.listingId}`}</a></td>
                    <td data-label="Token">#{p.tokenId}</td>
                    <td data-label="Stakes" data-testid="position-stakes">{formatCount(BigInt(p.stakes))}</td>
                    <td data-label="Paid">{money.format(p.paid)}</td>
                    <td data-label="Odds">{p.odds > 0 ? `1 in ${formatCount(Math.round(1 / p.odds))}` : "—"}</td>
                    <td data-label="Status">{STATUS_LABEL[p.status] ?? p.status}</td>
                    <td data-label="Action" className="row-actions">
                      {BigInt(p.refundable) > 0n && <button type="button" data-testid="claim-refund" disabled={tx.busy} onClick={() => claim([p])}>Claim {money.format(p.refundable)}</button>}
                      {canCancel && (
                        <button type="button" data-testid="cancel-purchase" disabled={tx.busy} onClick={() => cancel(p)} title={`Your tier lets you cancel until ${formatTime(p.latestPurchase!.cancelDeadline!)}`}>
                          Cancel last purchase ({plural(BigInt(p.latestPurchase!.count), "stake")}, {formatDuration(p.latestPurchase!.cancelDeadline! - now)} left)
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {refundable.length > 1 && <button type="button" data-testid="claim-all" disabled={tx.busy} onClick={() => claim(refundable)}>Claim all refunds ({money.format(refundable.reduce((s, p) => s + BigInt(p.refundable), 0n))})</button>}
      <TxStatus state={tx} />
    </section>
  );
}

function Membership({ money, tokenId }: { money: Money; tokenId?: string }) {
  const config = useConfig();
  const { address } = useConnection();
  const { data: deployment } = useDeployment();
  const m = useMembership(address);
  const tx = useTx();
  if (!m.data) return null;
  const { tier, nextTier, needs, policy, rewards } = m.data;
  return (
    <section className="panel" aria-labelledby="tier-title" data-testid="membership">
      <h2 id="tier-title">Membership</h2>
      <dl className="terms">
        <div><dt>Tier</dt><dd>#{tier.toString()}{tier === 0n ? " (default)" : ""}</dd></div>
        <div><dt>Cancel stakes within</dt><dd>{formatDuration(Number(policy.cancelWindow))}</dd></div>
        <div><dt>Refunds</dt><dd>{REFUND_MODES[Number(policy.refundMode)]}{Number(policy.refundMode) === 2 ? ` (${Number(policy.feeBps) / 100}% fee)` : ""}</dd></div>
        <div><dt>Rewards</dt><dd>{Number(policy.rewardBps) / 100}% of what you buy</dd></div>
        <div><dt>Next tier</dt><dd>{nextTier === 0n ? "you are at the top" : `#${nextTier}: needs ${needs.join(", ") || "nothing more"}`}</dd></div>
        <div><dt>Rewards to claim</dt><dd data-testid="rewards">{money.format(rewards)}</dd></div>
      </dl>
      {rewards > 0n && tokenId && (
        <button
          type="button"
          data-testid="claim-rewards"
          disabled={tx.busy}
          onClick={() =>
            tx.run(
              "Claiming rewards",
              async (p) => {
                const receipt = await send(config, address!, { address: deployment!.membership, abi: ABI.membership, functionName: "claimRewards", args: [BigInt(tokenId)] }, p);
                const [event] = parseEventLogs({ abi: ABI.membership, logs: receipt.logs, eventName: "RewardsClaimed" }) as unknown as { args: { amount: bigint } }[];
                await m.refetch();
                return event.args.amount;
              },
              (amount) => `Added ${money.format(amount)} of rewards as credit to bid token #${tokenId}.`,
            )
          }
        >
          Add rewards to token #{tokenId}
        </button>
      )}
      <TxStatus state={tx} />
    </section>
  );
}

function Orders({ orders, money }: { orders: { orderId: string; role: string; listingId: number | null; status: string; amount: string }[]; money: Money }) {
  const config = useConfig();
  const { address } = useConnection();
  const { data: deployment } = useDeployment();
  const owed = useOwed(address);
  const tx = useTx();
  const due = (owed.data as bigint | undefined) ?? 0n;
  return (
    <section className="panel" aria-labelledby="orders-title" data-testid="orders">
      <h2 id="orders-title">Orders</h2>
      {orders.length === 0 ? <p>No escrow orders.</p> : (
        <ul className="orders">
          {orders.map((o) => (
            <li key={o.orderId} data-testid="order-row">
              Order #{o.orderId} · you are the {o.role} · <span data-testid="order-row-status" data-status={o.status}>{spaced(o.status)}</span> · {money.format(o.amount)}
              {o.listingId !== null && <> · <a href={hrefListing(o.listingId)}>open</a></>}
            </li>
          ))}
        </ul>
      )}
      <p>Owed to you by the escrow: <strong data-testid="owed">{money.format(due)}</strong></p>
      {due > 0n && (
        <button type="button" data-testid="withdraw" disabled={tx.busy} onClick={() => tx.run("Withdrawing", async (p) => { await send(config, address!, { address: deployment!.escrow, abi: ABI.escrow, functionName: "withdraw", args: [address!] }, p); await owed.refetch(); return due; }, (d) => `Withdrew ${money.format(d)} to your wallet.`)}>
          Withdraw {money.format(due)}
        </button>
      )}
      <TxStatus state={tx} />
    </section>
  );
}
