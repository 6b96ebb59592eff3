/**
 * Full-text search without a database round trip in the handlers: the listing's tsvector is built here as text
 * ('rolex':1A …) and the API builds the tsquery the same way ('rol':* & …), both with the same tokenizer, so a
 * prefix of any word of the name, keywords, category, sub-category or description finds the listing. Weights rank
 * name and keywords above category and description.
 */

/** Lower-case words of letters and digits ("G-Class" → g, class); at most 64 characters each. */
export function words(text: string): string[] {
  return (text.toLowerCase().normalize("NFKC").match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => w.slice(0, 64));
}

const quote = (w: string) => `'${w.replace(/'/g, "''").replace(/\\/g, "\\\\")}'`;

/** The tsvector literal of weighted fields (A highest); positions count across the fields, capped at 16383. */
export function tsvectorLiteral(fields: { text: string; weight: "A" | "B" | "C" | "D" }[]): string {
  const positions = new Map<string, string[]>();
  let position = 0;
  for (const { text, weight } of fields) {
    for (const w of words(text)) {
      position = Math.min(position + 1, 16383);
      const list = positions.get(w) ?? [];
      if (list.length < 256) list.push(`${position}${weight}`);
      positions.set(w, list);
    }
  }
  return [...positions].map(([w, p]) => `${quote(w)}:${p.join(",")}`).join(" ");
}

/** The tsquery of a search: every word must match as a prefix ("rol dayt" → 'rol':* & 'dayt':*); null if no word. */
export function tsqueryLiteral(q: string): string | null {
  const list = [...new Set(words(q))].slice(0, 16);
  return list.length === 0 ? null : list.map((w) => `${quote(w)}:*`).join(" & ");
}
