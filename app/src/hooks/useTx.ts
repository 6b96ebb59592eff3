/**
 * One write the person started, with progress and the outcome as one sentence: `run("Claiming refund", fn)` shows
 * "Claiming refund…" while the wallet and the chain work, then the result or the reason it failed.
 *
 * `useTx(key)` keeps that state outside the component under `key`, so a panel that is redrawn while its write is
 * in flight (a refetch, a wallet switch) still shows the progress and then the outcome; without a key the state
 * belongs to the component instance.
 */
import { useCallback, useId, useSyncExternalStore } from "react";
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

const IDLE: TxState = { busy: false };
const states = new Map<string, TxState>();
const listeners = new Set<() => void>();

function publish(key: string, state: TxState) {
  states.set(key, state);
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useTx(key?: string) {
  const instance = useId();
  const k = key ?? instance;
  const state = useSyncExternalStore(subscribe, () => states.get(k) ?? IDLE);
  const setState = useCallback((s: TxState) => publish(k, s), [k]);
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
    [money, queryClient, setState],
  );
  return { ...state, run, reset: () => setState(IDLE) };
}
