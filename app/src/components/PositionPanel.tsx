import { useConnection } from "wagmi";
import { formatCount, formatOdds } from "../../../core/format";
import { useAccountView } from "../hooks/useCatalog";
import { useMoney } from "../hooks/useDeployment";

/** The connected buyer's stakes in this listing and their odds: stakes over max(sold, T), as the catalog counts them. */
export function PositionPanel({ listingId, sold, threshold }: { listingId: number; sold: bigint; threshold: bigint }) {
  const { address } = useConnection();
  const account = useAccountView(address);
  const money = useMoney();
  if (!address || !money) return null;
  const positions = (account.data?.positions ?? []).filter((p) => Number(p.listingId) === listingId && BigInt(p.stakes) > 0n);
  if (positions.length === 0) return <section className="panel position" data-testid="position"><h2>Your position</h2><p>You hold no stakes here yet.</p></section>;
  return (
    <section className="panel position" data-testid="position" aria-labelledby="position-title">
      <h2 id="position-title">Your position</h2>
      {positions.map((p) => (
        <dl key={p.tokenId} className="terms">
          <div><dt>Bid token</dt><dd>#{p.tokenId}</dd></div>
          <div><dt>Stakes</dt><dd data-testid="position-stakes">{formatCount(BigInt(p.stakes))}</dd></div>
          <div><dt>Paid</dt><dd>{money.format(p.paid)}</dd></div>
          <div><dt>Odds now</dt><dd>{formatOdds(BigInt(p.stakes), sold > threshold ? sold : threshold)}</dd></div>
        </dl>
      ))}
    </section>
  );
}
