import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { topUpToken } from "../../scripts/lib/bid-tokens.js";
import { runTask } from "../run.js";

interface Args {
  tokenId: string;
  amount?: string;
  approve: boolean;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => topUpToken(ctx, args));
}
