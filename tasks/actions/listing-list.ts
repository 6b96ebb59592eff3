import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { parseWhole } from "../../scripts/lib/args.js";
import { listListings } from "../../scripts/lib/catalog.js";
import { runTask } from "../run.js";

interface Args {
  q?: string;
  status?: string;
  category?: string;
  sort: string;
  limit: string;
  api?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => listListings(ctx, { ...args, limit: Number(parseWhole(args.limit, "--limit", 1n)) }));
}
