import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { buyStakes } from "../../scripts/lib/ops.js";
import { runTask } from "../run.js";

interface Args {
  listing: string;
  stakes: bigint;
  spend?: string;
  token: bigint;
  approve: boolean;
  allowance?: string;
  permit: boolean;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => buyStakes(ctx, args));
}
