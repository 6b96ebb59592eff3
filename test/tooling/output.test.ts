/**
 * Issue 15, items 2–5: output that was wrong or misleading for a new user. Text through the tasks (in-process, as
 * the CLI runs them) and, where Hardhat's own argument parsing or configuration is involved, through the real CLI.
 */
import { spawnSync } from "node:child_process";
import { expect } from "chai";
import { buy, createListing, deployFixture, networkHelpers } from "../fixtures.js";
import type { System } from "../fixtures.js";
import { formatOdds, formatToken, formatUnitsPlain, parseToken, plural, stakeRange } from "../../core/format.js";
import { parsePositive, parseWhole } from "../../scripts/lib/args.js";
import { expectOneLineFailure, runTask } from "./helpers.js";

/** Runs `npx hardhat …args` and returns its exit code and the lines it printed (npm's own warnings dropped). */
function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const run = spawnSync("npx", ["hardhat", ...args], {
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0", ...env },
    timeout: 300_000,
  });
  const lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("npm warn"));
  return { status: run.status, out: lines(run.stdout), err: lines(run.stderr) };
}

describe("tooling: issue 15 output", () => {
  describe("counts and ranges", () => {
    it("says 1 stake and #181, never 1 stakes or #181–#181", () => {
      expect(plural(1n, "stake")).to.equal("1 stake");
      expect(plural(71_000n, "stake")).to.equal("71,000 stakes");
      expect(plural(0, "refund")).to.equal("0 refunds");
      expect(stakeRange(181n, 1n)).to.equal("#181");
      expect(stakeRange(181n, 10n)).to.equal("#181–#190");
      expect(formatOdds(1n, 150n)).to.equal("1 in 150 (0.67%)");
      expect(formatOdds(1n, 1n)).to.equal("certain (100%)");
      expect(formatOdds(0n, 10n)).to.equal("no chance");
    });

    it("formats and parses amounts with the token's own decimals (viem formatUnits/parseUnits), not USDC's", () => {
      expect(formatToken(1_500_000_000_000_000_000n, 18, "DAI")).to.equal("1.50 DAI");
      expect(formatToken(1_234_567_890_123_456_789n, 18, "DAI")).to.equal("1.234567890123456789 DAI");
      expect(formatToken(7n, 0, "PTS")).to.equal("7 PTS");
      expect(formatToken(-2_500_000n, 6, "USDC")).to.equal("-2.50 USDC");
      expect(parseToken("1,000.5 DAI", 18, "DAI")).to.equal(1_000_500_000_000_000_000_000n);
      expect(() => parseToken("1.5", 0, "PTS")).to.throw('"1.5" has 1 decimals; PTS has 0');
      // An error decoded without a deployment shows plain units rather than guessing a token.
      expect(formatUnitsPlain(1_000_000n)).to.equal("1,000,000 token units");
    });

    it("parses typed numbers with a sentence that names the option", () => {
      expect(parseWhole("71,000", "--stakes")).to.equal(71_000n);
      expect(() => parseWhole("-5", "--stakes")).to.throw("--stakes -5 is negative: give a whole number like 25");
      expect(() => parseWhole("ten", "--token")).to.throw('--token "ten" is not a whole number');
      expect(parsePositive("0.5", "--hours")).to.equal(0.5);
      expect(() => parsePositive("0", "--days")).to.throw("--days 0 must be above zero");
    });
  });

  describe("tasks", () => {
    let sys: System;
    let deployment: string;
    beforeEach(async () => {
      sys = await networkHelpers.loadFixture(deployFixture);
      deployment = await sys.marketplace.getAddress();
    });

    it("stake:buy of one stake prints '1 stake #N', not '1 stakes #N–#N'", async () => {
      await createListing(sys);
      await buy(sys, (await createListing(sys)).listing, sys.bob, 3n); // listing #2, unrelated
      await runTask("stake:buy", { listing: "1", stakes: "180", approve: true, from: "4", deployment });
      const one = await runTask("stake:buy", { listing: "1", stakes: "1", approve: true, deployment });
      expect(one.result.success, one.err).to.equal(true);
      expect(one.out).to.include("bought 1 stake #181 for 10.00 USDC on new bid token #3");
      expect(one.out).to.include("token #3 holds 1 of 181 stakes sold");
    });

    it("listing:status on a failed listing shows the reason and the refunds waiting, not odds", async () => {
      const { listing, terms } = await createListing(sys);
      await buy(sys, listing, sys.alice, 20n);
      await buy(sys, listing, sys.bob, 5n);
      await networkHelpers.time.increaseTo(terms.deadline);
      await listing.settle();
      await runTask("stake:refund", { listing: "1", from: "3", deployment }); // bob claims his 50.00 USDC

      const run = await runTask("listing:status", { listing: "1", account: "2", deployment });
      expect(run.result.success, run.err).to.equal(true);
      expect(run.out).to.include("— Failed");
      expect(run.out).to.include("failed      threshold not met (25 of T = 100 stakes sold)");
      expect(run.out).to.include("refunds     1 bid token with 20 stakes: 200.00 USDC waiting to be claimed; 1 refund claimed (50.00 USDC)");
      expect(run.out).to.include("next        each holder claims its refund (stake:refund 1 --from <holder>)");
      expect(run.out).to.include("refund      0x3C44…93BC: 200.00 USDC waiting for 20 stakes on 1 bid token (stake:refund 1 --from 2)");
      expect(run.out).to.not.match(/ 1 in |nothing due/);

      const token = await runTask("listing:status", { listing: "1", token: "2", deployment });
      expect(token.out).to.include("token #2   no refund waiting");
    });

    it("stake:refund with a token the caller does not hold says so in refund words", async () => {
      const { listing, terms } = await createListing(sys);
      await buy(sys, listing, sys.alice, 20n); // token #1, alice
      await networkHelpers.time.increaseTo(terms.deadline);
      await listing.settle();
      const run = await runTask("stake:refund", { listing: "1", token: "1", from: "3", deployment });
      expectOneLineFailure(
        run,
        /^0x90F7…b906 does not hold bid token #1 \(0x3C44…93BC does\): only its holder can claim its refund on listing #1; run with --from the holder's account$/,
      );
      expect(run.result.success).to.equal(false);
      expect((run.result as { error: string }).error).to.not.match(/buy|issued/);
    });

    it("escrow:authorize on the in-process network says the chain ends with the command", async () => {
      const { listing, terms } = await createListing(sys);
      await buy(sys, listing, sys.alice, 150n);
      await networkHelpers.time.increaseTo(terms.deadline);
      await runTask("listing:settle", { listing: "1", fulfil: true, deployment });
      await runTask("listing:finalize", { listing: "1", deployment });
      const run = await runTask("escrow:authorize", { listing: "1", hours: "2", deployment });
      expect(run.result.success, run.err).to.equal(true);
      expect(run.out).to.match(/npx hardhat escrow:submit 1 --deadline \d+ --signature 0x[0-9a-f]+ --network default --deployment 0x/);
      expect(run.out).to.include("this in-process chain ends with this command");
    });
  });

  describe("the CLI", function () {
    this.timeout(600_000);

    it("--stakes -5 fails with the project's one line and exit 1, not Hardhat's HHE500", () => {
      const run = cli(["stake:buy", "1", "--stakes", "-5"]);
      expect(run.status, run.err.join("\n")).to.equal(1);
      expect(run.err).to.deep.equal(["✗ --stakes -5 is negative: give a whole number like 25"]);
    });

    it("a missing SEPOLIA_RPC_URL names the keystore command that sets it", () => {
      const run = cli(["listing:status", "1", "--network", "sepolia"], { SEPOLIA_RPC_URL: undefined, SEPOLIA_PRIVATE_KEY: undefined });
      expect(run.status, run.err.join("\n")).to.equal(1);
      expect(run.err).to.deep.equal([
        "✗ SEPOLIA_RPC_URL is not set: store it with npx hardhat keystore set SEPOLIA_RPC_URL (or export SEPOLIA_RPC_URL=… in the shell) and run again",
      ]);
    });
  });
});
