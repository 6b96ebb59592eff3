/**
 * A viem handle on a local node's unlocked accounts and the deployed contracts (for the catalog's seeding, stack,
 * tests and benchmark, which run outside Hardhat's runtime). Transactions are sent as the node's own accounts.
 */
import { createPublicClient, createWalletClient, http, parseEventLogs, type Abi, type Address, type Hash } from "viem";
import type { Deployment } from "../../core/deployment.js";
import { generateAbis } from "../../indexer/generate-abis.js";

export async function connectChain(rpcUrl: string, deployment: Deployment) {
  generateAbis();
  const abis = await import("../../indexer/abis.js");
  const transport = http(rpcUrl, { batch: false, retryCount: 0, timeout: 60_000 });
  const client = createPublicClient({ transport, pollingInterval: 50 });
  const accounts = (await client.request({ method: "eth_accounts" })) as Address[];
  const wallet = createWalletClient({ transport });
  const modules = await client.readContract({ address: deployment.marketplace, abi: abis.MarketplaceAbi, functionName: "modules" });
  const usdc = await client.readContract({ address: deployment.marketplace, abi: abis.MarketplaceAbi, functionName: "paymentToken" });

  /** Sends a contract call from `from` and waits for its receipt; throws if it reverted. */
  async function send(from: Address, address: Address, abi: Abi, functionName: string, args: unknown[] = []) {
    const hash: Hash = await wallet.writeContract({ account: from, chain: null, address, abi, functionName, args } as never);
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    if (receipt.status !== "success") throw new Error(`${functionName} reverted (${hash})`);
    return receipt;
  }
  /** The decoded events of `abi` named `name` in a receipt. */
  const events = (receipt: { logs: never[] }, abi: Abi, name: string) =>
    parseEventLogs({ abi, logs: receipt.logs, eventName: name }) as unknown as { address: Address; args: Record<string, never> }[];

  return { marketplace: deployment.marketplace, client, wallet, accounts, abis, modules, usdc, send, events, rpc: (method: string, params: unknown[] = []) => client.request({ method, params } as never) };
}
export type Chain = Awaited<ReturnType<typeof connectChain>>;
