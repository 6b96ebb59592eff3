/**
 * listing:list — browse and search listings from the terminal. It asks the indexer's catalog API (indexer/API.md,
 * `GET /catalog`) when one answers, and otherwise reads the chain itself (slower: a few calls per listing; key words
 * then match the metadata URI, and categories are numbers).
 */
import { categoryName } from "../../core/categories.js";
import { UserError } from "../../core/errors.js";
import { LISTING_STATUS } from "../../core/enums.js";
import { formatCount, formatDuration, formatOdds, formatTime, plural } from "../../core/format.js";
import type { Context } from "./context.js";
import { table } from "./format.js";

const say = (line = "") => console.log(line);

/** Where the indexer's API answers by default (Ponder's port); COPURCHASE_API overrides it. */
export const DEFAULT_API = "http://127.0.0.1:42069";
/** How long to wait for the catalog API before reading the chain instead. */
const API_TIMEOUT_MS = 1_500;

export const SORTS = ["odds", "stakePrice", "price", "endingSoon", "mostSold", "newest"] as const;
export type Sort = (typeof SORTS)[number];

export interface ListArgs {
  status?: string;
  category?: string;
  q?: string;
  sort?: string;
  limit?: number;
  /** The catalog API's base URL; "none" reads the chain only. */
  api?: string;
}

/** One row of the list, whichever source it came from (amounts in token units). */
export interface Row {
  id: bigint;
  address: string;
  name: string;
  category: string;
  status: string;
  price: bigint;
  stakePrice: bigint;
  stakes: bigint;
  threshold: bigint;
  sold: bigint;
  deadline: bigint;
}

/** Stakes that compete with each stake now: max(sold, T) (the draw needs T; the odds only improve as sales grow). */
const competing = (r: Row) => (r.sold > r.threshold ? r.sold : r.threshold);

function checkArgs(args: ListArgs): { sort: Sort; limit: number; status?: string } {
  const sort = (args.sort ?? "odds") as Sort;
  if (!SORTS.includes(sort)) throw new UserError(`--sort ${args.sort} is not a sort: use one of ${SORTS.join(", ")}`);
  const limit = args.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new UserError(`--limit ${limit} is outside 1 … 100`);
  let status: string | undefined;
  if (args.status) {
    status = LISTING_STATUS.find((s) => s.toLowerCase() === args.status!.trim().toLowerCase());
    if (!status) throw new UserError(`--status ${args.status} is not a listing state: use one of ${LISTING_STATUS.join(", ")}`);
  }
  return { sort, limit, status };
}

/** The catalog API's items as rows, or undefined when no API answers at `base`. */
async function fromApi(base: string, args: ListArgs, sort: Sort, limit: number, status?: string): Promise<{ rows: Row[]; total: number } | undefined> {
  const query = new URLSearchParams({ sort, limit: String(limit) });
  if (args.q) query.set("q", args.q);
  if (args.category) query.set("category", args.category);
  if (status) query.set("status", status);
  let response: Response;
  try {
    response = await fetch(`${base.replace(/\/$/, "")}/catalog?${query}`, { signal: AbortSignal.timeout(API_TIMEOUT_MS) });
  } catch {
    return undefined; // nothing listens there: read the chain
  }
  const body = (await response.json().catch(() => ({}))) as { items?: Record<string, unknown>[]; total?: number; error?: string };
  if (!response.ok) throw new UserError(`the catalog API refused the query: ${body.error ?? `HTTP ${response.status}`}`);
  const rows = (body.items ?? []).map((i) => ({
    id: BigInt(String(i.id)),
    address: String(i.address),
    name: String(i.name ?? ""),
    category: String(i.category ?? ""),
    status: String(i.status),
    price: BigInt(String(i.price)),
    stakePrice: BigInt(String(i.stakePrice)),
    stakes: BigInt(String(i.stakes)),
    threshold: BigInt(String(i.threshold)),
    sold: BigInt(String(i.sold)),
    deadline: BigInt(String(i.deadline)),
  }));
  return { rows, total: Number(body.total ?? rows.length) };
}

