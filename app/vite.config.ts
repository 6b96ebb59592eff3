/**
 * The buyer's page: Vite + React. ABIs come from the compiled artifacts through the `virtual:abis` module below
 * (functions, events and every contract's errors, without bytecode, so the bundle stays small). The page reads its
 * RPC and API addresses at run time from `config.json`, so one build serves any port (see scripts/lib/page.ts).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import type { Plugin } from "vite";

const ARTIFACTS = fileURLToPath(new URL("../artifacts/", import.meta.url));

interface AbiItem {
  type: string;
  name?: string;
  inputs?: { type: string }[];
}

const artifact = (path: string): AbiItem[] => JSON.parse(readFileSync(`${ARTIFACTS}${path}`, "utf8")).abi;

/** The contracts the page talks to, by the name the page uses. */
const CONTRACTS: Record<string, string> = {
  listing: "contracts/Listing.sol/Listing.json",
  marketplace: "contracts/Marketplace.sol/Marketplace.json",
  bidToken: "contracts/BidToken.sol/BidToken.json",
  escrow: "contracts/DeliveryEscrow.sol/DeliveryEscrow.json",
  membership: "contracts/Membership.sol/Membership.json",
  erc20: "contracts/mocks/MockUSDC.sol/MockUSDC.json",
};
/** Contracts whose errors may surface in a call the page makes (decoded into one sentence each). */
const ERROR_SOURCES = [
  ...Object.values(CONTRACTS),
  "contracts/ListingSeries.sol/ListingSeries.json",
  "contracts/AssetDeed.sol/AssetDeed.json",
  "contracts/RevenueVault.sol/RevenueVault.json",
];
const COORDINATOR = "@chainlink/contracts/src/v0.8/vrf/mocks/VRFCoordinatorV2_5Mock.sol/VRFCoordinatorV2_5Mock.json";

function abis(): Plugin {
  const id = "virtual:abis";
  return {
    name: "copurchase-abis",
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    load(resolved) {
      if (resolved !== `\0${id}`) return undefined;
      const out: Record<string, AbiItem[]> = {};
      for (const [name, path] of Object.entries(CONTRACTS)) out[name] = artifact(path).filter((x) => x.type !== "error");
      // Only the coordinator's answer is read (the draw's evidence), never its functions.
      out.coordinator = artifact(COORDINATOR).filter((x) => x.type === "event" && x.name === "RandomWordsFulfilled");
      const errors = new Map<string, AbiItem>();
      for (const path of ERROR_SOURCES) {
        for (const e of artifact(path).filter((x) => x.type === "error")) {
          errors.set(`${e.name}(${(e.inputs ?? []).map((i) => i.type).join(",")})`, e);
        }
      }
      out.errors = [...errors.values()];
      return `export default ${JSON.stringify(out)};`;
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  plugins: [react(), abis()],
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 1500 },
  server: { host: "127.0.0.1" },
});
