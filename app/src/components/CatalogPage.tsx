import { useEffect, useState } from "react";
import { useCatalog, useCategories } from "../hooks/useCatalog";
import { useMoney } from "../hooks/useDeployment";
import { rememberCatalog } from "../hooks/useRoute";
import { ListingCard } from "./ListingCard";
import { STATUS_LABEL } from "./StatusBadge";

export const SORTS = [
  { value: "odds", label: "Probability of acquiring (high to low)" },
  { value: "stakePrice", label: "Stake price (low to high)" },
  { value: "endingSoon", label: "Ending soon" },
  { value: "mostSold", label: "Most sold" },
  { value: "newest", label: "Newest" },
] as const;

/** The statuses a buyer filters by, as the catalog API's `status=` names them. */
export const STATUSES = ["Open", "Drawing", "Settled", "Failed", "Dissolved"] as const;

/** Search, category chips, sorts and the results (seeds/000 FIG. 3 step 310, FIG. 7 items 601–603). */
export function CatalogPage({ params }: { params: URLSearchParams }) {
  // The state starts from the address bar (a reload or a shared link) and is written back to it as it changes.
  const [draft, setDraft] = useState(() => params.get("q") ?? "");
  const [q, setQ] = useState(() => (params.get("q") ?? "").trim());
  const [category, setCategory] = useState(() => params.get("category") ?? "");
  const [subcategory, setSubcategory] = useState(() => params.get("sub") ?? "");
  const [status, setStatus] = useState(() => STATUSES.find((s) => s.toLowerCase() === params.get("status")?.toLowerCase()) ?? "");
  const [sort, setSort] = useState<string>(() => SORTS.find((s) => s.value === params.get("sort"))?.value ?? "");
  useEffect(() => rememberCatalog({ q, category, sub: subcategory, status, sort }), [q, category, subcategory, status, sort]);
  // Typing searches after a short pause; Enter searches at once.
  useEffect(() => {
    const timer = setTimeout(() => setQ(draft.trim()), 250);
    return () => clearTimeout(timer);
  }, [draft]);
  const effectiveSort = sort || (q ? "relevance" : "odds");
  const catalog = useCatalog({ q, category, subcategory, status, sort: effectiveSort, limit: 24 });
  const items = catalog.data?.pages.flatMap((p) => p.items) ?? [];
  const total = catalog.data?.pages[0]?.total ?? 0;
  const categories = useCategories();
  const money = useMoney();
  const subs = categories.data?.find((c) => c.name === category)?.subcategories ?? [];

  return (
    <section className="catalog" aria-label="Catalog">
      <form className="search" role="search" onSubmit={(e) => (e.preventDefault(), setQ(draft.trim()))}>
        <label htmlFor="search-input" className="visually-hidden">Search listings</label>
        <input id="search-input" type="search" placeholder='Search: "G-Class", "Rolex Daytona", "villa"…' value={draft} onChange={(e) => setDraft(e.target.value)} />
        <button type="submit">Search</button>
        <label className="sort">
          <span>Sort</span>
          <select value={sort} onChange={(e) => setSort(e.target.value)} aria-label="Sort by">
            {q && <option value="">Best match</option>}
            {!q && <option value="">Probability of acquiring (high to low)</option>}
            {SORTS.filter((s) => q || s.value !== "odds").map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
          </select>
        </label>
      </form>
      <div className="chips" role="group" aria-label="Categories">
        <span className="chips-label" aria-hidden>Category</span>
        <button type="button" className="chip" aria-pressed={category === ""} onClick={() => (setCategory(""), setSubcategory(""))}>All</button>
        {categories.data?.map((c) => (
          <button key={c.name} type="button" className="chip" aria-pressed={category === c.name} onClick={() => (setCategory(c.name), setSubcategory(""))}>{c.name}</button>
        ))}
      </div>
      <div className="chips status" role="group" aria-label="Status">
        <span className="chips-label" aria-hidden>Status</span>
        <button type="button" className="chip" aria-pressed={status === ""} onClick={() => setStatus("")}>Any status</button>
        {STATUSES.map((s) => (
          <button key={s} type="button" className="chip" data-status={s} aria-pressed={status === s} onClick={() => setStatus(status === s ? "" : s)}>{STATUS_LABEL[s]}</button>
        ))}
      </div>
      {subs.length > 0 && (
        <div className="chips sub" role="group" aria-label="Sub-categories">
          {subs.map((s) => (
            <button key={s} type="button" className="chip" aria-pressed={subcategory === s} onClick={() => setSubcategory(subcategory === s ? "" : s)}>{s}</button>
          ))}
        </div>
      )}
      {catalog.error && <p className="tx tx-error" role="alert">{(catalog.error as Error).message}</p>}
      {catalog.data && money && (
        <>
          <p className="result-count" aria-live="polite">{total} listing{total === 1 ? "" : "s"}{status ? ` ${STATUS_LABEL[status].toLowerCase()}` : ""}{q ? ` for “${q}”` : ""}</p>
          <div className="grid" data-testid="results" aria-busy={catalog.isFetching}>
            {items.map((item, i) => <ListingCard key={item.id} item={item} money={money} eager={i < 8} />)}
          </div>
          {catalog.hasNextPage && (
            <button type="button" className="more" disabled={catalog.isFetchingNextPage} onClick={() => void catalog.fetchNextPage()}>
              {catalog.isFetchingNextPage ? "Loading…" : `Show more (${items.length} of ${total})`}
            </button>
          )}
        </>
      )}
      {!catalog.data && !catalog.error && <p className="loading">Loading the catalog…</p>}
    </section>
  );
}
