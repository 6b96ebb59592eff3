import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { faucet } from "../../scripts/lib/stakes.js";
import { runTask } from "../run.js";

interface Args {
  account: string;
  amount: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => faucet(ctx, args));
}
