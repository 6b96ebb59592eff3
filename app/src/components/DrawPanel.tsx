import { useState } from "react";
import { usePublicClient } from "wagmi";
import { getAddress } from "viem";
import type { Address, PublicClient } from "viem";
import { verifyDraw } from "../../../core/draw";
import type { Verdict } from "../../../core/draw";
import { collectEvidence } from "../../../core/evidence";
import { formatCount, formatTime, shortAddress, shortHex } from "../../../core/format";
import { ABI } from "../lib/abis";
import type { ListingDetail } from "../lib/api";
import { useDeployment } from "../hooks/useDeployment";

/**
 * The draw: the VRF request while Drawing; once finalized the word, the winning stake, the purchase and the winner,
 * and "verify in your browser", which rebuilds the evidence from the chain's logs alone (core/evidence.ts, no
 * indexer) and recomputes the winner with the auditor's rule (core/draw.ts).
 */
export function DrawPanel({ listing, draw, settled }: { listing: Address; draw: ListingDetail["draw"]; settled: boolean }) {
  const client = usePublicClient();
  const { data: deployment } = useDeployment();
  const [progress, setProgress] = useState<string>();
  const [verdict, setVerdict] = useState<Verdict>();
  const [error, setError] = useState<string>();

  const verify = async () => {
    setVerdict(undefined);
    setError(undefined);
    try {
      const evidence = await collectEvidence(
        client as PublicClient,
        listing,
        { listing: ABI.listing, marketplace: ABI.marketplace, bidToken: ABI.bidToken, coordinator: ABI.coordinator },
        { fromBlock: BigInt(deployment?.startBlock ?? 0), progress: (line) => setProgress(line.trim()) },
      );
      setVerdict(verifyDraw(evidence));
    } catch (e) {
      setError(`The chain's logs could not be read: ${(e as Error).message.split("\n")[0]}`);
    } finally {
      setProgress(undefined);
    }
  };

  return (
    <section className="panel draw" data-testid="draw" aria-labelledby="draw-title">
      <h2 id="draw-title">The draw</h2>
      <dl className="terms">
        {draw && <div><dt>VRF request</dt><dd>{shortHex(BigInt(draw.requestId))}</dd></div>}
        {draw && !draw.winner && <div><dt>Random word</dt><dd>waiting for Chainlink VRF (expires {formatTime(draw.expiresAt)})</dd></div>}
        {draw?.word && <div><dt>Random word</dt><dd className="mono">{shortHex(BigInt(draw.word))}</dd></div>}
        {draw?.winningStake && <div><dt>Winning stake</dt><dd data-testid="winning-stake">#{formatCount(BigInt(draw.winningStake))}</dd></div>}
        {draw && draw.purchaseIndex !== null && <div><dt>Purchase</dt><dd>#{draw.purchaseIndex}</dd></div>}
        {draw?.tokenId && <div><dt>Bid token</dt><dd>#{draw.tokenId}</dd></div>}
        {draw?.winner && <div><dt>Winner</dt><dd data-testid="winner" title={getAddress(draw.winner)}>{shortAddress(getAddress(draw.winner))}</dd></div>}
      </dl>
      {!draw && !settled && <p>The draw was requested; the catalog has not caught up with it yet.</p>}
      {(draw?.winner || settled) && (
        <>
          <button type="button" data-testid="verify" onClick={verify} disabled={!!progress}>Verify in your browser</button>
          {progress && <p className="tx tx-busy" role="status"><span className="spinner" aria-hidden /> {progress}</p>}
          {error && <p className="tx tx-error" role="alert">{error}</p>}
          {verdict && (
            <div className={`verdict verdict-${verdict.result.toLowerCase()}`} role="status">
              <p data-testid="verdict"><strong>{verdict.result}</strong>{verdict.result === "MATCH" ? ": the winner recomputed from the chain's logs is the one announced." : ""}</p>
              <ul>{verdict.checks.map((c, i) => <li key={i}>{c.ok ? "✓" : "✗"} {c.what}</li>)}</ul>
            </div>
          )}
        </>
      )}
    </section>
  );
}
