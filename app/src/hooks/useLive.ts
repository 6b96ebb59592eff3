/**
 * Live updates: the indexer's `GET /events` stream names the listings each indexed block changed; the page refetches
 * exactly those (catalog pages, the listing, the account) so cards move within a block or two of a purchase.
 */
import { useEffect, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useBlock } from "wagmi";
import { useRuntime } from "./useRuntime";

export function useLiveEvents() {
  const { api } = useRuntime();
  const queryClient = useQueryClient();
  useEffect(() => {
    const source = new EventSource(`${api.base}/events`);
    source.onmessage = (message) => {
      let listings: number[];
      try {
        listings = (JSON.parse(message.data) as { listings?: number[] }).listings ?? [];
      } catch {
        return;
      }
      void queryClient.invalidateQueries({ queryKey: ["catalog"] });
      void queryClient.invalidateQueries({ queryKey: ["account"] });
      for (const id of listings) void queryClient.invalidateQueries({ queryKey: ["listing", id] });
      // Chain reads (wagmi's readContract queries) of the listings that changed.
      void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] === "readContracts" || q.queryKey[0] === "readContract" });
    };
    return () => source.close();
  }, [api, queryClient]);
}

/** "Now" by the chain's clock (the latest block's timestamp plus the wall time since), ticking every second. */
export function useChainNow(): number {
  const { data: block } = useBlock({ watch: true });
  const [wall, setWall] = useState(() => Date.now());
  const [offset, setOffset] = useState(0);
  useEffect(() => {
    if (block) setOffset(Number(block.timestamp) - Math.floor(Date.now() / 1000));
  }, [block]);
  useEffect(() => {
    const timer = setInterval(() => setWall(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  // The chain never runs behind its last block.
  return Math.max(Math.floor(wall / 1000) + offset, block ? Number(block.timestamp) : 0);
}
