import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { parsePositive, parseWhole } from "../../scripts/lib/args.js";
import { approveSeries } from "../../scripts/lib/series.js";
import { runTask } from "../run.js";

interface Args {
  seriesId: string;
  price?: string;
  stakePrice?: string;
  stakes: string;
  threshold: string;
  days: string;
  gapDays: string;
  startsIn: string;
  category: string;
  drawAtSellOut: boolean;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) =>
    approveSeries(ctx, {
      ...args,
      seriesId: parseWhole(args.seriesId.replace(/^#/, ""), "series id", 1n),
      stakes: parseWhole(args.stakes, "--stakes"),
      threshold: parseWhole(args.threshold, "--threshold"),
      days: parsePositive(args.days, "--days"),
      gapDays: args.gapDays.trim() === "0" ? 0 : parsePositive(args.gapDays, "--gap-days"),
      startsIn: Number(parseWhole(args.startsIn, "--starts-in")),
      category: Number(parseWhole(args.category, "--category")),
    }),
  );
}
