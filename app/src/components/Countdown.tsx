import { formatDuration, formatTime } from "../../../core/format";
import { useChainNow } from "../hooks/useLive";

/** Time left to Time-Date A by the chain's clock. */
export function Countdown({ deadline, opensAt }: { deadline: number; opensAt?: number }) {
  const now = useChainNow();
  if (opensAt && now < opensAt) return <span className="countdown" title={formatTime(opensAt)}>opens in {formatDuration(opensAt - now)}</span>;
  const left = deadline - now;
  return (
    <span className="countdown" title={`Time-Date A: ${formatTime(deadline)}`}>
      {left > 0 ? `${formatDuration(left)} left` : `ended ${formatDuration(left)}`}
    </span>
  );
}
