import type { TxState } from "../hooks/useTx";

/** Progress while a write runs, then its outcome or the one-sentence reason it failed (announced to screen readers). */
export function TxStatus({ state, doneTestId }: { state: TxState; doneTestId?: string }) {
  if (state.busy) return <p className="tx tx-busy" role="status" aria-live="polite"><span className="spinner" aria-hidden /> {state.progress}</p>;
  if (state.error) return <p className="tx tx-error" role="alert">{state.error}</p>;
  if (state.done) return <p className="tx tx-done" role="status" data-testid={doneTestId}>{state.done}</p>;
  return null;
}
