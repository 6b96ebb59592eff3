/**
 * A local `hardhat node` for tests and benchmarks: started on a free port in its own process group, waited for
 * with a deadline, and stopped with its whole group (npx → hardhat → node), SIGTERM then SIGKILL.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";

const NODE_START_TIMEOUT_MS = 90_000;

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls eth_chainId until the node answers, the node exits, or the deadline passes. */
async function waitForNode(url: string, node: ChildProcess, output: () => string) {
  const deadline = Date.now() + NODE_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (node.exitCode !== null || node.signalCode !== null) {
      throw new Error(`hardhat node exited (${node.exitCode ?? node.signalCode}) before answering:\n${output()}`);
    }
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
        signal: AbortSignal.timeout(2_000),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`hardhat node did not answer at ${url} within ${NODE_START_TIMEOUT_MS / 1000}s:\n${output()}`);
}

/** Stops the node and everything it started (npx → hardhat → node): its process group, SIGTERM then SIGKILL. */
export async function stopNode(node: ChildProcess | undefined) {
  if (!node?.pid || node.exitCode !== null || node.signalCode !== null) return;
  const exited = new Promise((r) => node.once("exit", r));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-node.pid!, s);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 5_000);
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  clearTimeout(timer);
}


/** Starts `npx hardhat node` on `port` and resolves once it answers; `onOutput` receives its output. */
export async function startNode(port: number, onOutput: (chunk: string) => void): Promise<ChildProcess> {
  let log = "";
  const node = spawn("npx", ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(port)], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  const collect = (d: Buffer) => {
    log = (log + d).slice(-4_000);
    onOutput(String(d));
  };
  node.stdout!.on("data", collect);
  node.stderr!.on("data", collect);
  try {
    await waitForNode(`http://127.0.0.1:${port}`, node, () => log);
  } catch (error) {
    await stopNode(node);
    throw error;
  }
  return node;
}
