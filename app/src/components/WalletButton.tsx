import { useState } from "react";
import { useConnect, useConnection, useConnectors, useDisconnect } from "wagmi";
import type { Address } from "viem";
import { shortAddress } from "../../../core/format";
import { useRuntime } from "../hooks/useRuntime";
import { pickedLocalAccount } from "../localWallet";

/**
 * Connect: every wallet that announced itself (EIP-6963) plus, on the local chain, the node's accounts ("local
 * wallet"), so a newcomer can try the page without an extension.
 */
export function WalletButton() {
  const { address, connector, isConnected } = useConnection();
  const [open, setOpen] = useState(false);
  const { disconnect } = useDisconnect();
  if (isConnected && address) {
    return (
      <div className="wallet">
        <span className="wallet-address" data-testid="connected-address" title={address}>{shortAddress(address)}</span>
        {connector?.id === "localWallet" && <LocalAccountPicker />}
        <button type="button" className="link" onClick={() => disconnect()}>Disconnect</button>
      </div>
    );
  }
  return (
    <div className="wallet">
      <button type="button" aria-expanded={open} aria-controls="wallet-menu" onClick={() => setOpen(!open)}>Connect wallet</button>
      {open && <WalletMenu onDone={() => setOpen(false)} />}
    </div>
  );
}

function WalletMenu({ onDone }: { onDone: () => void }) {
  const connectors = useConnectors();
  const { connect, error, isPending } = useConnect();
  const { localAccounts } = useRuntime();
  return (
    <div id="wallet-menu" className="menu" role="menu" onKeyDown={(e) => e.key === "Escape" && onDone()}>
      {connectors.length === 0 && <p>No wallet found: install a browser wallet (MetaMask, Rabby, Coinbase…).</p>}
      {connectors.map((c) => (
        <button
          key={c.uid}
          type="button"
          role="menuitem"
          disabled={isPending}
          onClick={() => connect({ connector: c }, { onSuccess: onDone })}
        >
          {c.icon && <img src={c.icon} alt="" width={20} height={20} />} {c.name}
          {c.id === "localWallet" && ` — ${localAccounts.length} accounts`}
        </button>
      ))}
      {error && <p className="tx tx-error" role="alert">{error.message.split("\n")[0]}</p>}
    </div>
  );
}

/** The local wallet's account switcher (Hardhat's unlocked accounts; #0 deploys, #1 sells in the demo). */
function LocalAccountPicker() {
  const { localAccounts, localWallet } = useRuntime();
  const picked = pickedLocalAccount() ?? localAccounts[0];
  return (
    <label className="local-picker">
      <span className="visually-hidden">Local account</span>
      <select value={picked} onChange={(e) => localWallet?.pick(e.target.value as Address)}>
        {localAccounts.map((a, i) => <option key={a} value={a}>#{i} {shortAddress(a)}</option>)}
      </select>
    </label>
  );
}
