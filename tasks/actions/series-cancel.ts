import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { parseWhole } from "../../scripts/lib/args.js";
import { cancelSeries } from "../../scripts/lib/series.js";
import { runTask } from "../run.js";

interface Args {
  seriesId: string;
  reason: string;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => cancelSeries(ctx, { ...args, seriesId: parseWhole(args.seriesId.replace(/^#/, ""), "series id", 1n) }));
}
