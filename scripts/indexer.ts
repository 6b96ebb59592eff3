/**
 * npm run indexer: the catalog indexer and API against an already-running local node (default
 * http://127.0.0.1:8545, deployment chain-31337; set COPURCHASE_RPC_URL / COPURCHASE_DEPLOYMENT / DATABASE_URL /
 * PORT to change them). Stops on Ctrl-C.
 */
import { startIndexer } from "./lib/indexer.js";

const indexer = await startIndexer({
  rpcUrl: process.env.COPURCHASE_RPC_URL ?? "http://127.0.0.1:8545",
  deployment: process.env.COPURCHASE_DEPLOYMENT ?? "chain-31337",
  port: Number(process.env.PORT ?? 42069),
  databaseUrl: process.env.DATABASE_URL,
  onOutput: (chunk) => process.stdout.write(chunk),
});
console.log(`catalog indexer starting at ${indexer.url} (first answers after ~30 s on a fresh database)`);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void indexer.stop().then(() => process.exit(0)));
indexer.process.on("exit", (code) => process.exit(code ?? 1));
