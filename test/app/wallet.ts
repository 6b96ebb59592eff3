/// <reference lib="dom" />
/**
 * The wallet in browser tests: a real EIP-1193 provider injected into every page and announced by EIP-6963, which
 * signs with a test key in the test process (viem local accounts: transactions, EIP-712 typed data, messages) and
 * forwards reads to the node. Nothing is mocked on the page's side: it discovers and uses this wallet exactly as it
 * would use MetaMask. `batch: true` makes it speak EIP-5792 (`wallet_getCapabilities`, `wallet_sendCalls` executed one call after another
 * in order, `wallet_getCallsStatus`).
 */
import { createPublicClient, createWalletClient, http, numberToHex } from "viem";
import type { Address, Hex, PrivateKeyAccount, TypedDataDefinition } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { BrowserContext } from "playwright-core";

/** Runs in the page: the provider object, its events, and the EIP-6963 announcement. */
const INJECTED = `(() => {
  const listeners = {};
  const provider = {
    isTestWallet: true,
    async request({ method, params }) {
      const answer = await window.__testWallet(method, params === undefined ? [] : params);
      if (answer.error) throw Object.assign(new Error(answer.error.message), answer.error);
      return answer.result;
    },
    on(event, fn) { (listeners[event] ||= new Set()).add(fn); },
    removeListener(event, fn) { listeners[event]?.delete(fn); },
  };
  window.__testWalletEmit = (event, data) => listeners[event]?.forEach((fn) => fn(data));
  const info = Object.freeze({ uuid: "8c3b3a8e-6f1e-4b2a-9d55-0c2f6a1b7e01", name: "Test Wallet", rdns: "test.copurchase.wallet",
    icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'%3E%3Crect width='10' height='10' fill='%230b6e4f'/%3E%3C/svg%3E" });
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
})();`;

interface RpcError {
  code: number;
  message: string;
  data?: unknown;
}

/** uint/int fields of typed data arrive as strings or numbers in JSON; viem hashes them as bigints. */
function typedDataFromJson(json: string): TypedDataDefinition {
  const parsed = JSON.parse(json) as { domain: Record<string, unknown>; types: Record<string, { name: string; type: string }[]>; primaryType: string; message: Record<string, unknown> };
  const { EIP712Domain: _domain, ...types } = parsed.types;
  const convert = (type: string, value: unknown): unknown => {
    if (types[type]) {
      const out: Record<string, unknown> = {};
      for (const field of types[type]) out[field.name] = convert(field.type, (value as Record<string, unknown>)[field.name]);
      return out;
    }
    if (/^u?int\d*$/.test(type)) return BigInt(value as string);
    return value;
  };
  const domain = { ...parsed.domain };
  if (domain.chainId !== undefined) domain.chainId = Number(domain.chainId);
  return { domain, types, primaryType: parsed.primaryType, message: convert(parsed.primaryType, parsed.message) } as unknown as TypedDataDefinition;
}

export class TestWallet {
  private accounts: PrivateKeyAccount[];
  private current = 0;
  private contexts: BrowserContext[] = [];
  /** Like a real wallet, accounts are shown to the site only after the person connected (eth_requestAccounts). */
  private authorized = false;
  readonly publicClient;
  /** Every request the page made, in order (a test may assert e.g. that a permit was signed). */
  readonly log: { method: string; params: unknown[] }[] = [];
  /** Whether the wallet answers EIP-5792 calls; otherwise `wallet_getCapabilities` is refused like in most wallets. */
  batch = false;
  /** Every EIP-5792 batch the page sent: its calls and the transactions that executed them, in order. */
  readonly batches: { id: Hex; calls: { to: Address; data?: Hex; value?: Hex }[]; hashes: Hex[] }[] = [];

  constructor(private rpcUrl: string, private chainId: number, keys: Hex[]) {
    this.accounts = keys.map((k) => privateKeyToAccount(k));
    this.publicClient = createPublicClient({ transport: http(rpcUrl) });
  }

  get address(): Address {
    return this.accounts[this.current].address;
  }

  /** Switches to another of the wallet's accounts, as a person would in the extension (pages get accountsChanged). */
  async use(address: Address) {
    const index = this.accounts.findIndex((a) => a.address.toLowerCase() === address.toLowerCase());
    if (index < 0) throw new Error(`the test wallet has no key for ${address}`);
    this.current = index;
    for (const context of this.contexts) {
      for (const page of context.pages()) await page.evaluate((a) => (window as unknown as { __testWalletEmit(e: string, d: unknown): void }).__testWalletEmit("accountsChanged", [a]), this.address);
    }
  }

