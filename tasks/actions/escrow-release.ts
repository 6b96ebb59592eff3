import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { releaseEscrow } from "../../scripts/lib/escrow.js";
import { runTask } from "../run.js";

interface Args {
  listing: string;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => releaseEscrow(ctx, args));
}
