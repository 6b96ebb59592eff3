/**
 * The one reader of Ignition deployments, shared by the tasks (scripts/lib/context.ts), the indexer
 * (indexer/ponder.config.ts) and the local stack. NODE-ONLY (reads the deployment folder from disk); the page gets
 * the same facts from the indexer's `GET /deployment`.
 *
 * Addresses come from Ignition's own status API (`status(dir)`); the start block is the block of the Marketplace's
 * deployment receipt, taken from Ignition's journal (the status API does not report blocks).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { status } from "@nomicfoundation/ignition-core";

/** Ignition module ids that deploy the system; their Marketplace future is `<module>#Marketplace`. */
export const MODULE_IDS = ["LocalCopurchase", "Copurchase"] as const;

export type Address = `0x${string}`;

export interface Deployment {
  /** The deployment folder (…/deployments/<id>). */
  dir: string;
  /** The deployment id (the folder's name), e.g. chain-31337. */
  id: string;
  /** The module that deployed the system (LocalCopurchase or Copurchase). */
  module: string;
  chainId: number;
  marketplace: Address;
  /** Every contract the module deployed, by contract name (Marketplace, BidToken, MockUSDC, …). */
  contracts: Record<string, Address>;
  /** The block that holds the Marketplace's deployment: nothing of the system happened before it. */
  startBlock: number;
}

/** A deployment folder from what a person gives: a folder, its deployed_addresses.json, or an id under `ignitionDir`. */
export function locateDeployment(given: string, ignitionDir: string): string {
  const candidates = [given, path.join(ignitionDir, "deployments", given)];
  for (const c of candidates) {
    if (!existsSync(c)) continue;
    const dir = statSync(c).isFile() ? path.dirname(c) : c;
    if (existsSync(path.join(dir, "journal.jsonl"))) return dir;
  }
  throw new Error(`no Ignition deployment at "${given}": give a deployment id under ${path.join(ignitionDir, "deployments")}, a deployment folder or its deployed_addresses.json`);
}

/** The folder Ignition uses for a chain when no deployment id is given. */
export function defaultDeploymentDir(ignitionDir: string, chainId: number | bigint): string {
  return path.join(ignitionDir, "deployments", `chain-${chainId}`);
}

/** Reads a deployment folder through Ignition's status API; throws with a sentence when it is not one of ours. */
export async function readDeployment(dir: string): Promise<Deployment> {
  let result: Awaited<ReturnType<typeof status>>;
  try {
    result = await status(dir);
  } catch (error) {
    throw new Error(`cannot read the Ignition deployment in ${dir}: ${(error as Error).message}`);
  }
  const module = MODULE_IDS.find((id) => result.contracts[`${id}#Marketplace`]);
  if (!module) throw new Error(`${dir} has no Marketplace of module ${MODULE_IDS.join(" or ")}`);
  const contracts: Record<string, Address> = {};
  for (const [futureId, info] of Object.entries(result.contracts)) {
    if (futureId.startsWith(`${module}#`)) contracts[info.contractName] = info.address as Address;
  }
  return {
    dir,
    id: path.basename(dir),
    module,
    chainId: result.chainId,
    marketplace: contracts.Marketplace,
    contracts,
    startBlock: deploymentBlock(dir, `${module}#Marketplace`),
  };
}

/** The block of a future's confirmed deployment transaction, from Ignition's journal (0 when not recorded). */
function deploymentBlock(dir: string, futureId: string): number {
  const journal = path.join(dir, "journal.jsonl");
  if (!existsSync(journal)) return 0;
  for (const line of readFileSync(journal, "utf8").split("\n")) {
    if (!line.includes(futureId) || !line.includes("TRANSACTION_CONFIRM")) continue;
    const entry = JSON.parse(line) as { futureId?: string; type?: string; receipt?: { blockNumber?: number } };
    if (entry.futureId === futureId && entry.type === "TRANSACTION_CONFIRM" && entry.receipt?.blockNumber !== undefined) {
      return entry.receipt.blockNumber;
    }
  }
  return 0;
}
