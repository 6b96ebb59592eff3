/**
 * Membership configuration from a JSON file: conditions, tiers with their policies, cancellation reasons, the
 * stake-cancellation cut-off and the helpful-review threshold. The file is validated with the contract's own rules
 * before any gas is spent, and a dry run shows which members would change tier (computed with the contract's rule,
 * `_meets` + `tierFor`, over each member's counters). Applying it refreshes exactly those members.
 *
 * {
 *   "conditions": [{ "id": 0, "kind": "MinCompleted", "threshold": 3 }, { "id": 1, "kind": "Registered" }],
 *   "tiers": [{ "id": 1, "requires": [0, 1], "priority": 10,
 *               "policy": { "cancelWindow": "1d", "refundMode": "Credit", "feeBps": 0, "rewardBps": 100, "autoRelist": false } }],
 *   "reasons": [{ "code": 21, "enabled": true, "party": "Seller" }],
 *   "stakeCancelCutoff": "24h",
 *   "helpfulThreshold": 60
 * }
 */
import { readFileSync } from "node:fs";
import { UserError } from "../../core/errors.js";
import { CONDITION_KIND, PARTY, REFUND_MODE } from "../../core/enums.js";
import { shortAddress } from "../../core/format.js";
import type { IMembership } from "../../typechain-types/index.js";
import type { Context } from "./context.js";
import { parseDuration } from "./clock.js";
import { send } from "./tx.js";
import { table } from "./format.js";

const say = (line = "") => console.log(line);

const MAX_CONDITIONS = 32;
const MAX_TIERS = 16;
const THRESHOLD_MAX = (1 << 24) - 1;
const BPS = 10_000;
const FIRST_FREE_REASON = 16;
const MAX_CUTOFF = 30 * 86_400;

export interface ConditionSpec {
  id: number;
  kind: number;
  threshold: number;
}
export interface TierSpec {
  id: number;
  required: number;
  priority: number;
  policy: { cancelWindow: number; refundMode: number; feeBps: number; rewardBps: number; autoRelist: boolean };
}
export interface MembershipConfig {
  conditions: ConditionSpec[];
  tiers: TierSpec[];
  reasons: { code: number; enabled: boolean; party: number }[];
  stakeCancelCutoff?: number;
  helpfulThreshold?: number;
}

type Json = Record<string, unknown>;

function whole(value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new UserError(`${where} is ${JSON.stringify(value)}: it must be a whole number in ${min} … ${max.toLocaleString("en-US")}`);
  }
  return value;
}

function named(value: unknown, names: readonly string[], where: string, skipFirst = false): number {
  const index = names.findIndex((n) => typeof value === "string" && n.toLowerCase() === value.toLowerCase());
  if (index < (skipFirst ? 1 : 0)) throw new UserError(`${where} is ${JSON.stringify(value)}: use one of ${names.slice(skipFirst ? 1 : 0).join(", ")}`);
  return index;
}

function seconds(value: unknown, where: string): number {
  if (typeof value === "number") return whole(value, where, 0, 2 ** 32 - 1);
  if (typeof value !== "string") throw new UserError(`${where} is ${JSON.stringify(value)}: give seconds or a duration like "1d" or "12h"`);
  try {
    return Number(parseDuration(value));
  } catch {
    throw new UserError(`${where} is "${value}": give seconds or a duration like "1d" or "12h"`);
  }
}

/**
 * Validates a configuration against the contract's rules and the conditions already on chain (`onChain`: kinds by
 * id), so that a file that would revert halfway is refused whole, with the first problem named by its JSON path.
 */
