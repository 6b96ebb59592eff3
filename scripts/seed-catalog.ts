/**
 * npm run catalog:seed: lists the sample assets (core/assets.ts) on a running local node, e.g. after
 * `npx hardhat node` + `npx hardhat ignition deploy deploy/modules/LocalCopurchase.ts --network localhost`.
 * COPURCHASE_RPC_URL / COPURCHASE_DEPLOYMENT select the node and the deployment.
 */
import path from "node:path";
import { locateDeployment, readDeployment } from "../core/deployment.js";
import { connectChain } from "./lib/chain.js";
import { seedCatalog } from "./lib/seed.js";

const rpcUrl = process.env.COPURCHASE_RPC_URL ?? "http://127.0.0.1:8545";
const deployment = await readDeployment(locateDeployment(process.env.COPURCHASE_DEPLOYMENT ?? "chain-31337", path.resolve("deploy")));
await seedCatalog(await connectChain(rpcUrl, deployment), (line) => console.log(line));
