/** The catalogue's categories by the on-chain `category` id the operator puts in the terms (browser-safe). */
export const CATEGORIES: Record<number, string> = {
  1: "Cars",
  2: "Watches",
  3: "Real estate",
  4: "Jewelry",
  5: "Art",
  6: "Yachts",
  7: "Aircraft",
  8: "Collectibles",
};

/** The category's name, or "Category #n" for an id this table does not know. */
export function categoryName(id: number | bigint): string {
  return CATEGORIES[Number(id)] ?? `Category #${id}`;
}
