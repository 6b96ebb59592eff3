/**
 * Where the page finds the chain and the catalog API, read at start-up from `config.json` next to the page (the
 * local stack writes it with its free ports), so one build serves any deployment. `?rpc=…&api=…` in the URL wins.
 */
export interface RuntimeConfig {
  chainId: number;
  rpcUrl: string;
  apiUrl: string;
  /** The chain's name as shown in the header. */
  chainName: string;
  /** The Marketplace: with it the page finds every other contract on chain, without the indexer. */
  marketplace?: `0x${string}`;
}

export async function loadRuntimeConfig(): Promise<RuntimeConfig> {
  let file: Partial<RuntimeConfig> = {};
  try {
    const response = await fetch("./config.json", { cache: "no-store" });
    if (response.ok) file = await response.json();
  } catch {
    // no config.json: the defaults below are the local stack's usual ports
  }
  const query = new URLSearchParams(location.search);
  return {
    chainId: Number(query.get("chainId") ?? file.chainId ?? 31337),
    rpcUrl: query.get("rpc") ?? file.rpcUrl ?? "http://127.0.0.1:8545",
    apiUrl: (query.get("api") ?? file.apiUrl ?? "http://127.0.0.1:42069").replace(/\/$/, ""),
    chainName: file.chainName ?? "Local chain",
    marketplace: (query.get("marketplace") ?? file.marketplace ?? undefined) as RuntimeConfig["marketplace"],
  };
}
