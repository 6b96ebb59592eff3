/**
 * Local keeper: plays Chainlink Automation and Chainlink VRF against a local node, so listings settle, draw and
 * retire by themselves while you use the tasks.
 *   npx hardhat node                                   # terminal 1
 *   npx hardhat ignition deploy deploy/modules/LocalCopurchase.ts --network localhost
 *   npm run keeper                                     # terminal 2; Ctrl-C stops after the current step
 * Each step: answer pending VRF requests with the official mock, then checkUpkeep → performUpkeep (settle,
 * finalize, expire or retire). env: KEEPER_INTERVAL (seconds between polls, default 2), KEEPER_ACCOUNT (index).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { flowContext, runFlow } from "./lib/flows.js";
import { explain, UserError } from "./lib/errors.js";
import { formatTime } from "./lib/format.js";
import { keeperStep, pendingDraws } from "./lib/keeper.js";
import { idleLine, nextDue } from "./lib/clock.js";

let stopping = false;
// The first Ctrl-C lets the step in flight finish (a half-sent upkeep would only be retried, but its output would
// be lost); a second one exits at once.
process.on("SIGINT", () => {
  if (stopping) process.exit(130);
  stopping = true;
  console.log("\nstopping after the current step… (Ctrl-C again to quit now)");
});

await runFlow(async () => {
  const ctx = await flowContext();
  if (ctx.inProcess) throw new UserError("the keeper needs a running node: npx hardhat node, deploy, then npm run keeper (--network localhost)");
  if (!ctx.local) throw new UserError(`${ctx.networkName} is a live network: there Chainlink Automation and VRF do this job`);
  const keeper = ctx.signer(process.env.KEEPER_ACCOUNT, 0);
  const interval = Number(process.env.KEEPER_INTERVAL ?? "2") * 1000;
  const pending = await pendingDraws(ctx);
  console.log(`keeper ${keeper.address} watching the Marketplace at ${ctx.deployment.marketplace} on ${ctx.networkName} (every ${interval / 1000}s; Ctrl-C to stop)`);
  if (pending.size > 0) console.log(`${pending.size} draw(s) already wait for their word`);

  // Said once each time the keeper runs out of work, so that a quiet keeper is never a mystery.
  let idleSaid = false;
  while (!stopping) {
    let worked = false;
    try {
      // Someone else may have settled a listing (listing:settle): pick up requests the keeper did not make.
      if ((await ctx.sys.marketplace.pendingDraws()) > BigInt(pending.size)) for (const a of await pendingDraws(ctx)) pending.add(a);
      const done = await keeperStep(ctx, keeper, pending);
      const at = formatTime(await ctx.now());
      for (const line of done) console.log(`[${at}] ${line}`);
      worked = done.length > 0;
      if (worked) idleSaid = false;
      else if (!idleSaid) {
        console.log(`[${at}] ${idleLine(await nextDue(ctx), await ctx.now(), ctx.networkName)}`);
        idleSaid = true;
      }
    } catch (error) {
      console.error(`✗ ${explain(error, ctx.money.format)}`);
    }
    // More work may be due right away after a step; otherwise wait, waking early on Ctrl-C.
    for (let waited = 0; !worked && !stopping && waited < interval; waited += 200) await sleep(200);
  }
  console.log("keeper stopped");
});
