/** One wagmi config: the chain, its transport, and the connectors (EIP-6963 discovery plus, locally, the node's accounts). */
import { createConfig, http } from "wagmi";
import { defineChain } from "viem";
import type { RuntimeConfig } from "./config";
import { LOCAL_CHAIN_ID, localWalletConnector } from "./localWallet";
import type { LocalWallet } from "./localWallet";

export function createWagmiConfig(runtime: RuntimeConfig, localWallet?: LocalWallet) {
  const chain = defineChain({
    id: runtime.chainId,
    name: runtime.chainName,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [runtime.rpcUrl] } },
  });
  return createConfig({
    chains: [chain],
    transports: { [chain.id]: http(runtime.rpcUrl, { batch: { wait: 10 } }) },
    // Wallets announce themselves by EIP-6963 (wagmi's multiInjectedProviderDiscovery); the local wallet only exists
    // on the local chain.
    connectors: localWallet && runtime.chainId === LOCAL_CHAIN_ID ? [localWalletConnector(localWallet)] : [],
    multiInjectedProviderDiscovery: true,
    pollingInterval: 1_000,
  });
}

declare module "wagmi" {
  interface Register {
    config: ReturnType<typeof createWagmiConfig>;
  }
}
