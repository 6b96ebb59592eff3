/**
 * The buyer's page in the local stack: built once with Vite (app/ → app/dist), then served by a small static server
 * on a free port with the `config.json` that tells the page where the node and the catalog API are. One build serves
 * any ports, so tests and `npm run stack` only pay for the build when the sources changed.
 */
import { createReadStream, existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { Server } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const APP_DIR = path.join(ROOT, "app");
export const DIST_DIR = path.join(APP_DIR, "dist");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
};

export interface PageConfig {
  chainId: number;
  rpcUrl: string;
  apiUrl: string;
  chainName: string;
  marketplace?: string;
}

/** The newest modification time under `dir` (sources, artifacts), to know whether the build is stale. */
function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let latest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist") continue;
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

/** Written into app/dist after a production build: a build without it (or older than the sources) is redone. */
const STAMP = path.join(DIST_DIR, "production-build");

/** Builds the page unless app/dist holds a production build newer than its sources, core/ and the contracts' ABIs. */
export async function buildPage(log: (line: string) => void = () => {}): Promise<void> {
  const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
  const sources = Math.max(newest(APP_DIR), newest(path.join(ROOT, "core")), newest(path.join(ROOT, "artifacts", "contracts")));
  if (built > sources) return;
  log("building the page (vite build)…");
  const { build } = await import("vite");
  // Vite builds React's development code when NODE_ENV is anything but "production", and `hardhat test` sets it to
  // "test": the page served to tests, the stack and the benchmark is always the production bundle.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build({ configFile: path.join(APP_DIR, "vite.config.ts"), logLevel: "warn", mode: "production" });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

/** Serves app/dist with `config.json` on `port` (127.0.0.1). */
export function servePage(port: number, config: PageConfig): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const urlPath = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    if (urlPath === "/config.json") {
      response.writeHead(200, { "content-type": TYPES[".json"], "cache-control": "no-store" });
      response.end(JSON.stringify(config));
      return;
    }
    const file = path.join(DIST_DIR, path.normalize(urlPath === "/" ? "/index.html" : urlPath));
    if (!file.startsWith(DIST_DIR) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("not found");
      return;
    }
    response.writeHead(200, {
      "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
      // Hashed assets never change; index.html always revalidates.
      "cache-control": file.includes(`${path.sep}assets${path.sep}`) ? "public, max-age=31536000, immutable" : "no-cache",
    });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${port}/`,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      }),
    );
  });
}
