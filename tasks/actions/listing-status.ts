import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { listingStatus } from "../../scripts/lib/listing.js";
import { parseWhole } from "../../scripts/lib/args.js";
import { runTask } from "../run.js";

interface Args {
  listing: string;
  account?: string;
  token: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => listingStatus(ctx, { ...args, token: parseWhole(args.token, "--token") }));
}
