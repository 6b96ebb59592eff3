/**
 * The deployment's addresses and payment token. Read from the chain when the Marketplace's address is configured
 * (every other contract is found from it, so the page works without the indexer), else from `GET /deployment`.
 */
import { useMemo } from "react";
import { useQuery } from "@tanstack/react-query";
import { useConfig } from "wagmi";
import { readContract } from "wagmi/actions";
import type { Config } from "wagmi";
import type { Address } from "viem";
import { formatToken, parseToken } from "../../../core/format";
import { ABI } from "../lib/abis";
import type { Deployment } from "../lib/api";
import { useRuntime } from "./useRuntime";

async function deploymentFromChain(config: Config, marketplace: Address, chainId: number): Promise<Deployment> {
  const read = (address: Address, abi: readonly unknown[], functionName: string, args: unknown[] = []) =>
    readContract(config, { address, abi, functionName, args } as never) as Promise<unknown>;
  const [modules, token, series] = (await Promise.all([
    read(marketplace, ABI.marketplace, "modules"),
    read(marketplace, ABI.marketplace, "paymentToken"),
    read(marketplace, ABI.marketplace, "seriesModule"),
  ])) as [{ bidToken: Address; assetDeed: Address; escrow: Address; revenueVault: Address }, Address, Address];
  const [membership, symbol, decimals, permit] = await Promise.all([
    read(modules.escrow, ABI.escrow, "membership") as Promise<Address>,
    read(token, ABI.erc20, "symbol") as Promise<string>,
    read(token, ABI.erc20, "decimals") as Promise<number>,
    // A token takes EIP-2612 permits when it answers DOMAIN_SEPARATOR and nonces.
    Promise.all([read(token, ABI.erc20, "DOMAIN_SEPARATOR"), read(token, ABI.erc20, "nonces", [marketplace])]).then(() => true, () => false),
  ]);
  return {
    chainId,
    startBlock: 0,
    marketplace,
    bidToken: modules.bidToken,
    escrow: modules.escrow,
    membership,
    vault: modules.revenueVault,
    series,
    deed: modules.assetDeed,
    paymentToken: { address: token, symbol, decimals: Number(decimals), permit },
  };
}

export function useDeployment() {
  const { api, runtime } = useRuntime();
  const config = useConfig();
  return useQuery({
    queryKey: ["deployment", runtime.marketplace ?? api.base],
    queryFn: async () => {
      if (!runtime.marketplace) return api.deployment();
      const fromChain = await deploymentFromChain(config, runtime.marketplace, runtime.chainId);
      // The indexer knows the start block (where log scans may begin); the chain alone does not.
      const startBlock = await api.deployment().then((d) => d.startBlock, () => 0);
      return { ...fromChain, startBlock };
    },
    staleTime: Infinity,
  });
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

/** The payment token's formatter; before the deployment is known, amounts wait (undefined). */
export function useMoney(): Money | undefined {
  const { data } = useDeployment();
  return useMemo(() => (data ? moneyOf(data.paymentToken) : undefined), [data]);
}
