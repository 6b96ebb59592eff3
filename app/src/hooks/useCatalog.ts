/** Catalog, listing and account data from the catalog API (react-query; refetched by useLiveEvents). */
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import type { CatalogQuery } from "../lib/api";
import { useRuntime } from "./useRuntime";

/** Catalog pages by the API's cursor: the first page, then more as the person asks ("Show more"). */
export function useCatalog(query: CatalogQuery) {
  const { api } = useRuntime();
  return useInfiniteQuery({
    queryKey: ["catalog", query],
    queryFn: ({ pageParam }) => api.catalog({ ...query, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useListingDetail(id: number) {
  const { api } = useRuntime();
  return useQuery({ queryKey: ["listing", id], queryFn: () => api.listing(id) });
}

export function useAccountView(address: Address | undefined) {
  const { api } = useRuntime();
  return useQuery({
    queryKey: ["account", address?.toLowerCase()],
    queryFn: () => api.account(address!),
    enabled: !!address,
  });
}

/** Categories and sub-categories for the chips, from a broad catalog page. */
export function useCategories() {
  const { api } = useRuntime();
  return useQuery({
    queryKey: ["catalog", "categories"],
    queryFn: async () => {
      const page = await api.catalog({ limit: 100, sort: "newest" });
      const map = new Map<string, Set<string>>();
      for (const item of page.items) {
        if (!item.category) continue;
        if (!map.has(item.category)) map.set(item.category, new Set());
        if (item.subcategory) map.get(item.category)!.add(item.subcategory);
      }
      return [...map.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, subs]) => ({ name, subcategories: [...subs].sort() }));
    },
    staleTime: 60_000,
  });
}
