import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { UserError } from "../../scripts/lib/errors.js";
import { configureMembership } from "../../scripts/lib/membership-config.js";
import { runTask } from "../run.js";

interface Args {
  file?: string;
  dryRun: boolean;
  from?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, async (ctx) => {
    if (!args.file) throw new UserError("name the configuration file: --file membership.json (see scripts/lib/membership-config.ts for its shape)");
    return configureMembership(ctx, { file: args.file, dryRun: args.dryRun, from: args.from });
  });
}
