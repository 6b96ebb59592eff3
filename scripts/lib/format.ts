/** Human-facing formatting shared by scripts and tasks. */

const USDC_DECIMALS = 6n;

/** 355000000000n → "355,000.00 USDC". */
export function formatUsdc(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / 10n ** USDC_DECIMALS;
  const cents = (abs % 10n ** USDC_DECIMALS) / 10n ** (USDC_DECIMALS - 2n);
  return `${negative ? "-" : ""}${whole.toLocaleString("en-US")}.${cents.toString().padStart(2, "0")} USDC`;
}

/** "0x1234…abcd". */
export function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** 71000n → "71,000". */
export function formatCount(n: bigint | number): string {
  return n.toLocaleString("en-US");
}

/** Odds of `stakes` in `sold` as "1 in 7.1" and a percentage. */
export function formatOdds(stakes: bigint, sold: bigint): string {
  if (stakes === 0n || sold === 0n) return "no chance";
  const basisPoints = (stakes * 1_000_000n) / sold;
  const percent = `${(Number(basisPoints) / 10_000).toFixed(2)}%`;
  const oneIn = Number(sold) / Number(stakes);
  return `1 in ${oneIn >= 100 ? formatCount(Math.round(oneIn)) : oneIn.toFixed(2)} (${percent})`;
}

/** Prints a numbered step header. */
let stepNumber = 0;
export function step(title: string): void {
  stepNumber += 1;
  console.log(`\n== ${stepNumber}. ${title}`);
}

/** Prints an indented detail line. */
export function detail(text: string): void {
  console.log(`   ${text}`);
}
