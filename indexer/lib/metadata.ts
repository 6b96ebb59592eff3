/**
 * Asset metadata from the deed's URI: data: inline, ipfs:// through IPFS_GATEWAY (default http://127.0.0.1:8080),
 * http(s):// with a 3 s timeout and a 256 KiB cap. JSON in the ERC-721 metadata convention plus `keywords`,
 * `category` and `subcategory`. Never throws: a failure is `status: "unavailable"` with the reason, retried later.
 */
import { keccak256 } from "viem";

export const FETCH_TIMEOUT_MS = 3_000;
export const MAX_BYTES = 256 * 1024;

export interface Metadata {
  status: "ok" | "unavailable";
  reason?: string;
  contentHashMatches: boolean | null;
  name: string;
  description: string;
  image: string;
  category: string;
  subcategory: string;
  keywords: string[];
  attributes: { trait_type: string; value: string | number }[];
}

export const EMPTY: Omit<Metadata, "status" | "contentHashMatches"> = {
  name: "",
  description: "",
  image: "",
  category: "",
  subcategory: "",
  keywords: [],
  attributes: [],
};

/** Bytes of a data: URI (RFC 2397: base64 or percent-encoded). */
export function decodeDataUri(uri: string): Uint8Array {
  const comma = uri.indexOf(",");
  if (comma < 0) throw new Error("malformed data: URI (no comma)");
  const header = uri.slice(5, comma);
  const body = uri.slice(comma + 1);
  const bytes = header.endsWith(";base64") ? Buffer.from(body, "base64") : Buffer.from(decodeURIComponent(body), "utf8");
  if (bytes.length > MAX_BYTES) throw new Error(`larger than ${MAX_BYTES} bytes`);
  return bytes;
}

async function fetchCapped(url: string): Promise<Uint8Array> {
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: "follow" });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > MAX_BYTES) throw new Error(`larger than ${MAX_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The bytes behind a metadata URI. */
export async function fetchBytes(uri: string, gateway = process.env.IPFS_GATEWAY ?? "http://127.0.0.1:8080"): Promise<Uint8Array> {
  if (uri.startsWith("data:")) return decodeDataUri(uri);
  if (uri.startsWith("ipfs://")) return fetchCapped(`${gateway.replace(/\/$/, "")}/ipfs/${uri.slice(7).replace(/^ipfs\//, "")}`);
  if (/^https?:\/\//.test(uri)) return fetchCapped(uri);
  throw new Error(`unsupported URI scheme in "${uri.slice(0, 40)}"`);
}

const text = (v: unknown, max = 4_000) => (typeof v === "string" ? v.slice(0, max) : typeof v === "number" ? String(v) : "");

/** The fields the catalog uses from an ERC-721 metadata document. */
export function parseMetadata(bytes: Uint8Array): Omit<Metadata, "status" | "contentHashMatches"> {
  const doc = JSON.parse(Buffer.from(bytes).toString("utf8")) as Record<string, unknown>;
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new Error("metadata is not a JSON object");
  const attributes = (Array.isArray(doc.attributes) ? doc.attributes : [])
    .filter((a): a is Record<string, unknown> => typeof a === "object" && a !== null)
    .slice(0, 64)
    .map((a) => ({ trait_type: text(a.trait_type, 200), value: typeof a.value === "number" ? a.value : text(a.value, 1_000) }));
  const trait = (name: string) => text(attributes.find((a) => a.trait_type.toLowerCase() === name)?.value);
  const keywords = Array.isArray(doc.keywords) ? doc.keywords.map((k) => text(k, 100)) : text(doc.keywords).split(",");
  return {
    name: text(doc.name, 300),
    description: text(doc.description),
    image: text(doc.image, 64 * 1024),
    category: text(doc.category, 100) || trait("category"),
    subcategory: text(doc.subcategory, 100) || trait("subcategory"),
    keywords: keywords.map((k) => k.trim()).filter(Boolean).slice(0, 32),
    attributes,
  };
}

/** Resolves and parses; `contentHash` is the deed's: whether keccak256 of the fetched bytes equals it. */
export async function resolveMetadata(uri: string, contentHash: `0x${string}`): Promise<Metadata> {
  try {
    const bytes = await fetchBytes(uri);
    const fields = parseMetadata(bytes);
    return { status: "ok", contentHashMatches: keccak256(bytes) === contentHash.toLowerCase(), ...fields };
  } catch (error) {
    return { status: "unavailable", reason: (error as Error).message, contentHashMatches: null, ...EMPTY };
  }
}
