/**
 * The README's walkthrough ("A listing end to end on a local node: operator, seller, buyer, auditor"), run literally:
 * every command of its numbered sections is read from README.md and run through the real CLI, in order, against
 * `npx hardhat node` on a free port (LOCALHOST_URL points `--network localhost` there; the README's 8545 in the
 * auditor's --rpc becomes that port). Lines marked "in another terminal" run in the background: the node is
 * started by the test itself, the keeper until it has nothing left to do, then it gets Ctrl-C. The placeholders
 * <deadline>, <signature> and <marketplace> are taken from what earlier commands printed, as a person would copy them.
 * Each command must exit 0; the facts that matter (winner, markup, seller paid, MATCH) are checked on the way.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import { freePort, startNode, stopNode } from "../../scripts/lib/node.js";

const COMMAND_TIMEOUT_MS = 180_000;

/** The numbered sections of the walkthrough, each with its commands (comments stripped), from README.md. */
export function walkthroughSections(readme: string): { title: string; commands: { command: string; comment: string }[] }[] {
  const start = readme.indexOf("### A listing end to end on a local node");
  if (start < 0) throw new Error("README.md has no walkthrough section");
  const end = readme.indexOf("#### More tasks", start);
  const body = readme.slice(start, end < 0 ? undefined : end);
  const sections = [];
  for (const part of body.split(/^#### /m).slice(1)) {
    const title = part.split("\n")[0].trim();
    const commands = [];
    for (const block of part.matchAll(/```sh\n([\s\S]*?)```/g)) {
      for (const line of block[1].split("\n")) {
        if (line.trim() === "") continue;
        const m = /^(.*?)(?:\s{2,}#\s*(.*))?$/.exec(line)!;
        commands.push({ command: m[1].trim(), comment: (m[2] ?? "").trim() });
      }
    }
    sections.push({ title, commands });
  }
  return sections;
}

interface Ran {
  code: number | null;
  out: string;
  err: string;
}

/** Runs a shell command line as a person would type it, with the node's URL in the environment. */
function run(command: string, env: NodeJS.ProcessEnv, background = false): { child: ChildProcess; done: Promise<Ran>; output: () => string } {
  const child = spawn("bash", ["-c", command], { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const timer = background ? undefined : setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), COMMAND_TIMEOUT_MS);
  const done = new Promise<Ran>((resolve) =>
    child.on("close", (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, out, err });
    }),
  );
  return { child, done, output: () => out };
}

async function waitFor(what: RegExp, output: () => string, deadlineMs: number) {
  const until = Date.now() + deadlineMs;
  while (!what.test(output())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; output so far:\n${output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("tooling: the README walkthrough, literally, against a local node", function () {
  this.timeout(900_000);
  let node: ChildProcess | undefined;
  let keeper: ChildProcess | undefined;
  const deployments = path.join(hre.config.paths.ignition, "deployments");
  const chainDir = path.join(deployments, "chain-31337");
  const saved = path.join(deployments, `chain-31337.saved-${process.pid}`);

  before(() => {
    // `ignition deploy` records into deploy/deployments/chain-31337: keep a developer's own record out of harm's way.
    if (existsSync(chainDir)) renameSync(chainDir, saved);
  });

  after(async () => {
    if (keeper?.pid && keeper.exitCode === null && keeper.signalCode === null) {
      try {
        process.kill(-keeper.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await stopNode(node);
    rmSync(chainDir, { recursive: true, force: true });
    if (existsSync(saved)) renameSync(saved, chainDir);
  });

  it("runs the operator, seller, buyer and auditor sections in order, every command exiting 0", async () => {
    const sections = walkthroughSections(readFileSync(path.join(hre.config.paths.root, "README.md"), "utf8"));
    expect(sections.map((s) => s.title.split(":")[0])).to.deep.equal(["1. Operator", "2. Seller", "3. Buyer", "4. Operator", "5. Seller and winner", "6. Auditor"]);

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = { ...process.env, LOCALHOST_URL: url, FORCE_COLOR: "0", KEEPER_INTERVAL: "1", COPURCHASE_API: "http://127.0.0.1:9" };
    const printed: Record<string, string> = {};
    const outputs: string[] = [];

    for (const section of sections) {
      for (const { command, comment } of section.commands) {
        const where = `${section.title} › ${command}`;
        if (command === "npx hardhat node") {
          node = await startNode(port, () => {});
          continue;
        }
        const line = command
          .replace(/http:\/\/127\.0\.0\.1:8545/g, url)
          .replace(/<(deadline|signature|marketplace)>/g, (_, key: string) => {
            expect(printed[key], `${where}: nothing printed earlier gives <${key}>`).to.be.a("string");
            return printed[key];
          });

        if (comment.includes("in another terminal")) {
          expect(line, where).to.equal("npm run keeper");
          const bg = run(line, env, true);
          keeper = bg.child;
          // The keeper's whole job for this listing, then its idle line: nothing left to do.
          await waitFor(/Retire .*markup 45,000\.00 USDC collected into the revenue vault[\s\S]*nothing due/, bg.output, 240_000);
          const text = bg.output();
          expect(text).to.match(/performUpkeep: Settle .* → Drawing, 40,000 stakes sold/);
          expect(text).to.match(/performUpkeep: Finalize .* → Settled, WINNER 0x/);
          process.kill(-keeper.pid!, "SIGINT"); // Ctrl-C
          const stopped = await bg.done;
          expect(stopped.out).to.include("keeper stopped");
          outputs.push(stopped.out);
          continue;
        }

        const ran = await run(line, env).done;
        const text = `${ran.out}\n${ran.err}`;
        expect(ran.code, `${where}\n${text}`).to.equal(0);
        outputs.push(text);

        const marketplace = /LocalCopurchase#Marketplace - (0x[0-9a-fA-F]{40})/.exec(ran.out);
        if (marketplace) printed.marketplace = marketplace[1];
        const submit = /escrow:submit 1 --deadline (\d+) --signature (0x[0-9a-fA-F]+) --network localhost/.exec(ran.out);
        if (submit) [, printed.deadline, printed.signature] = submit;
      }
    }

    const all = outputs.join("\n");
    expect(all).to.include("✓ listing #1 at 0x");
    expect(all).to.match(/bought 30,000 stakes #1–#30,000 for 300,000\.00 USDC on new bid token #1/);
    expect(all).to.match(/bought 10,000 stakes #30,001–#40,000 for 100,000\.00 USDC on new bid token #2/);
    expect(all).to.match(/✓ chain clock moved (30d|29d 23h \d+m) forward/);
    expect(all).to.include("✓ withdrew 31,500.00 USDC of revenue owed to 0xf39F…2266"); // 70% of the 45,000 markup
    expect(all).to.include("✓ escrow order #1 released by the winner's authorization: 355,000.00 USDC owed to the seller 0x7099…79C8");
    expect(all).to.include("✓ withdrew 355,000.00 USDC owed to 0x7099…79C8");
    expect(all.trim().split("\n").filter((l) => l.trim() === "MATCH")).to.have.length(1);
  });
});
