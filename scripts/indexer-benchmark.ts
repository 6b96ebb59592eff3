/**
 * npm run bench:indexer — the catalog indexer's numbers on this machine (docs/benchmarks/indexer.md):
 *  1. "many per block": the 2,000,000-stake villa's 100,000 purchases (20 stakes each, 500 per block through
 *     BatchBuyer contracts) plus 1,000 listings, indexed from an empty database: wall time, events/s, peak RSS;
 *     then catalog query latency (search + filter + sort + page) and /accounts/:address for a holder with 100
 *     positions, p50/p95.
 *  2. "one per block": ONE_PER_BLOCK (default 3,000) purchases, each in its own block, indexed from empty.
 * Each on PGlite and, when DATABASE_URL (or the local cluster) answers, PostgreSQL. Env: PURCHASES, LISTINGS,
 * ONE_PER_BLOCK to scale down for a quick look.
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

const rows: string[] = [];
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
async function indexFromEmpty(rpcUrl: string, deployment: string, db: "PGlite" | "PostgreSQL", block: bigint) {
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

async function manyPerBlock(dbs: ("PGlite" | "PostgreSQL")[]) {
  const { rpcUrl, id, chain, stop } = await freshChain();
  try {
    let t = performance.now();
    const v = await listAsset(chain, villa);
    const buyers = 10;
    const each = PURCHASES / buyers;
    for (let b = 0; b < buyers; b++) {
      const buyer = await batchBuyer(chain, 10n * USDC, each, 20n);
      for (let done = 0; done < each; done += PER_TX) {
        await chain.send(chain.accounts[0], buyer, JSON.parse(readFileSync("artifacts/contracts/mocks/BatchBuyer.sol/BatchBuyer.json", "utf8")).abi, "buyMany", [v.address, chain.usdc, 20n, BigInt(Math.min(PER_TX, each - done))]);
      }
    }
    say(`villa: ${PURCHASES.toLocaleString("en-US")} purchases in ${((performance.now() - t) / 1000).toFixed(0)} s`);
    t = performance.now();
    // The catalogue: LISTINGS listings (the sample assets over and over), and one holder with 100 positions.
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

    for (const db of dbs) {
      const r = await indexFromEmpty(rpcUrl, id, db, head);
      const events = PURCHASES + LISTINGS * 2;
      say(`${db}: many per block: wall ${r.wall.toFixed(1)} s (startup ${r.startup.toFixed(1)} s, indexing ${r.indexing.toFixed(1)} s), peak RSS ${r.peakMb} MB`);
      rows.push(`| ${db} | many per block (${PER_TX}/block) | ${PURCHASES.toLocaleString("en-US")} purchases + ${LISTINGS.toLocaleString("en-US")} listings | ${r.wall.toFixed(1)} s | ${r.startup.toFixed(1)} s | ${r.indexing.toFixed(1)} s | ${Math.round(PURCHASES / r.indexing).toLocaleString("en-US")} purchases/s (${Math.round(events / r.indexing).toLocaleString("en-US")} events/s) | ${r.peakMb} MB |`);
      const words = ["rol", "villa", "g-class", "house malibu", "porsche", "diamond", "yacht", "watch", "hermes birkin", "monte"];
      const sorts = ["odds", "stakePrice", "price", "endingSoon", "mostSold", "newest", "relevance"];
      const cats = ["", "&category=cars", "&category=watches&subcategory=chronographs", "&category=real%20estate", "&status=Open"];
      let i = 0;
      const catalog = await quantiles(async () => {
        i++;
        const q = words[i % words.length];
        const url = `${r.indexer.url}/catalog?q=${encodeURIComponent(q)}${cats[i % cats.length]}&sort=${sorts[i % sorts.length]}&limit=24`;
        const body = (await (await fetch(url)).json()) as { nextCursor: string | null };
        if (body.nextCursor && i % 2 === 0) await (await fetch(`${url}&cursor=${body.nextCursor}`)).json();
      }, 300);
      const browse = await quantiles(async () => {
        i++;
        await (await fetch(`${r.indexer.url}/catalog?sort=${sorts[i % 6]}${cats[i % cats.length]}&limit=24`)).json();
      }, 300);
      const account = await quantiles(async () => {
        const body = (await (await fetch(`${r.indexer.url}/accounts/${holder}`)).json()) as { positions: unknown[] };
        if (body.positions.length !== 100) throw new Error(`expected 100 positions, got ${body.positions.length}`);
      }, 200);
      const villaPage = await quantiles(async () => {
        await (await fetch(`${r.indexer.url}/listings/${v.listingId}?purchasesLimit=100`)).json();
      }, 100);
      const ms = (x: { p50: number; p95: number }) => `${x.p50.toFixed(1)} / ${x.p95.toFixed(1)} ms`;
      say(`${db}: catalog search+filter+sort+page p50/p95 ${ms(catalog)}; browse ${ms(browse)}; /accounts (100 positions) ${ms(account)}; villa page ${ms(villaPage)}`);
      rows.push(`| ${db} | queries at ${LISTINGS.toLocaleString("en-US")} listings, ${PURCHASES.toLocaleString("en-US")} purchases | search + filter + sort + page: ${ms(catalog)} · browse (filter + sort): ${ms(browse)} · /accounts (100 positions): ${ms(account)} · /listings/:villa (100 purchases): ${ms(villaPage)} | | | | | |`);
      await r.cleanup();
    }
  } finally {
    await stop();
  }
}

async function onePerBlock(dbs: ("PGlite" | "PostgreSQL")[]) {
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
    for (const db of dbs) {
      const r = await indexFromEmpty(rpcUrl, id, db, head);
      say(`${db}: one per block: wall ${r.wall.toFixed(1)} s (startup ${r.startup.toFixed(1)} s, indexing ${r.indexing.toFixed(1)} s), peak RSS ${r.peakMb} MB`);
      rows.push(`| ${db} | one per block | ${ONE_PER_BLOCK.toLocaleString("en-US")} purchases | ${r.wall.toFixed(1)} s | ${r.startup.toFixed(1)} s | ${r.indexing.toFixed(1)} s | ${Math.round(ONE_PER_BLOCK / r.indexing).toLocaleString("en-US")} purchases/s | ${r.peakMb} MB |`);
      await r.cleanup();
    }
  } finally {
    await stop();
  }
}

const dbs: ("PGlite" | "PostgreSQL")[] = ["PGlite"];
if (await postgresAvailable()) dbs.push("PostgreSQL");
else say(`PostgreSQL not reachable at ${POSTGRES_URL}: PGlite only (.ci/postgres start)`);
await manyPerBlock(dbs);
await onePerBlock(dbs);

const table = [
  "| Database | Shape | Indexed from empty | Wall time | of which startup | Indexing | Rate | Peak RSS |",
  "|---|---|---|---|---|---|---|---|",
  ...rows,
].join("\n");
console.log(`\n${table}`);
if (process.env.BENCH_WRITE) writeFileSync(process.env.BENCH_WRITE, table + "\n");
