import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { submitEscrowAuthorization } from "../../scripts/lib/escrow.js";
import { parseWhole } from "../../scripts/lib/args.js";
import { runTask } from "../run.js";

interface Args {
  listing: string;
  signature: string;
  deadline: string;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, (ctx) => submitEscrowAuthorization(ctx, { ...args, deadline: parseWhole(args.deadline, "--deadline") }));
}
