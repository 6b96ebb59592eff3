/**
 * The catalog indexer's configuration. Everything comes from the Ignition deployment through core/deployment.ts:
 * COPURCHASE_DEPLOYMENT (a deployment id under deploy/deployments, or a folder; default chain-31337) and
 * COPURCHASE_RPC_URL (default http://127.0.0.1:8545). DATABASE_URL=postgres://… selects PostgreSQL, otherwise
 * embedded PGlite in PGLITE_DIR (default indexer/.ponder/pglite).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createConfig, factory } from "ponder";
import { createPublicClient, getAbiItem, http } from "viem";
import { locateDeployment, readDeployment } from "../core/deployment.js";
import { AssetDeedAbi, BidTokenAbi, DeliveryEscrowAbi, ListingAbi, MarketplaceAbi, MembershipAbi, MockUSDCAbi, VRFCoordinatorAbi } from "./abis.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const ignitionDir = path.join(here, "..", "deploy");
const rpcUrl = process.env.COPURCHASE_RPC_URL ?? "http://127.0.0.1:8545";
const deployment = await readDeployment(locateDeployment(process.env.COPURCHASE_DEPLOYMENT ?? "chain-31337", ignitionDir));
const local = deployment.chainId === 31337 || deployment.chainId === 1337;

// The modules and the VRF coordinator as the Marketplace itself reports them (the deployment may have rewired them).
const client = createPublicClient({ transport: http(rpcUrl) });
const read = <F extends "modules" | "vrfConfig">(functionName: F) =>
  client.readContract({ address: deployment.marketplace, abi: MarketplaceAbi, functionName });
const modules = await read("modules");
const vrf = await read("vrfConfig");
const escrow = modules.escrow;
const membership = await client.readContract({ address: escrow, abi: DeliveryEscrowAbi, functionName: "membership" });

/** The payment token's symbol and decimals, and whether it takes EIP-2612 permits (it has a domain separator). */
async function paymentToken(address: `0x${string}`) {
  const call = <F extends "symbol" | "decimals" | "DOMAIN_SEPARATOR">(functionName: F) =>
    client.readContract({ address, abi: MockUSDCAbi, functionName });
  const permit = await call("DOMAIN_SEPARATOR").then(() => true, () => false);
  return { address, symbol: await call("symbol"), decimals: await call("decimals"), permit };
}

/** Shared with the API's GET /deployment (the page reads addresses from there). */
export const DEPLOYMENT = {
  chainId: deployment.chainId,
  startBlock: deployment.startBlock,
  marketplace: deployment.marketplace,
  bidToken: modules.bidToken,
  escrow,
  membership,
  vault: modules.revenueVault,
  deed: modules.assetDeed,
  series: deployment.contracts.ListingSeries ?? null,
  coordinator: vrf.coordinator,
  paymentToken: await paymentToken(await client.readContract({ address: deployment.marketplace, abi: MarketplaceAbi, functionName: "paymentToken" })),
};
process.env.COPURCHASE_DEPLOYMENT_JSON = JSON.stringify(DEPLOYMENT);

const chain = "copurchase" as const;
const startBlock = deployment.startBlock;

export default createConfig({
  database: process.env.DATABASE_URL
    ? { kind: "postgres", connectionString: process.env.DATABASE_URL }
    : { kind: "pglite", directory: process.env.PGLITE_DIR ?? path.join(here, ".ponder", "pglite") },
  chains: {
    [chain]: {
      id: deployment.chainId,
      // Ponder rate-limits each RPC URL (20 requests/s, ramping slowly); a local node can take far more, so the same
      // URL is listed many times (TOOLCHAIN.md: one event per block went from 52 to ~400 events/s).
      rpc: local ? Array.from({ length: 32 }, () => rpcUrl) : rpcUrl,
      // A local node mines on demand: poll often so the page sees a purchase well within 2 s of its block.
      pollingInterval: local ? 200 : 1_000,
      disableCache: local,
    },
  },
  contracts: {
    Marketplace: { chain, abi: MarketplaceAbi, address: deployment.marketplace, startBlock },
    Listing: {
      chain,
      abi: ListingAbi,
      address: factory({
        address: deployment.marketplace,
        event: getAbiItem({ abi: MarketplaceAbi, name: "ListingCreated" }),
        parameter: "listing",
      }),
      startBlock,
    },
    BidToken: { chain, abi: BidTokenAbi, address: modules.bidToken, startBlock },
    DeliveryEscrow: { chain, abi: DeliveryEscrowAbi, address: escrow, startBlock },
    Membership: { chain, abi: MembershipAbi, address: membership, startBlock },
    AssetDeed: { chain, abi: AssetDeedAbi, address: modules.assetDeed, startBlock },
    VRFCoordinator: {
      chain,
      abi: VRFCoordinatorAbi,
      address: vrf.coordinator,
      filter: { event: "RandomWordsFulfilled", args: { subId: vrf.subscriptionId } },
      startBlock,
    },
  },
  blocks: {
    // Live only: retries metadata that could not be fetched (a failed fetch never blocks indexing).
    MetadataRetry: { chain, startBlock: "latest", interval: 5 },
  },
});
