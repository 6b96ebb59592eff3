/**
 * Runs the catalog indexer (`ponder start` in indexer/) as a child process in its own process group: on a free port,
 * against a given node and Ignition deployment, on PGlite (a directory) or PostgreSQL (DATABASE_URL + schema).
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateAbis } from "../../indexer/generate-abis.js";
import { freePort, stopNode } from "./node.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const READY_TIMEOUT_MS = 240_000;

export interface IndexerOptions {
  rpcUrl: string;
  /** Ignition deployment id under deploy/deployments (or a folder). */
  deployment: string;
  port?: number;
  /** PGlite's data directory (ignored when databaseUrl is set). */
  pgliteDir?: string;
  databaseUrl?: string;
  /** The database schema Ponder writes to (distinct per instance on one PostgreSQL database). */
  schema?: string;
  onOutput?: (chunk: string) => void;
}

export interface Indexer {
  url: string;
  process: ChildProcess;
  /** Resolves once the indexer has indexed block `n` (GET /status), or throws after the deadline. */
  waitForBlock(n: bigint | number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
  log(): string;
}

export async function startIndexer(options: IndexerOptions): Promise<Indexer> {
  generateAbis();
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PONDER_TELEMETRY_DISABLED: "true",
    COPURCHASE_RPC_URL: options.rpcUrl,
    COPURCHASE_DEPLOYMENT: options.deployment,
    FORCE_COLOR: "0",
  };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  else delete env.DATABASE_URL;
  if (options.pgliteDir) env.PGLITE_DIR = options.pgliteDir;
  const child = spawn(
    path.join(root, "node_modules", ".bin", "ponder"),
    ["start", "--root", path.join(root, "indexer"), "--schema", options.schema ?? "copurchase", "--port", String(port), "--hostname", "127.0.0.1", "--log-level", "warn"],
    { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const collect = (d: Buffer) => {
    output = (output + d).slice(-20_000);
    options.onOutput?.(String(d));
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = () => child.exitCode !== null || child.signalCode !== null;

  async function indexedBlock(): Promise<bigint | undefined> {
    try {
      const r = await fetch(`${url}/status`, { signal: AbortSignal.timeout(2_000) });
      if (!r.ok) return undefined;
      const body = (await r.json()) as Record<string, { block?: { number: number } }>;
      const chain = Object.values(body)[0];
      return chain?.block ? BigInt(chain.block.number) : undefined;
    } catch {
      return undefined;
    }
  }

  const indexer: Indexer = {
    url,
    process: child,
    log: () => output,
    async waitForBlock(n, timeoutMs = READY_TIMEOUT_MS) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (exited()) throw new Error(`the indexer exited (${child.exitCode ?? child.signalCode}):\n${output.slice(-4_000)}`);
        const at = await indexedBlock();
        if (at !== undefined && at >= BigInt(n)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`the indexer did not reach block ${n} within ${timeoutMs / 1000}s:\n${output.slice(-4_000)}`);
    },
    stop: () => stopNode(child),
  };
  return indexer;
}

/**
 * Deploys the LocalCopurchase module on the node at `rpcUrl` with Ignition, as deployment `id` (written to
 * deploy/deployments/<id>). In-process through Hardhat's runtime: the `ignition deploy` CLI would first rebuild the
 * contracts with its production profile, which then makes `hardhat test` rebuild them again.
 */
export async function deployLocal(rpcUrl: string, id: string): Promise<void> {
  const { network } = await import("hardhat");
  const { default: LocalCopurchase } = await import("../../deploy/modules/LocalCopurchase.js");
  const connection = await network.create({ network: "localhost", override: { url: rpcUrl } });
  try {
    await connection.ignition.deploy(LocalCopurchase, { deploymentId: id });
  } finally {
    await connection.close();
  }
}
