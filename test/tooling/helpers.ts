import { expect } from "chai";
import hre from "hardhat";

export interface Captured<T> {
  result: T;
  out: string;
  err: string;
}

/** Runs `fn` with console.log / console.error captured (tasks print their human output there). */
export async function capture<T>(fn: () => Promise<T>): Promise<Captured<T>> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => void out.push(a.join(" "));
  console.error = (...a: unknown[]) => void err.push(a.join(" "));
  try {
    const result = await fn();
    return { result, out: out.join("\n"), err: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

export type TaskOutcome = { success: true; value: Record<string, unknown> } | { success: false; error: string };

/** Runs a task the way the CLI would, on the test process's in-process network, and captures its output. */
export async function runTask(name: string, args: Record<string, unknown>): Promise<Captured<TaskOutcome>> {
  return capture(() => hre.tasks.getTask(name).run(args) as Promise<TaskOutcome>);
}

/** A failed task gives one line on stderr, the same line as its Result's error, and no stack trace. */
export function expectOneLineFailure(run: Captured<TaskOutcome>, reason: RegExp) {
  expect(run.result.success, run.out).to.equal(false);
  const error = (run.result as { error: string }).error;
  expect(error).to.match(reason);
  expect(error).to.not.include("\n");
  expect(run.err).to.equal(`✗ ${error}`);
  expect(run.err).to.not.match(/at .*\.(ts|js):\d+/);
}
