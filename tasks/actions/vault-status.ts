import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { vaultStatus } from "../../scripts/lib/vault.js";
import { runTask } from "../run.js";

interface Args {
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => vaultStatus(ctx));
}
