import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { collectRevenue } from "../../scripts/lib/vault.js";
import { runTask } from "../run.js";

interface Args {
  listing: string;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => collectRevenue(ctx, args));
}
