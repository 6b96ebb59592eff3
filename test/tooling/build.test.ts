/**
 * Issue 15, items 6 and 7: one build for every command, and progress while solc-js compiles.
 * `ignition deploy` builds with Hardhat's "production" profile; left implicit, that profile compiled every file in
 * isolation and without the configured evmVersion, so each switch between `ignition deploy`, `compile` and
 * `hardhat run` recompiled everything (and deployed other bytecode than the tests ran).
 */
import { spawnSync } from "node:child_process";
import { expect } from "chai";
import hre from "hardhat";
import progressHooks from "../../hardhat-plugins/build-progress-hooks.js";
import { capture } from "./helpers.js";

describe("tooling: one build, with progress", () => {
  it("the production profile is the default build: same compiler settings, not isolated", () => {
    const { default: dev, production } = hre.config.solidity.profiles;
    expect(production.isolated).to.equal(false);
    expect(production.compilers).to.deep.equal(dev.compilers);
    expect(production.compilers[0].settings.evmVersion).to.equal("cancun");
  });

  it("after a compile, Ignition's production build finds nothing to compile (CLI)", function () {
    this.timeout(300_000);
    const run = (args: string[]) => spawnSync("npx", ["hardhat", ...args], { encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } });
    expect(run(["compile"]).status).to.equal(0);
    const production = run(["build", "--build-profile", "production"]);
    expect(production.status, production.stderr).to.equal(0);
    expect(production.stdout).to.include("No contracts to compile");
    expect(production.stdout).to.not.include("compiling");
  });

  it("says when solc starts and how long it took", async () => {
    const hooks = await progressHooks();
    const solcInput = { language: "Solidity", sources: { "a.sol": { content: "" }, "b.sol": { content: "" } }, settings: {} };
    const compiler = { version: "0.8.30" };
    const { out } = await capture(() =>
      hooks.invokeSolc!(
        {} as never,
        compiler as never,
        solcInput as never,
        {} as never,
        async () => ({ sources: {}, contracts: {} }) as never,
      ),
    );
    expect(out).to.match(/^compiling 2 Solidity files with solc 0\.8\.30 \(solc-js: a cold build takes 1–2 minutes\)…\n {2}compiled in \d+ s$/);
  });
});
