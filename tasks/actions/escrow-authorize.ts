import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { authorizeEscrow } from "../../scripts/lib/ops.js";
import { runTask } from "../run.js";

interface Args {
  listing: string;
  hours: number;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => authorizeEscrow(ctx, args));
}
