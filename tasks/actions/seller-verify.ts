import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { verifySeller } from "../../scripts/lib/listing.js";
import { runTask } from "../run.js";

interface Args {
  seller: string;
  kycRef: string;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => verifySeller(ctx, args));
}
