/**
 * npm run bench:indexer — the catalog indexer's numbers on this machine (docs/benchmarks/indexer.md), each indexed from
 * an empty database (PGlite, and PostgreSQL in a fresh database when DATABASE_URL or the local cluster answers):
 *  1. "many per block": the 2,000,000-stake villa's 100,000 purchases alone (20 stakes each, 500 per block through
 *     BatchBuyer contracts): wall time, purchases/s, peak RSS;
 *  2. the same chain plus 1,000 listings and a holder with 100 positions: indexing, then catalog query latency
 *     (search + filter + sort + page), /accounts/:address and the villa's page, p50/p95;
 *  3. "one per block": ONE_PER_BLOCK (default 3,000) purchases, each in its own block.
 * Env: PURCHASES, LISTINGS, ONE_PER_BLOCK to scale down for a quick look; BENCH_WRITE=file to save the tables.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Address, Hex } from "viem";
import { readDeployment } from "../core/deployment.js";
import { SAMPLE_ASSETS } from "../core/assets.js";
import { connectChain, type Chain } from "./lib/chain.js";
import { deployLocal, startIndexer } from "./lib/indexer.js";
import { freePort, startNode, stopNode } from "./lib/node.js";
import { listAsset, verifySeller } from "./lib/seed.js";
import { freshDatabase, postgresAvailable, POSTGRES_URL } from "./lib/postgres.js";

const PURCHASES = Number(process.env.PURCHASES ?? 100_000);
const LISTINGS = Number(process.env.LISTINGS ?? 1_000);
const ONE_PER_BLOCK = Number(process.env.ONE_PER_BLOCK ?? 3_000);
const PER_TX = 500;
const USDC = 1_000_000n;

type Db = "PGlite" | "PostgreSQL";
const rows: string[] = [];
const queryRows: string[] = [];
const say = (line: string) => console.log(line);

/** A fresh node with the system deployed. */
async function freshChain() {
  const port = await freePort();
  const rpcUrl = `http://127.0.0.1:${port}`;
  const id = `stack-bench-${port}`;
  const node = await startNode(port, () => {});
  await deployLocal(rpcUrl, id);
  const chain = await connectChain(rpcUrl, await readDeployment(path.join("deploy", "deployments", id)));
  await verifySeller(chain);
  return {
    rpcUrl,
    id,
    chain,
    stop: async () => {
      await stopNode(node);
      rmSync(path.join("deploy", "deployments", id), { recursive: true, force: true });
    },
  };
}

const villa = { ...SAMPLE_ASSETS[2], stakes: 2_000_000, threshold: 1_000_000, price: 10_000_000, stakePrice: 10 };

/** Deploys a BatchBuyer funded for `purchases` purchases of `count` stakes; returns its address. */
async function batchBuyer(chain: Chain, stakePrice: bigint, purchases: number, count: bigint): Promise<Address> {
  const artifact = JSON.parse(readFileSync("artifacts/contracts/mocks/BatchBuyer.sol/BatchBuyer.json", "utf8")) as { abi: never; bytecode: Hex };
  const from = chain.accounts[0];
  const hash = await chain.wallet.deployContract({ account: from, chain: null, abi: artifact.abi, bytecode: artifact.bytecode });
  const receipt = await chain.client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  const address = receipt.contractAddress!;
  await chain.send(from, chain.usdc, chain.abis.MockUSDCAbi as never, "mint", [address, BigInt(purchases) * count * stakePrice]);
  return address;
}

async function quantiles(run: () => Promise<unknown>, n: number) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(n * 0.5)], p95: times[Math.floor(n * 0.95)] };
}

