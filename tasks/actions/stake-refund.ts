import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { refundStakes } from "../../scripts/lib/stakes.js";
import { parseWhole } from "../../scripts/lib/args.js";
import { runTask } from "../run.js";

interface Args {
  listing: string;
  token: string;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => refundStakes(ctx, { ...args, token: parseWhole(args.token, "--token") }));
}
