/**
 * npm run stack: a local node, the system deployed, the sample assets listed, the catalog indexer and the buyer's
 * web page running; prints the URLs and stops everything on Ctrl-C. DATABASE_URL=postgres://… indexes into PostgreSQL instead.
 */
import { startStack } from "./lib/stack.js";

const stack = await startStack({ databaseUrl: process.env.DATABASE_URL, log: (line) => console.log(line) });
console.log(`\nWeb page     ${stack.pageUrl}   (no extension? "Connect wallet" → "Local wallet" uses the node's accounts)`);
console.log(`Catalog API  ${stack.apiUrl}/catalog   (GraphQL ${stack.apiUrl}/graphql, live ${stack.apiUrl}/events)`);
console.log(`JSON-RPC     ${stack.rpcUrl}   (chain ${stack.deployment.chainId}, deployment ${stack.deployment.id})`);
console.log("Ctrl-C stops everything.");
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping…");
    void stack.stop().then(() => process.exit(0));
  });
}
