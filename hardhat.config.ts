import { createRequire } from "node:module";
import { configVariable, defineConfig } from "hardhat/config";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { copurchaseTasks } from "./tasks/index.js";
import buildProgress from "./hardhat-plugins/build-progress.js";

// The compiler is solc-js from npm: Hardhat's own compiler download needs the internet (see TOOLCHAIN.md).
const require = createRequire(import.meta.url);
const SOLC_PATH = require.resolve("solc/soljson.js");
const SOLC_VERSION: string = require("solc/package.json").version;

const BUILD = {
  version: SOLC_VERSION,
  path: SOLC_PATH,
  settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun" },
  isolated: false,
  toolVersionsInBuildInfo: false,
};

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
  plugins: [hardhatToolboxMochaEthers, hardhatViem, buildProgress],
  // Operator, seller and buyer tasks (listing:create, listing:status, stake:buy, …): see tasks/index.ts.
  tasks: copurchaseTasks,
  solidity: {
    // One build for every command. Hardhat's implicit "production" profile (used by `ignition deploy`) would
    // compile each file in isolation and drop these settings (evmVersion back to the compiler's default), so
    // switching between `ignition deploy`, `compile` and `hardhat run` recompiled everything each time and
    // deployed other bytecode than the tests ran. Both profiles are the same build, so the cache serves both.
    profiles: { default: BUILD, production: BUILD },
    npmFilesToBuild: ["@chainlink/contracts/src/v0.8/vrf/mocks/VRFCoordinatorV2_5Mock.sol"],
  },
  paths: { ignition: "deploy" },
  typechain: { outDir: "typechain-types" },
  networks: {
    // Large listings are filled in batches; a generous block gas limit keeps the benchmark fast.
    default: { type: "edr-simulated", chainType: "l1", blockGasLimit: 100_000_000n, allowUnlimitedContractSize: false },
    // COPURCHASE_RPC_URL (or LOCALHOST_URL) points `--network localhost` at a node on another port (the stack and the
    // tests start theirs on a free one).
    localhost: {
      type: "http",
      chainType: "l1",
      url: process.env.COPURCHASE_RPC_URL ?? process.env.LOCALHOST_URL ?? "http://127.0.0.1:8545",
    },
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
  // LIFECYCLE_COUNTS=<file> lets the lifecycle invariant suite append, per run, how often each action did real work.
  test: {
    solidity: {
      ...(process.env.COPURCHASE_DEEP ? DEEP_SOLIDITY_TESTS : DEFAULT_SOLIDITY_TESTS),
      ...(process.env.LIFECYCLE_COUNTS ? { fsPermissions: { readWriteFile: [process.env.LIFECYCLE_COUNTS] } } : {}),
    },
  },
});
