import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { advanceClock } from "../../scripts/lib/clock.js";
import { runTask } from "../run.js";

interface Args {
  to: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => advanceClock(ctx, args));
}
