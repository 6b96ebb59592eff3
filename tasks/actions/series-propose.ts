import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { proposeSeries } from "../../scripts/lib/series.js";
import { runTask } from "../run.js";

interface Args {
  titles?: string;
  applications?: string;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => proposeSeries(ctx, args));
}
