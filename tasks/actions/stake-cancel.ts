import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { cancelStakes } from "../../scripts/lib/ops.js";
import { runTask } from "../run.js";

interface Args {
  listing: string;
  token: bigint;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => cancelStakes(ctx, args));
}
