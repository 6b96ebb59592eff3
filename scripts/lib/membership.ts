/** The membership status screen. */
import type { Context } from "./context.js";
import { CONDITION_KINDS, REFUND_MODES } from "../../core/enums.js";
import { formatCount, formatDuration, shortAddress } from "./format.js";
import { say } from "./tx.js";


/** The membership status screen: tier, policy, counters, conditions met, and what the next tier up needs. */
export async function membershipStatus(ctx: Context, args: { account: string }) {
  const account = ctx.ethers.isAddress(args.account) ? args.account : ctx.signer(args.account).address;
  const membership = ctx.sys.membership;
  const [tier, met, next, missing] = await membership.status(account);
  const c = await membership.countersOf(account);
  const p = await membership.policyOf(account);
  const describe = async (bits: bigint) => {
    const out: string[] = [];
    for (let i = 0n; bits >> i > 0n; i++) {
      if (((bits >> i) & 1n) === 0n) continue;
      const cond = await membership.condition(i);
      const kind = CONDITION_KINDS[Number(cond.kind)] ?? `kind ${cond.kind}`;
      out.push(`#${i} ${kind}${Number(cond.kind) === 6 ? "" : ` ${formatCount(cond.threshold)}`}`);
    }
    return out.length ? out.join(", ") : "none";
  };
  const rate = c.orders === 0n ? "0.00%" : `${(Number((c.cancelledAsBuyer + c.cancelledAsSeller) * 10_000n / c.orders) / 100).toFixed(2)}%`;
  say(`Membership of ${shortAddress(account)} — tier #${tier}${tier === 0n ? " (default)" : ""}`);
  say(
    `  policy      cancel within ${formatDuration(Number(p.cancelWindow))}; refunds ${REFUND_MODES[Number(p.refundMode)]}` +
      `${Number(p.refundMode) === 2 ? ` (${Number(p.feeBps) / 100}%)` : ""}; rewards ${Number(p.rewardBps) / 100}%; auto-relist ${p.autoRelist ? "yes" : "no"}`,
  );
  say(
    `  counters    ${formatCount(c.orders)} orders, ${formatCount(c.completed)} completed, cancellations ${formatCount(c.cancelledAsBuyer)} as buyer / ${formatCount(c.cancelledAsSeller)} as seller (rate ${rate}), ` +
      `${formatCount(c.stakeCancellations)} stake cancellations, ${formatCount(c.helpfulReviews)} helpful reviews, ${formatCount(await membership.recentSales(account))} sales in 10 days, ${c.registered ? "registered" : "not registered"}`,
  );
  say(`  meets       ${await describe(met)}`);
  say(next === 0n ? "  next tier   none above this one" : `  next tier   #${next}: missing ${await describe(missing)}`);
  return { tier, met, next, missing };
}