/** The JSON of an inline (data:) metadata URI, or undefined for any other URI or bytes that are not JSON. */
function inlineMetadata(uri: string): Record<string, unknown> | undefined {
  const inline = /^data:([^,]*),(.*)$/s.exec(uri);
  if (!inline) return undefined;
  try {
    const json = inline[1].includes("base64") ? Buffer.from(inline[2], "base64").toString("utf8") : decodeURIComponent(inline[2]);
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A listing's name from its deed's metadata URI without fetching anything: the `name` of inline (data:) JSON
 * metadata, else the file name of the URI ("ipfs://…/porsche-911.json" → "porsche 911").
 */
export function nameFromUri(uri: string): string {
  if (uri.startsWith("data:")) {
    const name = inlineMetadata(uri)?.name;
    return typeof name === "string" ? name : "";
  }
  return uri.replace(/^.*\//, "").replace(/\.json$/, "").replace(/[-_]/g, " ");
}

/** The category a person reads: the inline metadata's own, else the name of the terms' category id. */
export function categoryFromUri(uri: string, categoryId: bigint): string {
  const category = inlineMetadata(uri)?.category;
  return typeof category === "string" && category !== "" ? category : categoryName(categoryId);
}

/** Every listing read from the chain, filtered and sorted as the API would. */
async function fromChain(ctx: Context, args: ListArgs, sort: Sort, limit: number, status?: string): Promise<{ rows: Row[]; total: number }> {
  const { marketplace } = ctx.sys;
  const count = await marketplace.listingCount();
  const rows: Row[] = [];
  for (let id = 1n; id <= count; id++) {
    const listing = await ctx.listing(String(id));
    const [[, terms], statusIndex, [sold]] = await Promise.all([listing.charter(), listing.status(), listing.sales()]);
    const uri = await ctx.sys.deed.tokenURI(terms.deedId).catch(() => "");
    rows.push({
      id,
      address: String(listing.target),
      name: nameFromUri(uri) || `deed #${terms.deedId}`,
      category: categoryFromUri(uri, terms.category),
      status: LISTING_STATUS[Number(statusIndex)],
      price: terms.price,
      stakePrice: terms.stakePrice,
      stakes: terms.stakeCount,
      threshold: terms.threshold,
      sold,
      deadline: terms.deadline,
    });
  }
  const words = (args.q ?? "").toLowerCase().split(/\s+/).filter((w) => w !== "");
  const filtered = rows.filter(
    (r) =>
      (!status || r.status === status) &&
      (!args.category || r.category.toLowerCase() === args.category.trim().toLowerCase()) &&
      words.every((w) => r.name.toLowerCase().split(/\s+/).some((part) => part.startsWith(w))),
  );
  const by: Record<Sort, (a: Row, b: Row) => number> = {
    odds: (a, b) => cmp(competing(a), competing(b)),
    stakePrice: (a, b) => cmp(a.stakePrice, b.stakePrice),
    price: (a, b) => cmp(a.price, b.price),
    endingSoon: (a, b) => Number(b.status === "Open") - Number(a.status === "Open") || cmp(a.deadline, b.deadline),
    mostSold: (a, b) => cmp(b.sold, a.sold),
    newest: (a, b) => cmp(b.id, a.id),
  };
  filtered.sort((a, b) => by[sort](a, b) || cmp(a.id, b.id));
  return { rows: filtered.slice(0, limit), total: filtered.length };
}

const cmp = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/** Lists listings from the catalog API if it answers, else from the chain; prints where the rows came from. */
export async function listListings(ctx: Context, args: ListArgs) {
  const { sort, limit, status } = checkArgs(args);
  const base = args.api ?? process.env.COPURCHASE_API ?? DEFAULT_API;
  const api = base === "none" ? undefined : await fromApi(base, args, sort, limit, status);
  const { rows, total } = api ?? (await fromChain(ctx, args, sort, limit, status));
  const source = api ? `catalog API at ${base}` : `the chain (${base === "none" ? "--api none" : `no catalog API at ${base}`})`;
  const now = await ctx.now();
  const m = ctx.money;
  say(`${plural(total, "listing")} (${rows.length} shown, by ${sort}) from ${source}`);
  if (rows.length === 0) return { source: api ? "api" : "chain", rows };
  table(
    ["#", "Name", "Category", "State", ">Price P", ">Stake s", ">Sold", ">Odds per stake now", "Time-Date A"],
    rows.map((r) => [
      `#${r.id}`,
      r.name.length > 28 ? `${r.name.slice(0, 27)}…` : r.name,
      r.category,
      r.status,
      m.format(r.price),
      m.format(r.stakePrice),
      `${formatCount(r.sold)}/${formatCount(r.stakes)}`,
      formatOdds(1n, competing(r)),
      r.status === "Open" && r.deadline > now ? `in ${formatDuration(r.deadline - now)}` : formatTime(r.deadline),
    ]),
  );
  return { source: api ? "api" : "chain", rows };
}
