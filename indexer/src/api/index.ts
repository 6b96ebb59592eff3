/**
 * The catalog's HTTP API (indexer/API.md): thin routes over lib/queries.ts. JSON is bigint-safe (amounts as decimal
 * strings), bad input answers 400 naming the parameter, CORS is open. Ponder's GraphQL (/graphql) and SQL over
 * HTTP (/sql/*) stay available.
 */
import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono, type Context } from "hono";
import { cors } from "hono/cors";
import { streamSSE } from "hono/streaming";
import { client, graphql } from "ponder";
import { account, catalog, changesAfter, latestChange, listingDetail, verify } from "../../lib/queries.js";
import * as p from "../../lib/params.js";
import { BadInput } from "../../lib/params.js";

const app = new Hono();
app.use("*", cors());
app.use("/sql/*", client({ db, schema }));
app.use("/graphql", graphql({ db, schema }));

/** JSON with bigints as decimal strings (Hono's c.json cannot serialise bigint). */
const json = (c: Context, body: unknown, status: 200 | 400 | 404 = 200) =>
  c.body(JSON.stringify(body, (_k, v) => (typeof v === "bigint" ? v.toString() : v)), status, { "content-type": "application/json; charset=utf-8" });

app.onError((error, c) => {
  if (error instanceof BadInput) return json(c, { error: error.message, parameter: error.parameter }, 400);
  console.error(error);
  return c.json({ error: "internal error" }, 500);
});

app.get("/deployment", (c) => json(c, JSON.parse(process.env.COPURCHASE_DEPLOYMENT_JSON ?? "{}")));

app.get("/catalog", async (c) => {
  const q = p.text(c.req.query("q"), "q", 200);
  return json(
    c,
    await catalog(db, {
      q,
      category: p.text(c.req.query("category"), "category", 100),
      subcategory: p.text(c.req.query("subcategory"), "subcategory", 100),
      status: p.status(c.req.query("status")),
      sort: p.sort(c.req.query("sort"), q !== undefined),
      cursor: c.req.query("cursor"),
      limit: p.limit(c.req.query("limit"), "limit", 24),
    }),
  );
});

app.get("/listings/:id", async (c) => {
  const id = p.positiveId(c.req.param("id"), "id");
  const found = await listingDetail(db, id, c.req.query("purchasesCursor"), p.limit(c.req.query("purchasesLimit"), "purchasesLimit", 50));
  return found ? json(c, found) : json(c, { error: `no listing #${id}` }, 404);
});

app.get("/listings/:id/draw/verify", async (c) => {
  const id = p.positiveId(c.req.param("id"), "id");
  const found = await verify(db, id);
  return found ? json(c, found) : json(c, { error: `no listing #${id}` }, 404);
});

app.get("/accounts/:address", async (c) => json(c, await account(db, p.address(c.req.param("address"), "address"))));

// ---------------------------------------------------------------- live updates

/**
 * Server-sent events, one message per indexed block that changed something. One poller (every 250 ms, only while
 * someone listens) reads the `change` table and fans out to every client, so the database sees one small query
 * however many pages are open; with Ponder polling the node every 200 ms a purchase reaches the page well within 2 s.
 */
type Listener = (message: { block: bigint; listings: bigint[]; reorg?: boolean }) => void;
const listeners = new Set<Listener>();
let poller: ReturnType<typeof setInterval> | undefined;
let seen = -1n;

async function poll() {
  const latest = await latestChange(db);
  if (seen < 0n || latest < seen) {
    // First poll, or a reorg removed blocks: start from what the database holds now.
    if (seen >= 0n) for (const l of listeners) l({ block: latest, listings: [], reorg: true });
    seen = latest;
    return;
  }
  if (latest === seen) return;
  const byBlock = new Map<bigint, bigint[]>();
  for (const row of await changesAfter(db, seen)) {
    const list = byBlock.get(row.block) ?? [];
    if (row.listingId !== 0n) list.push(row.listingId);
    byBlock.set(row.block, list);
    seen = row.block > seen ? row.block : seen;
  }
  for (const [block, list] of byBlock) for (const l of listeners) l({ block, listings: list });
}

app.get("/events", (c) =>
  streamSSE(c, async (stream) => {
    const queue: string[] = [];
    let wake: (() => void) | undefined;
    const listener: Listener = (m) => {
      queue.push(JSON.stringify(m, (_k, v) => (typeof v === "bigint" ? Number(v) : v)));
      wake?.();
    };
    listeners.add(listener);
    poller ??= setInterval(() => void poll().catch((e) => console.error("events poll", e)), 250);
    stream.onAbort(() => {
      listeners.delete(listener);
      if (listeners.size === 0 && poller) {
        clearInterval(poller);
        poller = undefined;
        seen = -1n;
      }
      wake?.();
    });
    await stream.writeSSE({ event: "ready", data: "{}" });
    while (!stream.aborted) {
      while (queue.length > 0) await stream.writeSSE({ data: queue.shift()! });
      await Promise.race([new Promise<void>((r) => (wake = r)), stream.sleep(15_000)]);
      if (queue.length === 0 && !stream.aborted) await stream.write(": keep-alive\n\n");
    }
  }),
);

export default app;
