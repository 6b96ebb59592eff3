/**
 * A local Hardhat plugin that shows progress while solc-js compiles. A cold build takes one to two minutes on a
 * 2-core machine, and `ignition deploy` builds quietly: without this, both print nothing until they finish.
 */
import type { HardhatPlugin } from "hardhat/types/plugins";

const buildProgress: HardhatPlugin = {
  id: "copurchase-build-progress",
  hookHandlers: { solidity: () => import("./build-progress-hooks.js") },
};

export default buildProgress;
