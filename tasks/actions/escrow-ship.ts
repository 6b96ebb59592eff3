import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { shipEscrow } from "../../scripts/lib/escrow.js";
import { runTask } from "../run.js";

interface Args {
  listing: string;
  tracking: string;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => shipEscrow(ctx, args));
}
