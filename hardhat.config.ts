import { createRequire } from "node:module";
import { configVariable, defineConfig } from "hardhat/config";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { copurchaseTasks } from "./tasks/index.js";

// The compiler is solc-js from npm: Hardhat's own compiler download needs the internet (see TOOLCHAIN.md).
const require = createRequire(import.meta.url);
const SOLC_PATH = require.resolve("solc/soljson.js");
const SOLC_VERSION: string = require("solc/package.json").version;

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers, hardhatViem],
  // Operator, seller and buyer tasks (listing:create, listing:status, stake:buy, …): see tasks/index.ts.
  tasks: copurchaseTasks,
  solidity: {
    version: SOLC_VERSION,
    path: SOLC_PATH,
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun" },
    npmFilesToBuild: ["@chainlink/contracts/src/v0.8/vrf/mocks/VRFCoordinatorV2_5Mock.sol"],
  },
  paths: { ignition: "deploy" },
  typechain: { outDir: "typechain-types" },
  networks: {
    // Large listings are filled in batches; a generous block gas limit keeps the benchmark fast.
    default: { type: "edr-simulated", chainType: "l1", blockGasLimit: 100_000_000n, allowUnlimitedContractSize: false },
    // COPURCHASE_RPC_URL points it at a node on another port (the catalog stack and its tests start one on a free port).
    localhost: { type: "http", chainType: "l1", url: process.env.COPURCHASE_RPC_URL ?? "http://127.0.0.1:8545" },
    // Live networks read their RPC URL and deployer key from Hardhat's keystore or the environment, never the repo.
    sepolia: {
      type: "http",
      chainType: "l1",
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("SEPOLIA_PRIVATE_KEY")],
    },
    baseSepolia: {
      type: "http",
      chainType: "op",
      url: configVariable("BASE_SEPOLIA_RPC_URL"),
      accounts: [configVariable("BASE_SEPOLIA_PRIVATE_KEY")],
    },
  },
  test: { solidity: { fuzz: { runs: 256 }, invariant: { runs: 64, depth: 64, failOnRevert: true } } },
});