/** Starts an indexer from empty on `db`, waits until it indexed `block`; wall time and peak RSS. */
async function indexFromEmpty(rpcUrl: string, deployment: string, db: Db, block: bigint) {
  const dir = mkdtempSync(path.join(tmpdir(), "copurchase-bench-"));
  const database = db === "PostgreSQL" ? await freshDatabase(`copurchase_bench_${Date.now()}`) : undefined;
  const started = performance.now();
  const indexer = await startIndexer({
    rpcUrl,
    deployment,
    pgliteDir: path.join(dir, "pglite"),
    databaseUrl: database?.url,
    schema: "catalog",
  });
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${indexer.process.pid}/status`, "utf8");
      peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // exited
    }
  }, 200);
  // Time to the first HTTP answer (build, database, schema) is reported apart from the indexing itself.
  let answered = 0;
  while (!answered) {
    try {
      if ((await fetch(`${indexer.url}/status`)).ok) answered = performance.now();
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await indexer.waitForBlock(block, 30 * 60_000);
  const done = performance.now();
  clearInterval(sampler);
  return {
    indexer,
    startup: (answered - started) / 1000,
    wall: (done - started) / 1000,
    indexing: (done - answered) / 1000,
    peakMb: Math.round(peak / 1024),
    cleanup: async () => {
      await indexer.stop();
      rmSync(dir, { recursive: true, force: true });
      await database?.drop();
    },
  };
}

/** Index from empty on each database; `then` runs on each indexer before it stops. */
async function indexEach(rpcUrl: string, id: string, dbs: Db[], head: bigint, shape: string, what: string, events: number, unit: string, then?: (db: Db, url: string) => Promise<void>) {
  for (const db of dbs) {
    const r = await indexFromEmpty(rpcUrl, id, db, head);
    say(`${db}: ${shape}, ${what}: wall ${r.wall.toFixed(1)} s (startup ${r.startup.toFixed(1)} s, indexing ${r.indexing.toFixed(1)} s), peak RSS ${r.peakMb} MB`);
    rows.push(`| ${db} | ${shape} | ${what} | ${r.wall.toFixed(1)} s | ${r.startup.toFixed(1)} s | ${r.indexing.toFixed(1)} s | ${Math.round(events / r.indexing).toLocaleString("en-US")} ${unit}/s | ${r.peakMb} MB |`);
    await then?.(db, r.indexer.url);
    await r.cleanup();
  }
}

async function manyPerBlock(dbs: Db[]) {
  const { rpcUrl, id, chain, stop } = await freshChain();
  try {
    let t = performance.now();
    const v = await listAsset(chain, villa);
    const buyers = 10;
    const each = PURCHASES / buyers;
    const buyMany = JSON.parse(readFileSync("artifacts/contracts/mocks/BatchBuyer.sol/BatchBuyer.json", "utf8")).abi;
    for (let b = 0; b < buyers; b++) {
      const buyer = await batchBuyer(chain, 10n * USDC, each, 20n);
      for (let done = 0; done < each; done += PER_TX) {
        await chain.send(chain.accounts[0], buyer, buyMany, "buyMany", [v.address, chain.usdc, 20n, BigInt(Math.min(PER_TX, each - done))]);
      }
      say(`villa: ${((b + 1) * each).toLocaleString("en-US")} purchases after ${((performance.now() - t) / 1000).toFixed(0)} s`);
    }
    await chain.rpc("evm_mine");
    const villaHead = await chain.client.getBlockNumber();
    say(`villa: ${PURCHASES.toLocaleString("en-US")} purchases in ${((performance.now() - t) / 1000).toFixed(0)} s; head ${villaHead}`);
    // 1. The villa alone: what the "index 100,000 purchases from empty" measures.
    const villaWhat = `the villa's ${PURCHASES.toLocaleString("en-US")} purchases`;
    await indexEach(rpcUrl, id, dbs, villaHead, `many per block (${PER_TX}/block)`, villaWhat, PURCHASES, "purchases");

    // 2. The catalogue: LISTINGS listings (the sample assets over and over), and one holder with 100 positions.
    t = performance.now();
    const listed: Address[] = [];
    for (let i = 1; i < LISTINGS; i++) listed.push((await listAsset(chain, { ...SAMPLE_ASSETS[i % SAMPLE_ASSETS.length], name: `${SAMPLE_ASSETS[i % SAMPLE_ASSETS.length].name} #${i}` })).address);
    const holder = chain.accounts[5];
    await chain.send(holder, chain.usdc, chain.abis.MockUSDCAbi as never, "mint", [holder, 100_000_000n * USDC]);
    let token = 0n;
    for (let i = 0; i < Math.min(100, listed.length); i++) {
      await chain.send(holder, chain.usdc, chain.abis.MockUSDCAbi as never, "approve", [listed[i], 2n ** 255n]);
      const receipt = await chain.send(holder, listed[i], chain.abis.ListingAbi as never, "buy", [i % 4 === 0 ? 0n : token, 1n]);
      token = (chain.events(receipt as never, chain.abis.ListingAbi as never, "StakesPurchased")[0].args as unknown as { tokenId: bigint }).tokenId;
    }
    await chain.rpc("evm_mine");
    const head = await chain.client.getBlockNumber();
    say(`catalogue: ${LISTINGS} listings, a holder with 100 positions, in ${((performance.now() - t) / 1000).toFixed(0)} s; head ${head}`);
    const what = `${villaWhat} + ${LISTINGS.toLocaleString("en-US")} listings (~3 blocks each)`;
    await indexEach(rpcUrl, id, dbs, head, "mixed", what, PURCHASES + LISTINGS * 3, "events", async (db, url) => {
      const words = ["rol", "villa", "g-class", "house malibu", "porsche", "diamond", "yacht", "watch", "hermes birkin", "monte"];
      const sorts = ["odds", "stakePrice", "price", "endingSoon", "mostSold", "newest", "relevance"];
      const cats = ["", "&category=cars", "&category=watches&subcategory=chronographs", "&category=real%20estate", "&status=Open"];
      let i = 0;
      const catalog = await quantiles(async () => {
        i++;
        const q = words[i % words.length];
        const query = `${url}/catalog?q=${encodeURIComponent(q)}${cats[i % cats.length]}&sort=${sorts[i % sorts.length]}&limit=24`;
        const body = (await (await fetch(query)).json()) as { nextCursor: string | null };
        if (body.nextCursor && i % 2 === 0) await (await fetch(`${query}&cursor=${body.nextCursor}`)).json();
      }, 300);
      const browse = await quantiles(async () => {
        i++;
        await (await fetch(`${url}/catalog?sort=${sorts[i % 6]}${cats[i % cats.length]}&limit=24`)).json();
      }, 300);
      const account = await quantiles(async () => {
        const body = (await (await fetch(`${url}/accounts/${holder}`)).json()) as { positions: unknown[] };
        if (body.positions.length !== Math.min(100, listed.length)) throw new Error(`expected ${Math.min(100, listed.length)} positions, got ${body.positions.length}`);
      }, 200);
      const villaPage = await quantiles(async () => {
        await (await fetch(`${url}/listings/${v.listingId}?purchasesLimit=100`)).json();
      }, 100);
      const ms = (x: { p50: number; p95: number }) => `${x.p50.toFixed(1)} / ${x.p95.toFixed(1)} ms`;
      say(`${db}: catalog search+filter+sort+page p50/p95 ${ms(catalog)}; browse ${ms(browse)}; /accounts (100 positions) ${ms(account)}; villa page ${ms(villaPage)}`);
      queryRows.push(`| ${db} | ${ms(catalog)} | ${ms(browse)} | ${ms(account)} | ${ms(villaPage)} |`);
    });
  } finally {
    await stop();
  }
}

