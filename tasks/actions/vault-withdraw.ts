import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { withdrawRevenue } from "../../scripts/lib/vault.js";
import { runTask } from "../run.js";

interface Args {
  to?: string;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => withdrawRevenue(ctx, args));
}
