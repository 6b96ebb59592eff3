import { useReadContract } from "wagmi";
import type { Address } from "viem";
import { formatCount, formatTime, shortAddress } from "../../../core/format";
import { ABI } from "../lib/abis";
import { useDeployment } from "../hooks/useDeployment";
import { useBidTokens } from "../hooks/useBidTokens";
import { useListingDetail } from "../hooks/useCatalog";
import { useMoney } from "../hooks/useDeployment";
import { useListingChain } from "../hooks/useListingChain";
import { BuyPanel } from "./BuyPanel";
import { Countdown } from "./Countdown";
import { DeliveryPanel } from "./DeliveryPanel";
import { DrawPanel } from "./DrawPanel";
import { PositionPanel } from "./PositionPanel";
import { ProgressBar } from "./ProgressBar";
import { StatusBadge } from "./StatusBadge";
import { hrefCatalog } from "../hooks/useRoute";

/** The listing's address by id, from the Marketplace itself (so the page works while the indexer catches up). */
function useListingAddress(id: number): Address | undefined {
  const { data: deployment } = useDeployment();
  const { data } = useReadContract({ address: deployment?.marketplace, abi: ABI.marketplace, functionName: "listingAt", args: [BigInt(id)], query: { enabled: !!deployment } });
  return data as Address | undefined;
}

/** One listing: metadata from the catalog; terms, progress and status from the chain itself. */
export function ListingPage({ id }: { id: number }) {
  const detail = useListingDetail(id);
  const money = useMoney();
  const { preferred } = useBidTokens();
  const onChain = useListingAddress(id);
  const address = detail.data?.address ?? onChain;
  const chain = useListingChain(address, preferred?.tokenId);
  if (!money || !address || (!chain.terms && !detail.data)) {
    return detail.error && !onChain ? <p className="tx tx-error" role="alert">{(detail.error as Error).message}</p> : <p className="loading">Loading listing #{id}…</p>;
  }
  const t = chain.terms;
  // Metadata comes from the catalog; without it the page still shows everything the chain holds.
  const d = detail.data ?? {
    name: `Listing #${id}`, description: "", image: "", category: "", subcategory: "", attributes: [], contentHashMatches: null,
    sold: "0", stakes: t!.stakeCount.toString(), threshold: t!.threshold.toString(), stakePrice: t!.stakePrice.toString(), price: t!.price.toString(),
    status: chain.status ?? "Open", order: null, draw: null, deadline: t!.deadline, opensAt: t!.opensAt, seller: t!.seller, address,
  };
  // The chain is the authority for numbers that move; the catalog fills in until the first read answers (the
  // catalog's `sold` is the chain's `held`: sold minus cancelled).
  const sold = chain.held ?? BigInt(d.sold);
  const stakes = t?.stakeCount ?? BigInt(d.stakes);
  const threshold = t?.threshold ?? BigInt(d.threshold);
  const stakePrice = t?.stakePrice ?? BigInt(d.stakePrice);
  const status = chain.status ?? d.status;
  const orderId = chain.orderId ?? (d.order ? BigInt(d.order.orderId) : 0n);

  return (
    <article className="listing" data-testid="listing-page" data-listing-id={id}>
      <a href={hrefCatalog()} className="back">← Catalog</a>
      <div className="listing-head">
        <div className="listing-image">
          {d.image ? <img src={d.image} alt={d.name} width={640} height={400} /> : <div className="image-missing" aria-hidden>{d.name.slice(0, 1)}</div>}
        </div>
        <div className="listing-summary">
          <p className="card-category">{[d.category, d.subcategory].filter(Boolean).join(" › ")}</p>
          <h1>{d.name || `Listing #${id}`} <StatusBadge status={status} /></h1>
          <p className="description">{d.description}</p>
          <ProgressBar sold={sold} stakes={stakes} threshold={threshold} />
          <p>{status === "Open" ? <Countdown deadline={d.deadline} opensAt={d.opensAt} /> : `Time-Date A was ${formatTime(d.deadline)}`}</p>
          <dl className="terms">
            <div><dt>Price P</dt><dd>{money.format(t?.price ?? BigInt(d.price))}</dd></div>
            <div><dt>Stake s</dt><dd>{money.format(stakePrice)}</dd></div>
            <div><dt>Stakes N</dt><dd>{formatCount(stakes)}</dd></div>
            <div><dt>Threshold T</dt><dd>{formatCount(threshold)}</dd></div>
            <div><dt>Odds per stake</dt><dd>1 in {formatCount(sold > threshold ? sold : threshold)} now, 1 in {formatCount(stakes)} at sell-out</dd></div>
            <div><dt>Time-Date A</dt><dd>{formatTime(d.deadline)}</dd></div>
            <div><dt>Seller</dt><dd title={d.seller}>{shortAddress(d.seller)}</dd></div>
            <div><dt>Documents</dt><dd>{d.contentHashMatches === false ? "⚠ content hash does not match" : d.contentHashMatches ? "content hash verified" : "not checked"}</dd></div>
          </dl>
          {d.attributes.length > 0 && (
            <dl className="terms attributes">
              {d.attributes.map((a) => <div key={a.trait_type}><dt>{a.trait_type}</dt><dd>{String(a.value)}</dd></div>)}
            </dl>
          )}
        </div>
      </div>
      <div className="listing-panels">
        <PositionPanel listingId={id} sold={sold} threshold={threshold} />
        {status === "Open" && <BuyPanel listingId={id} listing={address} name={d.name} stakePrice={stakePrice} remaining={stakes - sold} />}
        {(status === "Drawing" || status === "Settled") && <DrawPanel listing={address} draw={d.draw} settled={status === "Settled"} />}
        {status === "Settled" && orderId > 0n && <DeliveryPanel orderId={orderId} />}
        {(status === "Failed" || status === "Dissolved") && (
          <section className="panel"><h2>Refunds</h2><p>This listing {status === "Failed" ? "failed" : "dissolved"}: every buyer can claim a full refund from <a href="#/account">My account</a>.</p></section>
        )}
      </div>
    </article>
  );
}
