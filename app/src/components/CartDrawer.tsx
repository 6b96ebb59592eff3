import { useEffect, useRef, useState } from "react";
import { useConfig, useConnection } from "wagmi";
import { stakeRange } from "../../../core/format";
import { useBidTokens } from "../hooks/useBidTokens";
import { cart, useCart } from "../hooks/useCart";
import type { CartItem } from "../hooks/useCart";
import { useDeployment, useMoney } from "../hooks/useDeployment";
import { checkout, supportsBatch } from "../lib/checkout";
import type { ItemState } from "../lib/checkout";
import { explain } from "../lib/errors";
import { hrefListing } from "../hooks/useRoute";
import { useQueryClient } from "@tanstack/react-query";

const STEP: Record<string, string> = {
  checking: "checking…",
  "signing permit": "sign the permit in your wallet…",
  approving: "approve in your wallet…",
  buying: "confirm in your wallet…",
  confirming: "waiting for the block…",
  batch: "in the batch: confirm in your wallet…",
};

/** The cart (seeds/000 FIG. 3, steps 311–323): counts per listing, save for later, checkout with progress per item. */
export function CartDrawer({ open, onClose }: { open: boolean; onClose: () => void }) {
  const items = useCart();
  const config = useConfig();
  const queryClient = useQueryClient();
  const { address } = useConnection();
  const { data: deployment } = useDeployment();
  const money = useMoney();
  const { preferred } = useBidTokens();
  const [states, setStates] = useState<Record<number, ItemState>>({});
  const [running, setRunning] = useState(false);
  const [mode, setMode] = useState<string>();
  // Names of the items checked out, for the lines that stay after a bought item leaves the cart.
  const [names, setNames] = useState<Record<number, string>>({});
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) closeRef.current?.focus();
  }, [open]);
  if (!open) return null;
  const active = items.filter((i) => !i.savedForLater);
  const saved = items.filter((i) => i.savedForLater);

  const run = async () => {
    if (!address || !deployment) return;
    setRunning(true);
    setStates(Object.fromEntries(active.map((i) => [i.listingId, { state: "waiting" } as ItemState])));
    setNames(Object.fromEntries(active.map((i) => [i.listingId, i.name || `Listing #${i.listingId}`])));
    const batch = await supportsBatch(config, address);
    setMode(batch ? "one batch (EIP-5792)" : "one purchase per listing");
    await checkout(
      config,
      active,
      { account: address, tokenId: preferred?.tokenId ?? 0n, paymentToken: deployment.paymentToken.address, permit: deployment.paymentToken.permit },
      batch,
      (listingId, state) => {
        setStates((s) => ({ ...s, [listingId]: state }));
        if (state.state === "bought") cart.remove(listingId);
      },
    );
    setRunning(false);
    void queryClient.invalidateQueries();
  };
  const done = Object.entries(states).filter(([id, s]) => s.state === "bought" && !items.some((i) => i.listingId === Number(id)));

  return (
    <>
    <div className="backdrop" aria-hidden onClick={onClose} />
    <aside className="drawer" role="dialog" aria-modal="true" aria-labelledby="cart-title" data-testid="cart" onKeyDown={(e) => keepFocusInside(e, onClose)}>
      <div className="drawer-head">
        <h2 id="cart-title">Cart</h2>
        <button ref={closeRef} type="button" className="link" onClick={onClose} aria-label="Close the cart">Close ✕</button>
      </div>
      {items.length === 0 && done.length === 0 && <p>Your cart is empty. Add listings from their page.</p>}
      <ul className="cart-items">
        {active.map((item) => <CartRow key={item.listingId} item={item} state={states[item.listingId]} disabled={running} />)}
      </ul>
      {done.length > 0 && (
        <ul className="cart-items done">
          {done.map(([id, s]) => s.state === "bought" && (
            <li key={id} data-testid="cart-item" data-listing-id={id} data-state="bought">
              <a href={hrefListing(Number(id))}>{names[Number(id)] ?? `Listing #${id}`}</a>
              <span>✓ Bought stakes {stakeRange(s.bought.firstStake, s.bought.count)} (bid token #{s.bought.tokenId.toString()})</span>
            </li>
          ))}
        </ul>
      )}
      {active.length > 0 && (
        <div className="actions">
          <button type="button" className="primary" data-testid="checkout" disabled={running || !address} onClick={run}>
            {running ? "Checking out…" : `Check out ${active.length} listing${active.length === 1 ? "" : "s"}`}
          </button>
          {!address && <p>Connect a wallet to check out.</p>}
        </div>
      )}
      {mode && <p className="hint" role="status">Paying as {mode}.</p>}
      {money && Object.values(states).some((s) => s.state === "failed") && !running && (
        <p className="tx tx-error" role="alert">Some items were not bought; the others are. See the reason next to each.</p>
      )}
      {saved.length > 0 && (
        <>
          <h3>Saved for later</h3>
          <ul className="cart-items saved">
            {saved.map((item) => (
              <li key={item.listingId} data-testid="saved-item">
                <a href={hrefListing(item.listingId)}>{item.name || `Listing #${item.listingId}`}</a> · {item.count} stakes
                <button type="button" className="link" onClick={() => cart.saveForLater(item.listingId, false)}>Move to cart</button>
                <button type="button" className="link" onClick={() => cart.remove(item.listingId)}>Remove</button>
              </li>
            ))}
          </ul>
        </>
      )}
    </aside>
    </>
  );
}

/** A modal keeps the keyboard inside: Escape closes it, Tab and Shift+Tab cycle through its controls. */
function keepFocusInside(e: React.KeyboardEvent<HTMLElement>, onClose: () => void) {
  if (e.key === "Escape") return onClose();
  if (e.key !== "Tab") return;
  const focusable = [...e.currentTarget.querySelectorAll<HTMLElement>("a[href], button:not([disabled]), input:not([disabled]), select:not([disabled])")];
  if (focusable.length === 0) return;
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  const wrapTo = e.shiftKey ? (document.activeElement === first ? last : undefined) : document.activeElement === last ? first : undefined;
  if (wrapTo) {
    e.preventDefault();
    wrapTo.focus();
  }
}

function CartRow({ item, state, disabled }: { item: CartItem; state?: ItemState; disabled: boolean }) {
  const money = useMoney();
  const fmt = money?.format ?? ((u: bigint) => u.toString());
  return (
    <li data-testid="cart-item" data-listing-id={item.listingId} data-state={state?.state ?? "idle"}>
      <a href={hrefListing(item.listingId)}>{item.name || `Listing #${item.listingId}`}</a>
      <label className="count">
        <span className="visually-hidden">Stakes for {item.name}</span>
        <input type="number" min={1} value={item.count} disabled={disabled} onChange={(e) => cart.setCount(item.listingId, Number(e.target.value))} /> stakes
      </label>
      <button type="button" className="link" disabled={disabled} onClick={() => cart.saveForLater(item.listingId, true)}>Save for later</button>
      <button type="button" className="link" disabled={disabled} onClick={() => cart.remove(item.listingId)}>Remove</button>
      {state?.state === "working" && <p className="tx tx-busy" role="status"><span className="spinner" aria-hidden /> {STEP[state.step]}</p>}
      {state?.state === "waiting" && <p className="tx">waiting…</p>}
      {state?.state === "failed" && <p className="tx tx-error" role="alert" data-testid="cart-error">Not bought: {explain(state.error, fmt)}</p>}
    </li>
  );
}
