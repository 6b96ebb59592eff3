import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { tokenInfo } from "../../scripts/lib/bid-tokens.js";
import { runTask } from "../run.js";

interface Args {
  tokenId: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => tokenInfo(ctx, args));
}
