import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { grantId } from "../../scripts/lib/bid-tokens.js";
import { runTask } from "../run.js";

interface Args {
  tokenId: string;
  to: string;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => grantId(ctx, args));
}
