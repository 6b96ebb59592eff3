/**
 * Times the draw verifier on 100,000 purchases against a local `hardhat node` (issue 7: under a minute).
 * Starts a node, deploys LocalCopurchase there with Ignition, fills one listing with 100,000 purchases through
 * BatchBuyer contracts, settles, answers VRF with the mock, finalizes, then runs `npm run verify-draw` against the
 * node and prints its verdict and wall time.
 *
 *   npm run bench:verifier
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import hre from "hardhat";
import LocalCopurchase from "../deploy/modules/LocalCopurchase.js";
import { BatchBuyer__factory, MockUSDC__factory } from "../typechain-types/index.js";
import { openContext } from "./lib/context.js";
import { createListing, finalizeListing, settleListing, verifySeller } from "./lib/listing.js";
import { freePort, startNode, stopNode } from "./lib/node.js";

const PURCHASES = Number(process.env.PURCHASES ?? 100_000);
const PER_TX = 400;

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const deploymentId = `verifier-benchmark-${process.pid}`;
const deploymentDir = path.join(hre.config.paths.ignition, "deployments", deploymentId);
console.log(`Starting hardhat node on ${url}`);
const node = await startNode(port, () => {});
// A failure before the verdict leaves exit code 1.
let exitCode: number;
try {
  const connection = await hre.network.create({ network: "localhost", override: { url } });
  const deployed = await connection.ignition.deploy(LocalCopurchase, { deploymentId, displayUi: false });
  const ctx = await openContext(connection, {
    deployment: String(deployed.marketplace.target),
    ignitionDir: hre.config.paths.ignition,
  });
  await verifySeller(ctx, { seller: "1", kycRef: "kyc:benchmark" });
  const listing = await createListing(ctx, {
    title: "Benchmark villa",
    // Half the stakes sold meets T; T × 10 USDC pays P (100,000 purchases: the 2,000,000-stake villa).
    price: String(PURCHASES * 100),
    stakePrice: "10",
    stakes: BigInt(PURCHASES) * 20n,
    threshold: BigInt(PURCHASES) * 10n,
    days: 7,
    category: 1,
    drawAtSellOut: false,
  });

  const [admin] = await connection.ethers.getSigners();
  const usdc = MockUSDC__factory.connect(String(deployed.usdc.target), admin);
  const buyers = [];
  for (let i = 0; i < 3; i++) {
    const b = await new BatchBuyer__factory(admin).deploy();
    await (await usdc.mint(await b.getAddress(), 10n ** 15n * 10n ** 6n)).wait();
    buyers.push(b);
  }
  const started = Date.now();
  for (let done = 0; done < PURCHASES; done += PER_TX) {
    const times = Math.min(PER_TX, PURCHASES - done);
    const buyer = buyers[(done / PER_TX) % buyers.length];
    await (await buyer.buyMany(listing.address, await usdc.getAddress(), 20n, times, { gasLimit: 16_000_000 })).wait();
    if ((done + times) % 10_000 === 0) {
      console.log(`  … ${(done + times).toLocaleString("en-US")} / ${PURCHASES.toLocaleString("en-US")} purchases`);
    }
  }
  console.log(`Filled in ${((Date.now() - started) / 1000).toFixed(1)} s; drawing`);
  await connection.networkHelpers.time.increaseTo(listing.terms.deadline);
  await settleListing(ctx, { listing: listing.address, fulfil: true });
  await finalizeListing(ctx, { listing: listing.address });

  const t0 = Date.now();
  const run = spawnSync("npm", ["run", "--silent", "verify-draw", "--", "--rpc", url, "--listing", listing.address], {
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0" },
    timeout: 300_000,
    killSignal: "SIGKILL",
  });
  const seconds = (Date.now() - t0) / 1000;
  const verdict = run.stdout.trim().split("\n").at(-1);
  console.log(run.stdout.split("\n").slice(-8).join("\n"));
  if (run.status !== 0) console.log(run.stderr.split("\n").slice(-8).join("\n"));
  console.log(`Verifier on ${PURCHASES.toLocaleString("en-US")} purchases: ${verdict} in ${seconds.toFixed(1)} s (exit ${run.status})`);
  exitCode = verdict === "MATCH" && seconds < 60 ? 0 : 1;
  await connection.close();
} finally {
  await stopNode(node);
  rmSync(deploymentDir, { recursive: true, force: true });
}
process.exitCode = exitCode;
