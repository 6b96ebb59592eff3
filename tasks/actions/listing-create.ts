import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { UserError } from "../../scripts/lib/errors.js";
import { createListing } from "../../scripts/lib/ops.js";
import { runTask } from "../run.js";

interface Args {
  title: string;
  description: string;
  subcategory: string;
  keywords: string;
  uri: string;
  contentHash: string;
  price?: string;
  stakePrice?: string;
  stakes: bigint;
  threshold: bigint;
  days: number;
  opensIn: number;
  category: number;
  drawAtSellOut: boolean;
  seller?: string;
  operator?: string;
  deployment?: string;
}

export default async function (args: Args, hre: HardhatRuntimeEnvironment) {
  return runTask(hre, args, async (ctx) => {
    if (args.price === undefined) throw new UserError('give the price P: --price "1,000 USDC"');
    if (args.stakePrice === undefined) throw new UserError('give the stake price s: --stake-price "10 USDC"');
    if (args.stakes <= 0n) throw new UserError("give the number of stakes N: --stakes 200");
    return createListing(ctx, { ...args, price: args.price, stakePrice: args.stakePrice });
  });
}
