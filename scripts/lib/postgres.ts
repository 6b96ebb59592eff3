/**
 * PostgreSQL for the indexer's tests and benchmark: the server named by DATABASE_URL (`.ci/postgres start` prints it),
 * and a fresh database per run. Ponder caches RPC data per chain id (ponder_sync) and every local node is chain
 * 31337, so a database reused across local chains would replay an earlier chain's logs into this one.
 */
import pg from "pg";

export const POSTGRES_URL = process.env.DATABASE_URL ?? "postgres://postgres:postgres@127.0.0.1:5432/copurchase_test";

/** The same server and credentials, another database. */
function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs one statement on POSTGRES_URL's database (CREATE/DROP DATABASE cannot be parameterised). */
async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Whether the server answers within 2 s. */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates an empty database `name` ([a-z0-9_] only) on the server; returns its URL and how to drop it. */
export async function freshDatabase(name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`database name ${name}: use [a-z0-9_] only`);
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${name}"`);
  return { url: withDatabase(POSTGRES_URL, name), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
