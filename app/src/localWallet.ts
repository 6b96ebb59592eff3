/**
 * The "local wallet" (chain 31337 only): an EIP-1193 provider over the Hardhat node's unlocked accounts, so that a
 * newcomer can click through without an extension. Every request goes to the node, which signs (eth_sendTransaction,
 * eth_signTypedData_v4) with the account picked here; no private key ever reaches the page. wagmi sees it as one more
 * injected wallet.
 */
import { injected } from "wagmi";
import type { Address, EIP1193Provider } from "viem";

export const LOCAL_CHAIN_ID = 31337;
const PICKED_KEY = "copurchase.localAccount";
/** Set when the person connects the local wallet, so the page never connects it on its own. */
const CONNECTED_KEY = "copurchase.localConnected";

type Listener = (...args: unknown[]) => void;

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: Date.now(), method, params }),
  });
  const body = await response.json();
  if (body.error) throw Object.assign(new Error(body.error.message), { code: body.error.code, data: body.error.data });
  return body.result;
}

/** The node's unlocked accounts (Hardhat's 20 test accounts), or none on any other node. */
export async function nodeAccounts(rpcUrl: string): Promise<Address[]> {
  try {
    return (await rpc(rpcUrl, "eth_accounts")) as Address[];
  } catch {
    return [];
  }
}

export function pickedLocalAccount(): Address | undefined {
  return (localStorage.getItem(PICKED_KEY) as Address | null) ?? undefined;
}

export interface LocalWallet {
  provider: EIP1193Provider;
  /** Makes `account` the wallet's account (the page then reconnects or follows `accountsChanged`). */
  pick(account: Address): void;
}

export function createLocalWallet(rpcUrl: string, accounts: Address[]): LocalWallet {
  const listeners = new Map<string, Set<Listener>>();
  const emit = (event: string, ...args: unknown[]) => listeners.get(event)?.forEach((l) => l(...args));
  const current = () => {
    const picked = pickedLocalAccount();
    return picked && accounts.some((a) => a.toLowerCase() === picked.toLowerCase()) ? picked : accounts[0];
  };
  const provider = {
    async request({ method, params }: { method: string; params?: unknown[] }) {
      switch (method) {
        case "eth_requestAccounts":
          localStorage.setItem(CONNECTED_KEY, "1");
          return current() ? [current()] : [];
        case "eth_accounts":
          return localStorage.getItem(CONNECTED_KEY) && current() ? [current()] : [];
        case "wallet_requestPermissions":
        case "wallet_getPermissions":
          return [{ parentCapability: "eth_accounts" }];
        case "wallet_revokePermissions":
          localStorage.removeItem(CONNECTED_KEY);
          return null;
        case "wallet_switchEthereumChain":
          return null;
        default:
          return rpc(rpcUrl, method, params ?? []);
      }
    },
    on(event: string, listener: Listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
    },
    removeListener(event: string, listener: Listener) {
      listeners.get(event)?.delete(listener);
    },
  } as unknown as EIP1193Provider;
  return {
    provider,
    pick(account) {
      localStorage.setItem(PICKED_KEY, account);
      emit("accountsChanged", [account]);
    },
  };
}

/** The wagmi connector for the local wallet. */
export function localWalletConnector(wallet: LocalWallet) {
  return injected({ target: { id: "localWallet", name: "Local wallet (node accounts)", provider: wallet.provider }, shimDisconnect: true });
}
