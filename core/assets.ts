/**
 * The catalogue's sample assets (the demo's G-Class, Rolex Daytona and House in Malibu, and a dozen more), and
 * ERC-721 metadata published as data: URIs, so that they resolve on an offline local node. Browser-safe (viem only).
 */
import { keccak256 } from "viem";
import { CATEGORIES } from "./categories.js";

export interface SampleAsset {
  key: string;
  name: string;
  description: string;
  categoryId: number;
  subcategory: string;
  keywords: string[];
  attributes: { trait_type: string; value: string | number }[];
  /** Human amounts in the payment token (USDC): price P, stake price s; N stakes, threshold T, sale length. */
  price: number;
  stakePrice: number;
  stakes: number;
  threshold: number;
  days: number;
  color: string;
}

const a = (
  key: string,
  name: string,
  categoryId: number,
  subcategory: string,
  keywords: string[],
  description: string,
  [price, stakePrice, stakes, threshold, days]: number[],
  color: string,
  attributes: [string, string | number][] = [],
): SampleAsset => ({
  key,
  name,
  description,
  categoryId,
  subcategory,
  keywords,
  attributes: attributes.map(([trait_type, value]) => ({ trait_type, value })),
  price,
  stakePrice,
  stakes,
  threshold,
  days,
  color,
});

