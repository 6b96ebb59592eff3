/**
 * Issue 7: the draw verifier against a real JSON-RPC node, not the in-process network. The test starts
 * `npx hardhat node` on a free port, deploys LocalCopurchase there with Ignition, runs a listing to its draw through
 * the same operations the tasks use, then runs the verifier CLI against the node's URL and expects MATCH, exit 0.
 * Every wait has a deadline and the node (with its whole process group) is killed in `after`, on failure too.
 */
import { spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import LocalCopurchase from "../../deploy/modules/LocalCopurchase.js";
import { openContext } from "../../scripts/lib/context.js";
import { buyStakes, faucet } from "../../scripts/lib/stakes.js";
import { createListing, finalizeListing, settleListing, verifySeller } from "../../scripts/lib/listing.js";
import { capture } from "./helpers.js";
import { freePort, startNode, stopNode } from "../../scripts/lib/node.js";

const VERIFIER_TIMEOUT_MS = 90_000;

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
    node = await startNode(port, (d) => (log = (log + d).slice(-4_000)));
    process.once("exit", killOnExit);
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

  it("a failed listing has NO DRAW (exit 3), found by its number with --marketplace", async () => {
    const { result: ctx } = await capture(() => openContext(connection!, { ignitionDir: hre.config.paths.ignition, deployment: deploymentId }));
    const marketplace = ctx.deployment.marketplace;
    const { result: id } = await capture(async () => {
      const created = await createListing(ctx, { title: "Failing watch", price: "1,000", stakePrice: "10", stakes: 200n, threshold: 100n, days: 7, category: 1, drawAtSellOut: false });
      await faucet(ctx, { account: "2", amount: "1,000" });
      await buyStakes(ctx, { listing: created.address, stakes: 10n, from: "2", permit: true });
      await connection!.networkHelpers.time.increaseTo(created.terms.deadline);
      await settleListing(ctx, { listing: created.address });
      return String(created.listingId);
    });
    const cli = (args: string[]) =>
      spawnSync("npm", ["run", "--silent", "verify-draw", "--", "--rpc", url, ...args], {
        encoding: "utf8",
        env: { ...process.env, FORCE_COLOR: "0" },
        timeout: VERIFIER_TIMEOUT_MS,
        killSignal: "SIGKILL",
      });
    const failed = cli(["--listing", id, "--marketplace", marketplace]);
    expect(failed.status, `${failed.stdout}\n${failed.stderr}`).to.equal(3);
    expect(failed.stdout.trim().split("\n").at(-1)).to.equal(
      "NO DRAW: the listing FAILED (threshold not met, 10 stakes sold), so no winner is ever drawn; buyers claim refunds (stake:refund)",
    );
    expect(failed.stdout).to.not.include("INCOMPLETE");

    const noMarketplace = cli(["--listing", id]);
    expect(noMarketplace.status).to.equal(2);
    expect(noMarketplace.stderr.trim()).to.equal(`✗ listing #${id} is a number: add --marketplace <the Marketplace's address> to find it, or give the listing's address`);
  });
});
