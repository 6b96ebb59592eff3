import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { buyStakes } from "../../scripts/lib/stakes.js";
import { parseWhole } from "../../scripts/lib/args.js";
import { runTask } from "../run.js";

interface Args {
  listing: string;
  stakes: string;
  spend?: string;
  token: string;
  approve: boolean;
  allowance?: string;
  permit: boolean;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => buyStakes(ctx, { ...args, stakes: parseWhole(args.stakes, "--stakes"), token: parseWhole(args.token, "--token") }));
}
