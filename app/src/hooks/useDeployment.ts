/** The deployment's addresses and payment token (GET /deployment), and the token's formatter built on them. */
import { useMemo } from "react";
import { useQuery } from "@tanstack/react-query";
import { formatToken, parseToken } from "../../../core/format";
import type { Deployment } from "../lib/api";
import { useRuntime } from "./useRuntime";

export function useDeployment() {
  const { api } = useRuntime();
  return useQuery({ queryKey: ["deployment"], queryFn: api.deployment, staleTime: Infinity });
}

export interface Money {
  symbol: string;
  decimals: number;
  /** Units → "12.50 USDC". */
  format(units: bigint | string): string;
  /** "12.5" → units; throws a one-line reason. */
  parse(text: string): bigint;
}

export function moneyOf(token: Deployment["paymentToken"]): Money {
  return {
    symbol: token.symbol,
    decimals: token.decimals,
    format: (units) => formatToken(BigInt(units), token.decimals, token.symbol),
    parse: (text) => parseToken(text, token.decimals, token.symbol),
  };
}

/** The payment token's formatter; before /deployment answers, amounts wait (undefined). */
export function useMoney(): Money | undefined {
  const { data } = useDeployment();
  return useMemo(() => (data ? moneyOf(data.paymentToken) : undefined), [data]);
}
