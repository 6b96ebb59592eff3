import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { withdrawEscrow } from "../../scripts/lib/escrow.js";
import { runTask } from "../run.js";

interface Args {
  to?: string;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => withdrawEscrow(ctx, args));
}
