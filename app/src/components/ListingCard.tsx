import { formatCount } from "../../../core/format";
import type { CatalogItem } from "../lib/api";
import type { Money } from "../hooks/useDeployment";
import { hrefListing } from "../hooks/useRoute";
import { Countdown } from "./Countdown";
import { ProgressBar } from "./ProgressBar";
import { StatusBadge } from "./StatusBadge";

const AFTER: Record<string, string> = { Drawing: "Drawing the winner…", Settled: "Winner drawn", Failed: "Failed: refunds open", Dissolved: "Dissolved: refunds open" };

/** One search result: the terms a buyer compares (seeds/000 FIG. 7): price of a stake, stakes sold, odds. */
export function ListingCard({ item, money, eager = false }: { item: CatalogItem; money: Money; eager?: boolean }) {
  return (
    <article className="card" data-testid="listing-card" data-listing-id={item.id} aria-labelledby={`card-${item.id}`}>
      <a href={hrefListing(item.id)} className="card-link">
        <div className="card-image">
          {item.image ? <img src={item.image} alt="" loading={eager ? "eager" : "lazy"} width={320} height={200} /> : <div className="image-missing" aria-hidden>{item.name.slice(0, 1)}</div>}
          <StatusBadge status={item.status} />
        </div>
        <h3 id={`card-${item.id}`} className="card-title">{item.name || `Listing #${item.id}`}</h3>
      </a>
      <p className="card-category">{[item.category, item.subcategory].filter(Boolean).join(" › ")}</p>
      <dl className="terms">
        <div><dt>Price P</dt><dd>{money.format(item.price)}</dd></div>
        <div><dt>Stake s</dt><dd data-testid="stake-price">{money.format(item.stakePrice)}</dd></div>
        <div><dt>Odds per stake</dt><dd data-testid="odds">1 in {formatCount(BigInt(item.oddsDenominator))}</dd></div>
      </dl>
      <ProgressBar sold={BigInt(item.sold)} stakes={BigInt(item.stakes)} threshold={BigInt(item.threshold)} />
      <p className="card-foot">
        {item.status === "Open" ? <Countdown deadline={item.deadline} opensAt={item.opensAt} /> : <span>{AFTER[item.status] ?? item.status}</span>}
      </p>
    </article>
  );
}
