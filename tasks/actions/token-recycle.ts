import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { recycleTokens } from "../../scripts/lib/ops.js";
import { runTask } from "../run.js";

interface Args {
  tokenIds: string[];
  ids?: string;
  scan: number;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  const ids = [...(args.tokenIds ?? []), ...(args.ids ? [args.ids] : [])];
  return runTask(hre, args, (ctx) => recycleTokens(ctx, { ids, scan: args.scan, from: args.from }));
}
