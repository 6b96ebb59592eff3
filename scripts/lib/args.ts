/**
 * Task arguments people type: whole numbers and durations are taken as text and parsed here, so that "-5" or
 * "ten" fail with the project's one-line sentence instead of Hardhat's generic "Invalid value" (HHE500).
 */
import { UserError } from "../../core/errors.js";

/** "25", "71,000" or "1_000" → 25n; at least `min` (default 0); a one-line reason naming the option otherwise. */
export function parseWhole(text: string | bigint | number | undefined, what: string, min = 0n): bigint {
  const raw = String(text ?? "").trim();
  const clean = raw.replace(/[,_]/g, "");
  if (!/^-?\d+$/.test(clean)) throw new UserError(`${what} "${raw}" is not a whole number: give one like ${min > 0n ? min : 0n} or 25`);
  const value = BigInt(clean);
  if (value < 0n) throw new UserError(`${what} ${raw} is negative: give a whole number like 25`);
  if (value < min) throw new UserError(`${what} ${raw} is below ${min}: give a whole number of at least ${min}`);
  return value;
}

/** "7", "0.5" → a positive number (days, hours); a one-line reason naming the option otherwise. */
export function parsePositive(text: string | number | undefined, what: string): number {
  const raw = String(text ?? "").trim();
  const value = Number(raw);
  if (raw === "" || !Number.isFinite(value)) throw new UserError(`${what} "${raw}" is not a number: give one like 7 or 0.5`);
  if (!(value > 0)) throw new UserError(`${what} ${raw} must be above zero`);
  return value;
}
