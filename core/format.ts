/** Human-facing formatting shared by tasks, scripts, the indexer and the page: amounts, counts, odds, addresses, times. */
import { formatUnits, parseUnits } from "viem";

/** Groups the digits of a non-negative integer string in thousands: "355000" → "355,000". */
function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * Token units as a human amount, through viem's formatUnits with the token's own decimals:
 * formatToken(12_500_000n, 6, "USDC") → "12.50 USDC". At least two decimals are shown (when the token has them);
 * finer digits only when they are not zero, so that no amount is silently rounded.
 */
export function formatToken(units: bigint, decimals: number, symbol = ""): string {
  const negative = units < 0n;
  const [whole, fraction = ""] = formatUnits(negative ? -units : units, decimals).split(".");
  const shown = fraction.padEnd(Math.min(2, decimals), "0");
  const text = `${negative ? "-" : ""}${group(whole)}${shown ? `.${shown}` : ""}`;
  return symbol ? `${text} ${symbol}` : text;
}

/** How amounts are shown when the token is not known (an error decoded without a deployment): plain units. */
export function formatUnitsPlain(units: bigint): string {
  return `${formatCount(units)} token units`;
}

/**
 * Parses a human amount into token units with viem's parseUnits and the token's decimals: "12.5", "12.50 USDC",
 * "1,000" or "1_000.25". Rejects more decimals than the token has and a symbol other than `symbol` (so "12 DAI" is
 * not paid in USDC), with a one-line reason.
 */
export function parseToken(text: string, decimals: number, symbol: string): bigint {
  const match = /^\s*([0-9][0-9,_]*)(?:\.([0-9]+))?\s*([A-Za-z][A-Za-z0-9.]*)?\s*$/.exec(text);
  if (!match) throw new Error(`"${text}" is not an amount; write it like "12.50" or "12.50 ${symbol}"`);
  const [, wholeText, fractionText = "", unit] = match;
  if (unit !== undefined && unit.toUpperCase() !== symbol.toUpperCase()) {
    throw new Error(`"${text}" is in ${unit}, but amounts here are in ${symbol}`);
  }
  if (fractionText.length > decimals) {
    throw new Error(`"${text}" has ${fractionText.length} decimals; ${symbol} has ${decimals}`);
  }
  return parseUnits(`${wholeText.replace(/[,_]/g, "")}${fractionText ? `.${fractionText}` : ""}`, decimals);
}

/** 71000n → "71,000". */
export function formatCount(n: bigint | number): string {
  const value = typeof n === "bigint" ? n : BigInt(Math.round(n));
  return value < 0n ? `-${group((-value).toString())}` : group(value.toString());
}

/** Gas as "183,803 gas". */
export function formatGas(gas: bigint): string {
  return `${formatCount(gas)} gas`;
}

/** "0x1234…abcd". */
export function shortAddress(address: string): string {
  return address.length <= 12 ? address : `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** A 32-byte word or hash as "0x1a2b3c4d…9f8e7d6c". */
export function shortHex(hex: string | bigint): string {
  const text = typeof hex === "bigint" ? `0x${hex.toString(16).padStart(64, "0")}` : hex;
  return text.length <= 20 ? text : `${text.slice(0, 10)}…${text.slice(-8)}`;
}

/** Odds of holding `stakes` of `total`: "1 in 71,000 (0.0014%)" or "1 in 5.92 (16.90%)". */
export function formatOdds(stakes: bigint, total: bigint): string {
  if (stakes === 0n || total === 0n) return "no chance";
  if (stakes >= total) return "certain (100%)";
  const oneIn = Number(total) / Number(stakes);
  const ratio = oneIn >= 100 ? formatCount(Math.round(oneIn)) : oneIn.toFixed(2);
  // Two decimals, or two significant digits for odds below 0.1%.
  const percent = (Number(stakes) / Number(total)) * 100;
  const shown = percent >= 0.1 ? percent.toFixed(2) : Number(percent.toPrecision(2)).toFixed(12).replace(/0+$/, "");
  return `1 in ${ratio} (${shown}%)`;
}

/** A progress bar: progressBar(3n, 4n, 20) → "[###############·····]  75.0%". */
export function progressBar(done: bigint, total: bigint, width = 30): string {
  const ratio = total === 0n ? 0 : Math.min(1, Number((done * 1_000_000n) / total) / 1_000_000);
  const filled = Math.round(ratio * width);
  return `[${"#".repeat(filled)}${"·".repeat(width - filled)}] ${(ratio * 100).toFixed(1).padStart(5)}%`;
}

/** A span of seconds as "3d 4h 12m", "5m 3s" or "0s"; negative spans are shown as ago ("2h 5m ago"). */
export function formatDuration(seconds: bigint | number): string {
  let s = Number(seconds);
  const ago = s < 0;
  s = Math.abs(Math.trunc(s));
  const parts: string[] = [];
  for (const [unit, size] of [["d", 86_400], ["h", 3_600], ["m", 60], ["s", 1]] as const) {
    if (s >= size || (unit === "s" && parts.length === 0)) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
    if (parts.length === 3) break;
  }
  return `${parts.join(" ")}${ago ? " ago" : ""}`;
}

/** Seconds since the epoch as "2025-12-24 23:30 UTC". */
export function formatTime(seconds: bigint | number): string {
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A count with its noun, singular when it is one: plural(1n, "stake") → "1 stake", plural(71000n, "stake") → "71,000 stakes". */
export function plural(n: bigint | number, noun: string, nouns = `${noun}s`): string {
  return `${formatCount(n)} ${BigInt(n) === 1n ? noun : nouns}`;
}

/** The stake numbers of a purchase: "#181" for one stake, "#181–#190" for ten. */
export function stakeRange(first: bigint, count: bigint): string {
  return count <= 1n ? `#${formatCount(first)}` : `#${formatCount(first)}–#${formatCount(first + count - 1n)}`;
}

/** An enum name as words a person reads: spaced("AwaitingShipment") → "Awaiting shipment". */
export function spaced(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, (_m, a: string, b: string) => `${a} ${b.toLowerCase()}`);
}
