/**
 * Issue 7: the draw verifier against a real JSON-RPC node, not the in-process network. The test starts
 * `npx hardhat node` on a free port, deploys LocalCopurchase there with Ignition, runs a listing to its draw through
 * the same operations the tasks use, then runs the verifier CLI against the node's URL and expects MATCH, exit 0.
 * Every wait has a deadline and the node (with its whole process group) is killed in `after`, on failure too.
 */
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import LocalCopurchase from "../../deploy/modules/LocalCopurchase.js";
import { openContext } from "../../scripts/lib/context.js";
import { buyStakes, createListing, faucet, finalizeListing, settleListing, verifySeller } from "../../scripts/lib/ops.js";
import { capture } from "./helpers.js";

const NODE_START_TIMEOUT_MS = 90_000;
const VERIFIER_TIMEOUT_MS = 90_000;

/** A TCP port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls eth_chainId until the node answers, the node exits, or the deadline passes. */
async function waitForNode(url: string, node: ChildProcess, output: () => string) {
  const deadline = Date.now() + NODE_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (node.exitCode !== null || node.signalCode !== null) {
      throw new Error(`hardhat node exited (${node.exitCode ?? node.signalCode}) before answering:\n${output()}`);
    }
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
        signal: AbortSignal.timeout(2_000),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`hardhat node did not answer at ${url} within ${NODE_START_TIMEOUT_MS / 1000}s:\n${output()}`);
}

/** Stops the node and everything it started (npx → hardhat → node): its process group, SIGTERM then SIGKILL. */
async function stopNode(node: ChildProcess | undefined) {
  if (!node?.pid || node.exitCode !== null || node.signalCode !== null) return;
  const exited = new Promise((r) => node.once("exit", r));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-node.pid!, s);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 5_000);
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  clearTimeout(timer);
}

describe("tooling: draw verifier CLI against a local hardhat node", function () {
  this.timeout(240_000);
  let node: ChildProcess | undefined;
  let connection: NetworkConnection | undefined;
  let url = "";
  let log = "";
  const deploymentId = `tooling-test-node-${process.pid}`;
  const deploymentDir = path.join(hre.config.paths.ignition, "deployments", deploymentId);
  const killOnExit = () => node?.pid && node.exitCode === null && process.kill(-node.pid, "SIGKILL");

  before(async function () {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // Its own process group, so that `after` can stop npx and the hardhat process it starts in one go.
    node = spawn("npx", ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(port)], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0" },
    });
    process.once("exit", killOnExit);
    node.stdout!.on("data", (d) => (log = (log + d).slice(-4_000)));
    node.stderr!.on("data", (d) => (log = (log + d).slice(-4_000)));
    await waitForNode(url, node, () => log);
    connection = await hre.network.create({ network: "localhost", override: { url } });
  });

  after(async function () {
    await connection?.close().catch(() => undefined);
    await stopNode(node);
    process.removeListener("exit", killOnExit);
    rmSync(deploymentDir, { recursive: true, force: true });
  });

  it("deploys with Ignition, runs a listing to its draw, and the verifier says MATCH with exit 0", async () => {
    const deployed = await connection!.ignition.deploy(LocalCopurchase, { deploymentId, displayUi: false });
    const marketplace = String(deployed.marketplace.target);
    const { result: ctx } = await capture(() => openContext(connection!, { deployment: marketplace, ignitionDir: hre.config.paths.ignition }));
    expect(ctx.local).to.equal(true);

    const { result: listing } = await capture(async () => {
      await verifySeller(ctx, { seller: "1", kycRef: "kyc:node-test" });
      const created = await createListing(ctx, { title: "Node test watch", price: "1,000", stakePrice: "10", stakes: 200n, threshold: 100n, days: 7, category: 1, drawAtSellOut: false });
      for (const [who, stakes] of [["2", 70n], ["3", 40n], ["4", 15n]] as const) {
        await faucet(ctx, { account: who, amount: "1,000" });
        await buyStakes(ctx, { listing: created.address, stakes, from: who, permit: true });
      }
      await connection!.networkHelpers.time.increaseTo(created.terms.deadline);
      await settleListing(ctx, { listing: created.address, fulfil: true });
      await finalizeListing(ctx, { listing: created.address });
      return created.address;
    });

    const run = spawnSync("npm", ["run", "--silent", "verify-draw", "--", "--rpc", url, "--listing", listing, "--page-size", "5"], {
      encoding: "utf8",
      env: { ...process.env, FORCE_COLOR: "0" },
      timeout: VERIFIER_TIMEOUT_MS,
      killSignal: "SIGKILL",
    });
    const report = `${run.stdout}\n${run.stderr}`;
    expect(run.error, report).to.equal(undefined);
    expect(run.status, report).to.equal(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines.at(-1), report).to.equal("MATCH");
    expect(run.stdout).to.not.match(/✗/);
    expect(run.stderr).to.match(/page \d+ of \d+/); // paged eth_getLogs with progress
  });
});
