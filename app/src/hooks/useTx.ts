/**
 * One write the person started, with progress and the outcome as one sentence: `run("Claiming refund", fn)` shows
 * "Claiming refund…" while the wallet and the chain work, then the result or the reason it failed.
 */
import { useCallback, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { explain } from "../lib/errors";
import { useMoney } from "./useDeployment";
import { formatToken } from "../../../core/format";

export interface TxState {
  busy: boolean;
  progress?: string;
  error?: string;
  done?: string;
}

export function useTx() {
  const [state, setState] = useState<TxState>({ busy: false });
  const money = useMoney();
  const queryClient = useQueryClient();
  const run = useCallback(
    async <T,>(label: string, fn: (progress: (p: string) => void) => Promise<T>, doneText?: (result: T) => string): Promise<T | undefined> => {
      setState({ busy: true, progress: `${label}…` });
      try {
        const result = await fn((p) => setState({ busy: true, progress: p }));
        setState({ busy: false, done: doneText ? doneText(result) : `${label}: done.` });
        void queryClient.invalidateQueries();
        return result;
      } catch (error) {
        setState({ busy: false, error: explain(error, money?.format ?? ((u) => formatToken(u, 6, "USDC"))) });
        return undefined;
      }
    },
    [money, queryClient],
  );
  return { ...state, run, reset: () => setState({ busy: false }) };
}
