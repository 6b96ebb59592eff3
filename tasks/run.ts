/**
 * The frame every task action runs in: open the deployment, run the operation, and turn any failure into one line
 * on stderr plus a failed Result (Hardhat then exits with code 1) instead of a stack trace.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { openContext } from "../scripts/lib/context.js";
import type { Context } from "../scripts/lib/context.js";
import { explain } from "../scripts/lib/errors.js";
import type { AmountFormatter } from "../scripts/lib/errors.js";

export interface DeploymentOption {
  deployment?: string;
}

export type TaskResult<T> = { readonly success: true; readonly value: T } | { readonly success: false; readonly error: string };

export async function runTask<T>(
  hre: HardhatRuntimeEnvironment,
  options: DeploymentOption,
  body: (ctx: Context) => Promise<T>,
): Promise<TaskResult<T>> {
  let fmt: AmountFormatter | undefined;
  try {
    const connection = await hre.network.getOrCreate();
    const ctx = await openContext(connection, {
      deployment: options.deployment,
      ignitionDir: hre.config.paths.ignition,
      log: (line) => console.log(line),
    });
    fmt = ctx.money.format;
    // Plain Result objects: Hardhat sets exit code 1 for `{ success: false }` (hardhat/utils/result shape).
    return { success: true, value: await body(ctx) };
  } catch (error) {
    const reason = explain(error, fmt);
    console.error(`✗ ${reason}`);
    return { success: false, error: reason };
  }
}
