/** A listing as the chain tells it (charter, status, sales, a token's odds) — read directly, no indexer needed. */
import { useReadContracts } from "wagmi";
import type { Address } from "viem";
import { ABI } from "../lib/abis";
import { LISTING_STATUS } from "../../../core/enums";

export interface Terms {
  seller: Address;
  deedId: bigint;
  price: bigint;
  stakePrice: bigint;
  stakeCount: bigint;
  threshold: bigint;
  opensAt: number;
  deadline: number;
  category: number;
  drawAtSellOut: boolean;
}

export function useListingChain(address: Address | undefined, tokenId?: bigint) {
  const listing = { address, abi: ABI.listing } as const;
  const result = useReadContracts({
    contracts: [
      { ...listing, functionName: "charter" },
      { ...listing, functionName: "status" },
      { ...listing, functionName: "sales" },
      { ...listing, functionName: "oddsOf", args: [tokenId ?? 0n] },
      { ...listing, functionName: "winningStake" },
      { ...listing, functionName: "escrowOrderId" },
    ],
    query: { enabled: !!address, refetchInterval: 4_000 },
  });
  const [charter, status, sales, odds, winning, orderId] = (result.data ?? []) as { result?: unknown }[];
  const terms = charter?.result ? (charter.result as unknown as [bigint, Terms])[1] : undefined;
  const [held, purchases] = (sales?.result as [bigint, bigint] | undefined) ?? [undefined, undefined];
  const [stakes] = (odds?.result as [bigint, bigint] | undefined) ?? [undefined];
  const statusIndex = status?.result as number | undefined;
  return {
    ...result,
    terms: terms && {
      ...terms,
      opensAt: Number(terms.opensAt),
      deadline: Number(terms.deadline),
      category: Number(terms.category),
    },
    status: statusIndex === undefined ? undefined : LISTING_STATUS[statusIndex],
    /** Stakes held: sold and not cancelled (the listing's `sales().held`). */
    held,
    purchases,
    stakesOfToken: tokenId ? stakes : undefined,
    winning: winning?.result as [boolean, bigint, bigint] | undefined,
    orderId: orderId?.result as bigint | undefined,
  };
}
