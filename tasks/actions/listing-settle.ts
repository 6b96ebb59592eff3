import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { settleListing } from "../../scripts/lib/listing.js";
import { runTask } from "../run.js";

interface Args {
  listing: string;
  fulfil: boolean;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => settleListing(ctx, args));
}
