/**
 * The local catalog stack in one call: a Hardhat node on a free port, the system deployed by Ignition, the sample
 * assets listed (optional), the indexer with its API, and the buyer's web page (built once, served with the stack's
 * ports in its config.json). `stop()` ends every process it started.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readDeployment, type Deployment } from "../../core/deployment.js";
import { connectChain, type Chain } from "./chain.js";
import { deployLocal, startIndexer, type Indexer } from "./indexer.js";
import { freePort, startNode, stopNode } from "./node.js";
import { buildPage, servePage } from "./page.js";
import { seedCatalog, type Seeded } from "./seed.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface StackOptions {
  /** List the sample assets (default true). */
  seed?: boolean;
  /** Start the indexer (default true). */
  indexer?: boolean;
  /** PostgreSQL instead of PGlite (a schema of its own per stack). */
  databaseUrl?: string;
  /** Build and serve the web page (default true). */
  page?: boolean;
  log?: (line: string) => void;
}

export interface Stack {
  rpcUrl: string;
  /** The Ignition deployment's id (deploy/deployments/<id>), removed by `stop()`. */
  deploymentId: string;
  apiUrl: string | undefined;
  deployment: Deployment;
  chain: Chain;
  seeded: Seeded[];
  indexer: Indexer | undefined;
  /** The web page, e.g. http://127.0.0.1:41234/ (undefined with `page: false`). */
  pageUrl: string | undefined;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const log = options.log ?? (() => {});
  const port = await freePort();
  const rpcUrl = `http://127.0.0.1:${port}`;
  const id = `stack-${port}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), "copurchase-stack-"));
  const node = await startNode(port, () => {});
  let indexer: Indexer | undefined;
  let page: { url: string; close(): Promise<void> } | undefined;
  const stop = async () => {
    await page?.close();
    await indexer?.stop();
    await stopNode(node);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(path.join(root, "deploy", "deployments", id), { recursive: true, force: true });
  };
  try {
    log(`node      ${rpcUrl}`);
    await deployLocal(rpcUrl, id);
    const deployment = await readDeployment(path.join(root, "deploy", "deployments", id));
    log(`deployed  Marketplace ${deployment.marketplace} (block ${deployment.startBlock}, deployment ${id})`);
    const chain = await connectChain(rpcUrl, deployment);
    const seeded = options.seed === false ? [] : await seedCatalog(chain, (line) => log(`seed      ${line}`));
    if (options.indexer !== false) {
      indexer = await startIndexer({
        rpcUrl,
        deployment: id,
        pgliteDir: path.join(dataDir, "pglite"),
        databaseUrl: options.databaseUrl,
        schema: options.databaseUrl ? `stack_${port}` : "copurchase",
      });
      await indexer.waitForBlock(await chain.client.getBlockNumber());
      log(`indexer   ${indexer.url} (catalog: ${indexer.url}/catalog)`);
    }
    if (options.page !== false) {
      await buildPage(log);
      page = await servePage(await freePort(), {
        chainId: deployment.chainId,
        rpcUrl,
        apiUrl: indexer?.url ?? "",
        chainName: "Local chain",
        marketplace: deployment.marketplace,
      });
      log(`page      ${page.url}`);
    }
    return { rpcUrl, deploymentId: id, apiUrl: indexer?.url, deployment, chain, seeded, indexer, pageUrl: page?.url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
