/** Where the page runs: the runtime config, the catalog API client and (locally) the node's accounts. */
import { createContext, useContext } from "react";
import type { Address } from "viem";
import type { RuntimeConfig } from "../config";
import type { Api } from "../lib/api";
import type { LocalWallet } from "../localWallet";

export interface Runtime {
  runtime: RuntimeConfig;
  api: Api;
  localWallet?: LocalWallet;
  localAccounts: Address[];
}

export const RuntimeContext = createContext<Runtime | null>(null);

export function useRuntime(): Runtime {
  const value = useContext(RuntimeContext);
  if (!value) throw new Error("useRuntime outside RuntimeContext");
  return value;
}
