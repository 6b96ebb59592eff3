import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { dissolutionStatus } from "../../scripts/lib/dissolution.js";
import { runTask } from "../run.js";

interface Args {
  listing: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => dissolutionStatus(ctx, args));
}
