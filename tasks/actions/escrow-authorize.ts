import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { authorizeEscrow } from "../../scripts/lib/escrow.js";
import { parsePositive } from "../../scripts/lib/args.js";
import { runTask } from "../run.js";

interface Args {
  listing: string;
  hours: string;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => authorizeEscrow(ctx, { ...args, hours: parsePositive(args.hours, "--hours") }));
}
