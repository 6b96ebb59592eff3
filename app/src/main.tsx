import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { WagmiProvider } from "wagmi";
import { App } from "./App";
import { loadRuntimeConfig } from "./config";
import { createApi } from "./lib/api";
import { RuntimeContext } from "./hooks/useRuntime";
import { createLocalWallet, LOCAL_CHAIN_ID, nodeAccounts } from "./localWallet";
import { createWagmiConfig } from "./wagmi";
import "./styles.css";

const runtime = await loadRuntimeConfig();
const localAccounts = runtime.chainId === LOCAL_CHAIN_ID ? await nodeAccounts(runtime.rpcUrl) : [];
const localWallet = localAccounts.length > 0 ? createLocalWallet(runtime.rpcUrl, localAccounts) : undefined;
const config = createWagmiConfig(runtime, localWallet);
const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: 2_000, retry: 1, refetchOnWindowFocus: false } } });
const api = createApi(runtime.apiUrl);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <WagmiProvider config={config}>
      <QueryClientProvider client={queryClient}>
        <RuntimeContext.Provider value={{ runtime, api, localWallet, localAccounts }}>
          <App />
        </RuntimeContext.Provider>
      </QueryClientProvider>
    </WagmiProvider>
  </StrictMode>,
);
