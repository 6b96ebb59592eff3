import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { membershipStatus } from "../../scripts/lib/membership.js";
import { runTask } from "../run.js";

interface Args {
  account: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => membershipStatus(ctx, args));
}
