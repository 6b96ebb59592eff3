/**
 * Any failure as one sentence: contract reverts decoded with viem against every contract's errors and worded by
 * core/errors.ts (the tasks' table), wallet refusals and network failures in plain words.
 */
import { BaseError, decodeErrorResult } from "viem";
import type { Hex } from "viem";
import { describeError } from "../../../core/errors";
import type { AmountFormatter } from "../../../core/errors";
import { ABI } from "./abis";

function revertData(error: unknown): Hex | undefined {
  let found: Hex | undefined;
  const look = (e: unknown) => {
    if (!e || typeof e !== "object" || found) return;
    const o = e as Record<string, unknown>;
    for (const key of ["raw", "data"]) {
      const v = o[key];
      if (typeof v === "string" && /^0x[0-9a-fA-F]{8,}$/.test(v)) {
        found = v as Hex;
        return;
      }
      if (v && typeof v === "object" && typeof (v as { data?: unknown }).data === "string") look(v);
    }
  };
  if (error instanceof BaseError) error.walk((e) => (look(e), false));
  let e: unknown = error;
  for (let depth = 0; e && depth < 8 && !found; depth++) {
    look(e);
    e = (e as { cause?: unknown }).cause;
  }
  return found;
}

/** The sentence a person reads for `error`, amounts in the payment token's units. */
export function explain(error: unknown, fmt: AmountFormatter): string {
  const data = revertData(error);
  if (data) {
    try {
      const decoded = decodeErrorResult({ abi: ABI.errors, data });
      return capitalize(describeError(decoded.errorName, (decoded.args ?? []) as unknown[], fmt));
    } catch {
      // not one of ours: fall through to the message
    }
  }
  const message = error instanceof BaseError ? error.shortMessage : error instanceof Error ? error.message : String(error);
  if (/user (rejected|denied)|rejected the request|4001/i.test(message)) return "You declined the request in your wallet.";
  if (/fetch failed|failed to fetch|HTTP request failed/i.test(message)) return "The chain's node does not answer: check your connection and try again.";
  return capitalize(message.split("\n")[0]);
}

function capitalize(sentence: string): string {
  const text = sentence.charAt(0).toUpperCase() + sentence.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
