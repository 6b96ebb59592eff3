import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { recycleTokens } from "../../scripts/lib/bid-tokens.js";
import { parseWhole } from "../../scripts/lib/args.js";
import { runTask } from "../run.js";

interface Args {
  tokenIds: string[];
  ids?: string;
  scan: string;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  const ids = [...(args.tokenIds ?? []), ...(args.ids ? [args.ids] : [])];
  return runTask(hre, args, (ctx) => recycleTokens(ctx, { ids, scan: Number(parseWhole(args.scan, "--scan")), from: args.from }));
}
