import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { parseWhole } from "../../scripts/lib/args.js";
import { seriesStatus } from "../../scripts/lib/series.js";
import { runTask } from "../run.js";

interface Args {
  seriesId: string;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => seriesStatus(ctx, { ...args, seriesId: parseWhole(args.seriesId.replace(/^#/, ""), "series id", 1n) }));
}
