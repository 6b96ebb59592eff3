/** Console output for scripts and tasks: numbered steps, banners, checks and tables (formatting lives in core/). */
export * from "../../core/format.js";

let stepNumber = 0;

/** Prints a numbered step header. */
export function step(title: string): void {
  stepNumber += 1;
  const header = `Step ${stepNumber} · ${title}`;
  console.log(`\n${header}\n${"─".repeat(Math.min(header.length, 100))}`);
}

/** Prints a section banner (one per listing). */
export function banner(title: string): void {
  const line = "═".repeat(Math.min(title.length + 4, 100));
  console.log(`\n${line}\n  ${title}\n${line}`);
}

/** Prints an indented detail line. */
export function detail(text: string): void {
  console.log(`   ${text}`);
}

/** Prints a check that passed, or throws with `what` when it did not. */
export function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`check failed: ${what}`);
  console.log(`   ✓ ${what}`);
}

/** Prints a table; columns whose header starts with ">" (the mark is dropped) are right-aligned. */
export function table(headers: string[], rows: string[][]): void {
  const right = headers.map((h) => h.startsWith(">"));
  const titles = headers.map((h) => (h.startsWith(">") ? h.slice(1) : h));
  const widths = titles.map((t, i) => Math.max(t.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    "   " + cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  console.log(line(titles));
  console.log("   " + widths.map((w) => "─".repeat(w)).join("  "));
  for (const row of rows) console.log(line(row));
}
