/** The catalog API (indexer/API.md): typed fetches. Amounts arrive as decimal strings of token units. */
import type { Address, Hex } from "viem";

export type ListingStatus = "Open" | "Drawing" | "Settled" | "Failed" | "Dissolved";

export interface Deployment {
  chainId: number;
  startBlock: number;
  marketplace: Address;
  bidToken: Address;
  escrow: Address;
  membership: Address;
  vault: Address;
  series: Address;
  deed: Address;
  paymentToken: { address: Address; symbol: string; decimals: number; permit: boolean };
}

export interface CatalogItem {
  id: number;
  address: Address;
  name: string;
  description: string;
  image: string;
  category: string;
  subcategory: string;
  keywords: string[];
  price: string;
  stakePrice: string;
  stakes: string;
  threshold: string;
  sold: string;
  cancelled: string;
  progress: number;
  oddsDenominator: string;
  oddsPerStake: number;
  opensAt: number;
  deadline: number;
  status: ListingStatus;
  metadataStatus: "ok" | "unavailable" | "pending";
  contentHashMatches: boolean | null;
  updatedAt: number;
}

export interface ListingDetail extends CatalogItem {
  seller: Address;
  deedId: string;
  metadataUri: string;
  contentHash: Hex;
  attributes: { trait_type: string; value: string | number }[];
  history: { status: ListingStatus; timestamp: number; block: number; tx: Hex }[];
  purchases: { index: number; tokenId: string; buyer: Address; firstStake: string; count: string; cancelled: boolean; timestamp: number; tx: Hex }[];
  purchasesNextCursor: string | null;
  holders: { tokenId: string; owner: Address; stakes: string }[];
  draw: null | {
    requestId: string;
    expiresAt: number;
    word: string | null;
    winningStake: string | null;
    purchaseIndex: number | null;
    tokenId: string | null;
    winner: Address | null;
    attempts: number | null;
  };
  order: null | { orderId: string; status: string; buyer: Address; seller: Address; amount: string; dueAt: number; shipBy: number | null; confirmBy: number | null };
}

export interface Position {
  listingId: number;
  listingAddress: Address;
  name: string;
  status: ListingStatus;
  tokenId: string;
  stakes: string;
  paid: string;
  oddsPerStake: number;
  odds: number;
  refundable: string;
  latestPurchase: null | { index: number; count: string; timestamp: number; cancelled: boolean; cancelDeadline: number | null };
}

export interface AccountView {
  address: Address;
  tokens: { tokenId: string; credit: string; positions: number }[];
  positions: Position[];
  orders: { orderId: string; role: "buyer" | "seller"; listingId: number | null; status: string; amount: string; counterparty: Address }[];
  membership: { tier: number; counters: Record<string, number> } | null;
}

export interface CatalogQuery {
  q?: string;
  category?: string;
  subcategory?: string;
  status?: string;
  sort?: string;
  cursor?: string;
  limit?: number;
}

export interface CatalogPage {
  items: CatalogItem[];
  nextCursor: string | null;
  total: number;
}

export class ApiError extends Error {
  constructor(message: string, readonly notFound = false) {
    super(message);
  }
}

export function createApi(base: string) {
  async function get<T>(path: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`);
    } catch {
      throw new ApiError(`the catalog service at ${base} does not answer: is the indexer running?`);
    }
    if (response.status === 404) throw new ApiError((await response.json().catch(() => ({}))).error ?? "not found", true);
    if (!response.ok) throw new ApiError((await response.json().catch(() => ({}))).error ?? `the catalog service answered ${response.status}`);
    return response.json() as Promise<T>;
  }
  const query = (q: Record<string, string | number | undefined>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== "") params.set(k, String(v));
    const text = params.toString();
    return text ? `?${text}` : "";
  };
  return {
    base,
    deployment: () => get<Deployment>("/deployment"),
    catalog: (q: CatalogQuery) => get<CatalogPage>(`/catalog${query({ ...q })}`),
    listing: (id: number) => get<ListingDetail>(`/listings/${id}`),
    // An address the indexer never saw is an account with nothing yet, not an error.
    account: (address: Address) =>
      get<AccountView>(`/accounts/${address.toLowerCase()}`).catch((error: unknown) => {
        if (error instanceof ApiError && error.notFound) return { address, tokens: [], positions: [], orders: [], membership: null };
        throw error;
      }),
  };
}

export type Api = ReturnType<typeof createApi>;