export function validateConfig(
  raw: unknown,
  onChain: { conditionKinds: number[]; tierCount: number; tierPriorities?: number[] },
): MembershipConfig {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new UserError("the configuration must be a JSON object with conditions, tiers, reasons, …");
  const json = raw as Json;
  const known = ["conditions", "tiers", "reasons", "stakeCancelCutoff", "helpfulThreshold"];
  for (const key of Object.keys(json)) if (!known.includes(key)) throw new UserError(`unknown key "${key}": the configuration has ${known.join(", ")}`);
  const list = (key: string) => {
    const v = json[key] ?? [];
    if (!Array.isArray(v)) throw new UserError(`${key} must be a list`);
    return v as Json[];
  };

  const kinds = [...onChain.conditionKinds];
  const conditions = list("conditions").map((c, i) => {
    const at = `conditions[${i}]`;
    const id = whole(c.id, `${at}.id`, 0, MAX_CONDITIONS - 1);
    const kind = named(c.kind, CONDITION_KIND, `${at}.kind`, true);
    const isRate = kind === 2 || kind === 3;
    const threshold = kind === 6 ? whole(c.threshold ?? 0, `${at}.threshold`, 0, THRESHOLD_MAX) : whole(c.threshold, `${at}.threshold`, 0, isRate ? BPS : THRESHOLD_MAX);
    kinds[id] = kind;
    return { id, kind, threshold };
  });

  const priorities = new Map<number, number>();
  (onChain.tierPriorities ?? []).forEach((p, id) => id > 0 && priorities.set(p, id));
  const fileTierIds = new Set(list("tiers").map((t) => t.id));
  for (const [p, id] of [...priorities]) if (fileTierIds.has(id)) priorities.delete(p);
  let count = onChain.tierCount;
  const tiers = list("tiers").map((t, i) => {
    const at = `tiers[${i}]`;
    const id = whole(t.id, `${at}.id`, 0, MAX_TIERS - 1);
    if (id > count) throw new UserError(`${at}.id ${id} skips a tier: tiers are added in order, and the next new one is #${count}`);
    if (id === count) count += 1;
    const requires = (t.requires ?? []) as unknown;
    if (!Array.isArray(requires)) throw new UserError(`${at}.requires must be a list of condition ids`);
    let required = 0;
    for (const r of requires) {
      const cid = whole(r, `${at}.requires`, 0, MAX_CONDITIONS - 1);
      if (!kinds[cid]) throw new UserError(`${at}.requires names condition #${cid}, which is not set (on chain or in this file)`);
      required |= 1 << cid;
    }
    if (id === 0 && required !== 0) throw new UserError(`${at}: tier 0 is the default tier and requires no conditions`);
    const priority = whole(t.priority ?? 0, `${at}.priority`, 0, 65_535);
    if (id !== 0) {
      const other = priorities.get(priority);
      if (other !== undefined && other !== id) throw new UserError(`${at}.priority ${priority} is also tier #${other}'s: priorities are unique`);
      priorities.set(priority, id);
    }
    const p = (t.policy ?? {}) as Json;
    const policy = {
      cancelWindow: seconds(p.cancelWindow ?? 0, `${at}.policy.cancelWindow`),
      refundMode: named(p.refundMode ?? "Wallet", REFUND_MODE, `${at}.policy.refundMode`),
      feeBps: whole(p.feeBps ?? 0, `${at}.policy.feeBps`, 0, BPS),
      rewardBps: whole(p.rewardBps ?? 0, `${at}.policy.rewardBps`, 0, BPS),
      autoRelist: p.autoRelist === true,
    };
    return { id, required, priority, policy };
  });

  const reasons = list("reasons").map((r, i) => {
    const at = `reasons[${i}]`;
    return {
      code: whole(r.code, `${at}.code`, FIRST_FREE_REASON, 255),
      enabled: r.enabled !== false,
      party: named(r.party ?? "None", PARTY, `${at}.party`),
    };
  });
  const config: MembershipConfig = { conditions, tiers, reasons };
  if (json.stakeCancelCutoff !== undefined) {
    config.stakeCancelCutoff = seconds(json.stakeCancelCutoff, "stakeCancelCutoff");
    if (config.stakeCancelCutoff > MAX_CUTOFF) throw new UserError(`stakeCancelCutoff is ${config.stakeCancelCutoff} s: at most 30 days`);
  }
  if (json.helpfulThreshold !== undefined) config.helpfulThreshold = whole(json.helpfulThreshold, "helpfulThreshold", 0, 100);
  return config;
}

/** The contract's `_meets` for one condition over a member's counters (recent sales passed in: another read). */
function meets(kind: number, t: number, c: IMembership.CountersStructOutput, recentSales: bigint): boolean {
  const rate = c.orders === 0n ? 0n : ((c.cancelledAsBuyer + c.cancelledAsSeller) * BigInt(BPS)) / c.orders;
  switch (CONDITION_KIND[kind]) {
    case "MinCompleted": return c.completed >= BigInt(t);
    case "MinOrders": return c.orders >= BigInt(t);
    case "MinHelpfulReviews": return c.helpfulReviews >= BigInt(t);
    case "Registered": return c.registered;
    case "MaxStakeCancellations": return c.stakeCancellations <= BigInt(t);
    case "MinRecentSales": return recentSales >= BigInt(t);
    case "MaxCancellationRateBps": return rate <= BigInt(t);
    case "MinCancellationRateBps": return c.orders !== 0n && rate >= BigInt(t);
    default: return false;
  }
}

/** The contract's `tierFor`: the highest-priority tier whose required conditions are all met (else tier 0). */
function tierFor(met: number, tiers: { required: number; priority: number }[]): number {
  let best = -1;
  let tier = 0;
  for (let i = 1; i < tiers.length; i++) {
    const t = tiers[i];
    if ((t.required & met) !== t.required) continue;
    if (tier === 0 || t.priority > best) {
      tier = i;
      best = t.priority;
    }
  }
  return tier;
}

