import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { releaseTranche } from "../../scripts/lib/bid-tokens.js";
import { runTask } from "../run.js";

interface Args {
  upTo: string;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => releaseTranche(ctx, args));
}
