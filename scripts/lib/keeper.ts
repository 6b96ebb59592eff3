/** The local keeper's step: Chainlink Automation and VRF played against a local node. */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { Context } from "./context.js";
import { FAILURE_REASON, UPKEEP_ACTION } from "./errors.js";
import { formatCount, shortAddress, shortHex } from "./format.js";
import { send, eventsIn, eventIn } from "./tx.js";

export async function keeperStep(ctx: Context, keeper: HardhatEthersSigner, pending: Set<string>): Promise<string[]> {
  const done: string[] = [];
  const { marketplace } = ctx.sys;
  for (const address of [...pending]) {
    const draw = await marketplace.drawOf(address);
    if (draw.status !== 1n) {
      pending.delete(address);
      continue;
    }
    await send(ctx.sys.coordinator.connect(keeper).fulfillRandomWords(draw.requestId, String(marketplace.target)));
    const [, word] = await marketplace.randomWord(address);
    pending.delete(address);
    done.push(`VRF mock answered request ${draw.requestId} for ${shortAddress(address)}: word ${shortHex(word)}`);
  }

  const [needed, performData] = await marketplace.checkUpkeep.staticCall("0x");
  if (!needed) return done;
  const [listingAddress, actionId] = ctx.ethers.AbiCoder.defaultAbiCoder().decode(["address", "uint8"], performData);
  const action = UPKEEP_ACTION[Number(actionId)];
  if (action === "OpenSeries") {
    // Recurring listings: performData is (series module, OpenSeries, seriesId); the receipt names the new listing.
    const [, , seriesId] = ctx.ethers.AbiCoder.defaultAbiCoder().decode(["address", "uint8", "uint256"], performData);
    const receipt = await send(marketplace.connect(keeper).performUpkeep(performData));
    const created = eventIn(receipt, marketplace, "ListingCreated");
    done.push(`performUpkeep: OpenSeries #${seriesId} → listing #${created.args.listingId} ${shortAddress(created.args.listing)} open`);
    return done;
  }
  const listing = await ctx.listing(listingAddress);
  const receipt = await send(marketplace.connect(keeper).performUpkeep(performData));
  let what = `performUpkeep: ${action} ${shortAddress(listingAddress)}`;
  const drawn = eventsIn(receipt, listing, "DrawRequested")[0];
  const failed = eventsIn(receipt, listing, "ListingFailed")[0];
  const won = eventsIn(receipt, listing, "WinnerDrawn")[0];
  if (drawn) {
    pending.add(String(listingAddress));
    what += ` → Drawing, ${formatCount(drawn.args.held)} stakes sold, VRF request ${drawn.args.requestId}`;
  } else if (failed) {
    what += ` → Failed (${FAILURE_REASON[Number(failed.args.reason)]}, ${formatCount(failed.args.held)} sold): refunds open`;
  } else if (won) {
    what += ` → Settled, WINNER ${shortAddress(won.args.winner)} (stake #${formatCount(won.args.stake)}, bid token #${won.args.tokenId})`;
  } else if (action === "Retire") {
    const collected = eventsIn(receipt, ctx.sys.vault, "RevenueCollected")[0];
    what += ` → no longer watched${collected ? `; markup ${ctx.money.format(collected.args.amount)} collected into the revenue vault` : ""}`;
  }
  done.push(what);
  return done;
}

/** Listings whose randomness was requested and not yet answered (scanned once at keeper start). */
export async function pendingDraws(ctx: Context): Promise<Set<string>> {
  const pending = new Set<string>();
  const count = await ctx.sys.marketplace.listingCount();
  for (let i = 1n; i <= count; i++) {
    const address = await ctx.sys.marketplace.listingAt(i);
    if ((await ctx.sys.marketplace.drawOf(address)).status === 1n) pending.add(address);
  }
  return pending;
}
