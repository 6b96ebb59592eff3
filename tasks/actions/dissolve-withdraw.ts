import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { parseWhole } from "../../scripts/lib/args.js";
import { withdrawDissolutionVote } from "../../scripts/lib/dissolution.js";
import { runTask } from "../run.js";

interface Args {
  listing: string;
  token: string;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => withdrawDissolutionVote(ctx, { ...args, token: parseWhole(args.token, "--token") }));
}
