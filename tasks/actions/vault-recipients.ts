import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { setRecipients, vaultStatus } from "../../scripts/lib/vault.js";
import { runTask } from "../run.js";

interface Args {
  set?: string;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, async (ctx) => (args.set === undefined ? vaultStatus(ctx) : setRecipients(ctx, { set: args.set, from: args.from })));
}