async function onePerBlock(dbs: Db[]) {
  const { rpcUrl, id, chain, stop } = await freshChain();
  try {
    const v = await listAsset(chain, villa);
    const t = performance.now();
    const buyers = chain.accounts.slice(2, 12);
    for (const b of buyers) {
      await chain.send(b, chain.usdc, chain.abis.MockUSDCAbi as never, "mint", [b, 1_000_000n * USDC]);
      await chain.send(b, chain.usdc, chain.abis.MockUSDCAbi as never, "approve", [v.address, 2n ** 255n]);
    }
    const tokens = new Map<Address, bigint>();
    for (let i = 0; i < ONE_PER_BLOCK; i++) {
      const b = buyers[i % buyers.length];
      const receipt = await chain.send(b, v.address, chain.abis.ListingAbi as never, "buy", [tokens.get(b) ?? 0n, 3n]);
      if (!tokens.has(b)) tokens.set(b, (chain.events(receipt as never, chain.abis.ListingAbi as never, "StakesPurchased")[0].args as unknown as { tokenId: bigint }).tokenId);
    }
    await chain.rpc("evm_mine");
    const head = await chain.client.getBlockNumber();
    say(`one per block: ${ONE_PER_BLOCK} purchases in ${((performance.now() - t) / 1000).toFixed(0)} s; head ${head}`);
    await indexEach(rpcUrl, id, dbs, head, "one per block", `${ONE_PER_BLOCK.toLocaleString("en-US")} purchases`, ONE_PER_BLOCK, "purchases");
  } finally {
    await stop();
  }
}

const dbs: Db[] = ["PGlite"];
if (await postgresAvailable()) dbs.push("PostgreSQL");
else say(`PostgreSQL not reachable at ${POSTGRES_URL}: PGlite only (.ci/postgres start)`);
await manyPerBlock(dbs);
await onePerBlock(dbs);

const table = [
  "| Database | Shape | Indexed from empty | Wall time | of which startup | Indexing | Rate | Peak RSS |",
  "|---|---|---|---|---|---|---|---|",
  ...rows,
  "",
  `Queries at ${LISTINGS.toLocaleString("en-US")} listings and ${PURCHASES.toLocaleString("en-US")} purchases, p50 / p95 (300 catalog requests each, 200 account, 100 villa):`,
  "",
  "| Database | search + filter + sort + page | browse (filter + sort) | /accounts (100 positions) | /listings/:villa (100 purchases) |",
  "|---|---|---|---|---|",
  ...queryRows,
].join("\n");
console.log(`\n${table}`);
if (process.env.BENCH_WRITE) writeFileSync(process.env.BENCH_WRITE, table + "\n");
