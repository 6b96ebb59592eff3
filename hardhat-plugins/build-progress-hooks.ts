/** The solidity hook behind build-progress.ts: one line when solc starts, one every TICK_SECONDS, one at the end. */
import type { SolidityHooks } from "hardhat/types/hooks";

/** Seconds between "still compiling" lines: often enough to show life, rarely enough to stay readable in CI logs. */
const TICK_SECONDS = 15;

export default async (): Promise<Partial<SolidityHooks>> => ({
  async invokeSolc(context, compiler, solcInput, solcConfig, next) {
    const files = Object.keys(solcInput.sources).length;
    const started = Date.now();
    const elapsed = () => Math.round((Date.now() - started) / 1000);
    console.log(`compiling ${files} Solidity files with solc ${compiler.version} (solc-js: a cold build takes 1–2 minutes)…`);
    const timer = setInterval(() => console.log(`  … still compiling (${elapsed()} s)`), TICK_SECONDS * 1000);
    try {
      const output = await next(context, compiler, solcInput, solcConfig);
      console.log(`  compiled in ${elapsed()} s`);
      return output;
    } finally {
      clearInterval(timer);
    }
  },
});
