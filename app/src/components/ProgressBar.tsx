import { formatCount } from "../../../core/format";

/** Stakes sold of N, with the threshold T marked on the bar. */
export function ProgressBar({ sold, stakes, threshold }: { sold: bigint; stakes: bigint; threshold: bigint }) {
  const pct = (n: bigint) => (stakes === 0n ? 0 : Math.min(100, Number((n * 10_000n) / stakes) / 100));
  const reached = sold >= threshold;
  return (
    <div className="progress" data-testid="progress" data-sold={sold.toString()}>
      <div
        className="progress-track"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={Number(stakes)}
        aria-valuenow={Number(sold)}
        aria-label={`${formatCount(sold)} of ${formatCount(stakes)} stakes sold; threshold ${formatCount(threshold)}`}
      >
        <div className={`progress-fill ${reached ? "reached" : ""}`} style={{ width: `${pct(sold)}%` }} />
        <div className="progress-mark" style={{ left: `${pct(threshold)}%` }} title={`T = ${formatCount(threshold)}`} />
      </div>
      <div className="progress-legend">
        <span className="sold-count">{formatCount(sold)} / {formatCount(stakes)} sold</span>
        <span className={reached ? "t-reached" : ""}>T {formatCount(threshold)}{reached ? " ✓" : ""}</span>
      </div>
    </div>
  );
}