  async install(context: BrowserContext) {
    this.contexts.push(context);
    await context.exposeFunction("__testWallet", async (method: string, params: unknown[]) => {
      this.log.push({ method, params });
      try {
        return { result: await this.handle(method, params) };
      } catch (error) {
        const e = error as { code?: number; message?: string; shortMessage?: string; data?: unknown; cause?: { data?: unknown; code?: number } };
        const rpc: RpcError = { code: e.code ?? e.cause?.code ?? -32603, message: e.shortMessage ?? e.message ?? String(error), data: e.data ?? e.cause?.data };
        return { error: rpc };
      }
    });
    await context.addInitScript({ content: INJECTED });
  }

  private async handle(method: string, params: unknown[]): Promise<unknown> {
    const account = this.accounts[this.current];
    const wallet = createWalletClient({ account, transport: http(this.rpcUrl) });
    switch (method) {
      case "eth_requestAccounts":
        this.authorized = true;
        return [account.address];
      case "eth_accounts":
        return this.authorized ? [account.address] : [];
      case "eth_chainId":
        return numberToHex(this.chainId);
      case "wallet_requestPermissions":
      case "wallet_getPermissions":
        return [{ parentCapability: "eth_accounts" }];
      case "wallet_revokePermissions":
        this.authorized = false;
        return null;
      case "wallet_switchEthereumChain":
        if (Number((params[0] as { chainId: string }).chainId) !== this.chainId) throw Object.assign(new Error("unknown chain"), { code: 4902 });
        return null;
      case "eth_sendTransaction": {
        const tx = params[0] as { to?: Address; data?: Hex; value?: Hex; gas?: Hex };
        return wallet.sendTransaction({ chain: null, to: tx.to, data: tx.data, value: tx.value ? BigInt(tx.value) : undefined, gas: tx.gas ? BigInt(tx.gas) : undefined });
      }
      case "eth_signTypedData_v4":
        return account.signTypedData(typedDataFromJson(params[1] as string));
      case "personal_sign":
        return account.signMessage({ message: { raw: params[0] as Hex } });
      case "wallet_getCapabilities":
        if (!this.batch) throw Object.assign(new Error("the method wallet_getCapabilities is not supported"), { code: 4200 });
        // Honest about what it does: calls are sent one after another, not atomically.
        return { [numberToHex(this.chainId)]: { atomic: { status: "unsupported" } } };
      case "wallet_sendCalls": {
        if (!this.batch) throw Object.assign(new Error("the method wallet_sendCalls is not supported"), { code: 4200 });
        const request = params[0] as { chainId?: Hex; from?: Address; atomicRequired?: boolean; calls: { to: Address; data?: Hex; value?: Hex }[] };
        if (request.atomicRequired) throw Object.assign(new Error("this wallet cannot execute a batch atomically"), { code: 5760 });
        if (request.chainId !== undefined && Number(request.chainId) !== this.chainId) throw Object.assign(new Error("unsupported chain"), { code: 5710 });
        if (request.from && request.from.toLowerCase() !== account.address.toLowerCase()) throw Object.assign(new Error("unknown account"), { code: 4100 });
        const batch = { id: `0x${(this.batches.length + 1).toString(16).padStart(64, "0")}` as Hex, calls: request.calls, hashes: [] as Hex[] };
        // In order, each mined before the next is sent, like a wallet without atomic batching: a call that reverts is
        // still sent and mined (its receipt says reverted) and does not undo the others.
        for (const call of request.calls) {
          const tx = { chain: null, to: call.to, data: call.data, value: call.value ? BigInt(call.value) : undefined };
          const gas = await this.publicClient.estimateGas({ account: account.address, ...tx }).catch(() => 1_000_000n);
          const hash = await wallet.sendTransaction({ ...tx, gas });
          await this.publicClient.waitForTransactionReceipt({ hash });
          batch.hashes.push(hash);
        }
        this.batches.push(batch);
        return { id: batch.id };
      }
      case "wallet_getCallsStatus": {
        const batch = this.batches.find((b) => b.id === params[0]);
        if (!batch) throw Object.assign(new Error("unknown bundle id"), { code: 5730 });
        const receipts = await Promise.all(batch.hashes.map((hash) => this.publicClient.request({ method: "eth_getTransactionReceipt", params: [hash] })));
        const reverted = receipts.filter((r) => r?.status !== "0x1").length;
        // EIP-5792: 200 confirmed, 500 every call reverted, 600 some reverted.
        const status = reverted === 0 ? 200 : reverted === receipts.length ? 500 : 600;
        return { version: "2.0.0", id: batch.id, chainId: numberToHex(this.chainId), atomic: false, status, receipts };
      }
      default:
        return this.publicClient.request({ method: method as never, params: params as never });
    }
  }
}
