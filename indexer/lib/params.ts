/** Validation of the API's query parameters: each bad value becomes a BadInput naming the parameter (HTTP 400). */
import { LISTING_STATUS } from "../../core/enums.js";

export class BadInput extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}

export const SORTS = ["odds", "stakePrice", "price", "endingSoon", "mostSold", "newest", "relevance"] as const;
export type Sort = (typeof SORTS)[number];
export const MAX_LIMIT = 100;
const MAX_ID = 2n ** 63n - 1n;

export function text(value: string | undefined, parameter: string, max: number): string | undefined {
  if (value === undefined || value === "") return undefined;
  if (value.length > max) throw new BadInput(parameter, `${parameter} is ${value.length} characters long; at most ${max} are allowed`);
  return value;
}

export function limit(value: string | undefined, parameter: string, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  if (!/^\d{1,6}$/.test(value) || Number(value) < 1 || Number(value) > MAX_LIMIT) {
    throw new BadInput(parameter, `${parameter} must be a whole number from 1 to ${MAX_LIMIT}, not "${value.slice(0, 20)}"`);
  }
  return Number(value);
}

export function positiveId(value: string, parameter: string): bigint {
  if (!/^\d{1,19}$/.test(value) || BigInt(value) < 1n || BigInt(value) > MAX_ID) {
    throw new BadInput(parameter, `${parameter} must be a positive whole number (1, 2, …), not "${value.slice(0, 20)}"`);
  }
  return BigInt(value);
}

export function address(value: string, parameter: string): `0x${string}` {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw new BadInput(parameter, `${parameter} must be a 0x address of 40 hex digits, not "${value.slice(0, 50)}"`);
  return value.toLowerCase() as `0x${string}`;
}

export function status(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const i = LISTING_STATUS.findIndex((s) => s.toLowerCase() === value.toLowerCase());
  if (i < 0) throw new BadInput("status", `unknown status "${value.slice(0, 20)}": use ${LISTING_STATUS.join(", ")}`);
  return i;
}

export function sort(value: string | undefined, hasQuery: boolean): Sort {
  if (value === undefined || value === "") return hasQuery ? "relevance" : "odds";
  const s = SORTS.find((x) => x === value);
  if (!s) throw new BadInput("sort", `unknown sort "${value.slice(0, 20)}": use ${SORTS.join(", ")}`);
  if (s === "relevance" && !hasQuery) throw new BadInput("sort", "sort=relevance needs a search (q)");
  return s;
}

/** Cursors are opaque: base64url of a JSON array of the last row's sort keys (strings or numbers). */
export function encodeCursor(keys: (string | number)[]): string {
  return Buffer.from(JSON.stringify(keys)).toString("base64url");
}

export function decodeCursor(value: string | undefined, parameter: string, shape: ("int" | "float")[]): (string | number)[] | undefined {
  if (value === undefined || value === "") return undefined;
  const bad = () => new BadInput(parameter, `${parameter} is not a cursor this API returned (take nextCursor from the previous page)`);
  if (value.length > 400) throw bad();
  let keys: unknown;
  try {
    keys = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  if (!Array.isArray(keys) || keys.length !== shape.length) throw bad();
  keys.forEach((k, i) => {
    const ok = shape[i] === "int" ? typeof k === "string" && /^-?\d{1,78}$/.test(k) : typeof k === "number" && Number.isFinite(k);
    if (!ok) throw bad();
  });
  return keys as (string | number)[];
}
