import { createRequire } from "node:module";
import { configVariable, defineConfig } from "hardhat/config";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { copurchaseTasks } from "./tasks/index.js";

// The compiler is solc-js from npm: Hardhat's own compiler download needs the internet (see TOOLCHAIN.md).
const require = createRequire(import.meta.url);
const SOLC_PATH = require.resolve("solc/soljson.js");
const SOLC_VERSION: string = require("solc/package.json").version;

const DEFAULT_SOLIDITY_TESTS = { fuzz: { runs: 256 }, invariant: { runs: 64, depth: 64, failOnRevert: true } };
const DEEP_SOLIDITY_TESTS = {
  fuzz: { runs: Number(process.env.FUZZ_RUNS ?? 10_000) },
  invariant: {
    runs: Number(process.env.INVARIANT_RUNS ?? 1_500),
    depth: Number(process.env.INVARIANT_DEPTH ?? 200),
    failOnRevert: true,
  },
};

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
    localhost: { type: "http", chainType: "l1", url: "http://127.0.0.1:8545" },
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
  // CI's runs stay small; `npm run test:deep` (COPURCHASE_DEEP=1) runs the fuzz and invariant suites deep. Inline
  // `hardhat-config:` depths in the invariant suites override the depth here.
  test: { solidity: process.env.COPURCHASE_DEEP ? DEEP_SOLIDITY_TESTS : DEFAULT_SOLIDITY_TESTS },
});