/** Every address the membership contract keeps counters for (from its CountersUpdated events). */
async function members(ctx: Context): Promise<string[]> {
  const events = await ctx.sys.membership.queryFilter(ctx.sys.membership.filters.CountersUpdated());
  return [...new Set(events.map((e) => String(e.args.member)))];
}

/**
 * Reads `file`, validates it, shows what it changes and which members change tier; unless `dryRun`, applies it as
 * the admin (`from`) and refreshes the members whose tier changes.
 */
export async function configureMembership(ctx: Context, args: { file: string; dryRun?: boolean; from?: string }) {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(args.file, "utf8"));
  } catch (error) {
    throw new UserError(`cannot read ${args.file}: ${(error as Error).message.split("\n")[0]}`);
  }
  const membership = ctx.sys.membership;
  const tierCount = Number(await membership.tierCount());
  const conditionKinds: number[] = [];
  for (let i = 0; i < MAX_CONDITIONS; i++) conditionKinds.push(Number((await membership.condition(i)).kind));
  const tierPriorities: number[] = [];
  for (let i = 0; i < tierCount; i++) tierPriorities.push(Number((await membership.tier(i)).priority));
  const config = validateConfig(raw, { conditionKinds, tierCount, tierPriorities });

  // The configuration as it will be: chain state with the file's changes on top.
  const conditions = conditionKinds.map((kind, id) => ({ kind, threshold: 0, id }));
  for (let i = 0; i < MAX_CONDITIONS; i++) if (conditions[i].kind !== 0) conditions[i].threshold = Number((await membership.condition(i)).threshold);
  for (const c of config.conditions) conditions[c.id] = c;
  const tiersBefore: { required: number; priority: number }[] = [];
  for (let i = 0; i < tierCount; i++) {
    const t = await membership.tier(i);
    tiersBefore.push({ required: Number(t.required), priority: Number(t.priority) });
  }
  const tiersAfter = [...tiersBefore];
  for (const t of config.tiers) tiersAfter[t.id] = { required: t.required, priority: t.priority };

  const changes: { member: string; from: number; to: number }[] = [];
  for (const member of await members(ctx)) {
    const c = await membership.countersOf(member);
    const recent = await membership.recentSales(member);
    let met = 0;
    for (const cond of conditions) if (cond.kind !== 0 && meets(cond.kind, cond.threshold, c, recent)) met |= 1 << cond.id;
    const to = tierFor(met, tiersAfter);
    if (to !== Number(c.tier)) changes.push({ member, from: Number(c.tier), to });
  }

  say(`Membership configuration from ${args.file}${args.dryRun ? " (dry run: nothing is sent)" : ""}`);
  say(`   ${config.conditions.length} condition(s), ${config.tiers.length} tier(s), ${config.reasons.length} reason(s)` +
    `${config.stakeCancelCutoff !== undefined ? `, stake-cancellation cut-off ${config.stakeCancelCutoff} s` : ""}` +
    `${config.helpfulThreshold !== undefined ? `, helpful threshold ${config.helpfulThreshold}` : ""}`);
  if (changes.length === 0) say("   no member changes tier");
  else {
    say(`   ${changes.length} member(s) change tier:`);
    table(["Member", ">From", ">To"], changes.map((c) => [c.member, `#${c.from}`, `#${c.to}`]));
  }
  if (args.dryRun) return { config, changes, applied: false };

  const admin = ctx.signer(args.from, 0);
  if (!(await ctx.sys.marketplace.hasRole(await ctx.sys.marketplace.DEFAULT_ADMIN_ROLE(), admin.address))) {
    throw new UserError(`${shortAddress(admin.address)} is not the marketplace's admin, who alone configures membership: run with --from the admin's account`);
  }
  const m = membership.connect(admin);
  for (const c of config.conditions) await send(m.setCondition(c.id, { kind: c.kind, threshold: c.threshold }));
  for (const t of config.tiers) await send(m.setTier(t.id, t.required, t.priority, t.policy));
  for (const r of config.reasons) await send(m.setReason(r.code, r.enabled, r.party));
  if (config.stakeCancelCutoff !== undefined) await send(m.setStakeCancelCutoff(config.stakeCancelCutoff));
  if (config.helpfulThreshold !== undefined) await send(m.setHelpfulThreshold(config.helpfulThreshold));
  for (const c of changes) await send(m.refresh(c.member));
  say(`✓ membership configured by ${shortAddress(admin.address)}${changes.length > 0 ? `; ${changes.length} member(s) refreshed to their new tier` : ""}`);
  return { config, changes, applied: true };
}
