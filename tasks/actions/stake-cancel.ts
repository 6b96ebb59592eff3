import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { cancelStakes } from "../../scripts/lib/stakes.js";
import { parseWhole } from "../../scripts/lib/args.js";
import { runTask } from "../run.js";

interface Args {
  listing: string;
  token: string;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => cancelStakes(ctx, { ...args, token: parseWhole(args.token, "--token") }));
}
