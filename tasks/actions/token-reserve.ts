import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { reserveIds } from "../../scripts/lib/bid-tokens.js";
import { runTask } from "../run.js";

interface Args {
  ids: string[];
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => reserveIds(ctx, args));
}