export const SAMPLE_ASSETS: SampleAsset[] = [
  a("car", "Mercedes-Benz G-Class G 63 AMG (2024)", 1, "SUVs", ["G-Class", "Geländewagen", "Gelandewagen", "Glenwagen", "G-Wagon", "Mercedes-Benz", "AMG"],
    "New 2024 G 63 in obsidian black, 577 hp V8 biturbo, delivered with full factory warranty.", [355_000, 10, 71_000, 35_500, 30], "#1f2937",
    [["Make", "Mercedes-Benz"], ["Model", "G 63 AMG"], ["Year", 2024], ["Mileage (km)", 12]]),
  a("watch", "Rolex Cosmograph Daytona 126500LN", 2, "Chronographs", ["Rolex", "Daytona", "Cosmograph", "chronograph", "Oystersteel"],
    "Rolex Daytona with white dial and black Cerachrom bezel, box and papers, 2024.", [20_000, 10, 4_000, 2_000, 14], "#065f46",
    [["Brand", "Rolex"], ["Reference", "126500LN"], ["Case", "40 mm Oystersteel"]]),
  a("villa", "House in Malibu on Carbon Beach", 3, "Villas", ["house", "Malibu", "beach house", "villa", "California", "ocean view"],
    "Five-bedroom beach house on Carbon Beach, Malibu: 6,200 sq ft, pool, direct beach access.", [10_000_000, 10, 2_000_000, 1_000_000, 90], "#0e7490",
    [["Bedrooms", 5], ["Area (sq ft)", 6200], ["City", "Malibu"]]),
  a("cullinan", "Rolls-Royce Cullinan Black Badge", 1, "SUVs", ["Rolls-Royce", "Cullinan", "Black Badge", "SUV"],
    "Rolls-Royce Cullinan Black Badge, 2023, starlight headliner, 3,000 km.", [420_000, 20, 42_000, 21_000, 45], "#111827",
    [["Make", "Rolls-Royce"], ["Year", 2023]]),
  a("gt3", "Porsche 911 GT3 RS (992)", 1, "Sports cars", ["Porsche", "911", "GT3 RS", "Weissach"],
    "Porsche 911 GT3 RS with Weissach package, track-ready, 1,500 km.", [355_000, 10, 71_000, 35_500, 30], "#b91c1c",
    [["Make", "Porsche"], ["Year", 2024]]),
  a("ferrari", "Ferrari 296 GTB Assetto Fiorano", 1, "Sports cars", ["Ferrari", "296 GTB", "hybrid", "Assetto Fiorano"],
    "Ferrari 296 GTB plug-in hybrid V6 with Assetto Fiorano pack.", [380_000, 25, 30_400, 15_200, 30], "#dc2626"),
  a("nautilus", "Patek Philippe Nautilus 5711/1A", 2, "Sports watches", ["Patek Philippe", "Nautilus", "5711"],
    "Patek Philippe Nautilus 5711/1A-010, blue dial, full set.", [120_000, 10, 24_000, 12_000, 21], "#1e3a8a"),
  a("royaloak", "Audemars Piguet Royal Oak 15500ST", 2, "Sports watches", ["Audemars Piguet", "Royal Oak", "AP"],
    "Audemars Piguet Royal Oak Selfwinding 41 mm, grey dial.", [45_000, 5, 18_000, 9_000, 21], "#374151"),
  a("montecarlo", "Villa in Monte Carlo with sea view", 3, "Villas", ["villa", "Monte Carlo", "Monaco", "sea view"],
    "Belle-époque villa above the harbour of Monte Carlo, 7 bedrooms, garden and garage.", [20_000_000, 10, 4_000_000, 2_000_000, 90], "#7c3aed"),
  a("penthouse", "Penthouse on Central Park South, Manhattan", 3, "Apartments", ["penthouse", "Manhattan", "New York", "Central Park"],
    "Full-floor penthouse with park views, 4 bedrooms, private elevator.", [8_500_000, 50, 340_000, 170_000, 60], "#92400e"),
  a("necklace", "Cartier Panthère diamond necklace", 4, "Necklaces", ["Cartier", "Panthère", "diamond", "necklace"],
    "Cartier Panthère necklace in white gold with 9 carats of diamonds and emerald eyes.", [95_000, 5, 38_000, 19_000, 21], "#9d174d"),
  a("ring", "Tiffany 5-carat diamond engagement ring", 4, "Rings", ["Tiffany", "diamond", "ring", "engagement"],
    "Tiffany Setting, 5.02-carat round brilliant, D colour, VVS1, platinum.", [250_000, 10, 50_000, 25_000, 30], "#0f766e"),
  a("yacht", "Sunseeker 76 Yacht", 6, "Motor yachts", ["Sunseeker", "yacht", "motor yacht", "boat"],
    "Sunseeker 76 Yacht (2021), 4 cabins, twin MAN V12, lying in Antibes.", [3_900_000, 20, 390_000, 195_000, 60], "#1d4ed8"),
  a("jet", "Cessna Citation CJ4 Gen2", 7, "Business jets", ["Cessna", "Citation", "CJ4", "jet", "aircraft"],
    "Cessna Citation CJ4 Gen2 (2023), 10 seats, 2,165 nm range.", [11_500_000, 25, 920_000, 460_000, 90], "#334155"),
  a("banksy", "Banksy “Girl with Balloon” signed print", 5, "Prints", ["Banksy", "Girl with Balloon", "print", "street art"],
    "Signed screen print, edition of 150, with Pest Control certificate.", [600_000, 10, 120_000, 60_000, 30], "#be123c"),
  a("birkin", "Hermès Birkin 30 Himalaya", 8, "Handbags", ["Hermès", "Hermes", "Birkin", "Himalaya", "handbag"],
    "Hermès Birkin 30 in matte Niloticus crocodile with palladium hardware.", [380_000, 10, 76_000, 38_000, 30], "#d97706"),
];

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
function base64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const [x, y, z] = [bytes[i], bytes[i + 1] ?? 0, bytes[i + 2] ?? 0];
    const n = (x << 16) | (y << 8) | z;
    out += B64[n >> 18] + B64[(n >> 12) & 63] + (i + 1 < bytes.length ? B64[(n >> 6) & 63] : "=") + (i + 2 < bytes.length ? B64[n & 63] : "=");
  }
  return out;
}
const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A small inline SVG card for an asset (name and category on its colour). */
export function assetImage(asset: Pick<SampleAsset, "name" | "color" | "subcategory">): string {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 200"><rect width="320" height="200" rx="12" fill="${asset.color}"/>` +
    `<text x="160" y="100" font-family="sans-serif" font-size="17" text-anchor="middle" fill="#fff">${escapeXml(asset.name.slice(0, 34))}</text>` +
    `<text x="160" y="130" font-family="sans-serif" font-size="13" text-anchor="middle" fill="#e5e7eb">${escapeXml(asset.subcategory)}</text></svg>`;
  return `data:image/svg+xml;base64,${base64(new TextEncoder().encode(svg))}`;
}

/** ERC-721 metadata (plus category, subcategory and keywords) as a data: URI, and the content hash of its bytes. */
export function assetMetadata(asset: Pick<SampleAsset, "name" | "description" | "categoryId" | "subcategory" | "keywords" | "attributes" | "color">) {
  const category = CATEGORIES[asset.categoryId] ?? `Category #${asset.categoryId}`;
  const doc = {
    name: asset.name,
    description: asset.description,
    image: assetImage(asset),
    category,
    subcategory: asset.subcategory,
    keywords: asset.keywords,
    attributes: [{ trait_type: "Category", value: category }, { trait_type: "Subcategory", value: asset.subcategory }, ...asset.attributes],
  };
  const bytes = new TextEncoder().encode(JSON.stringify(doc));
  return { uri: `data:application/json;base64,${base64(bytes)}`, contentHash: keccak256(bytes), doc };
}
