/**
 * Hash routes, so the page works from any static server: #/, #/listing/7, #/account. The catalog keeps its search,
 * filters and sort in the hash's query (#/?q=rolex&status=Open&sort=newest), so a reload or a shared link shows the
 * same results ("nothing a person does is lost on reload").
 */
import { useEffect, useState } from "react";

export type Route = ({ page: "catalog"; params: URLSearchParams } | { page: "listing"; id: number } | { page: "account" }) & {
  /** Counts hash changes, so a page re-reads its state when the person follows a link to the same page. */
  seq: number;
};

let seq = 0;

function parse(hash: string): Route {
  const listing = /^#\/listing\/(\d+)/.exec(hash);
  if (listing) return { page: "listing", id: Number(listing[1]), seq };
  if (hash.startsWith("#/account")) return { page: "account", seq };
  const query = hash.indexOf("?");
  return { page: "catalog", params: new URLSearchParams(query < 0 ? "" : hash.slice(query + 1)), seq };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(location.hash));
  useEffect(() => {
    const onChange = () => {
      seq++;
      setRoute(parse(location.hash));
      window.scrollTo(0, 0);
    };
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

export const hrefListing = (id: number) => `#/listing/${id}`;

const CATALOG_KEY = "copurchase.catalog";

/** The catalog as the person left it (search, filters, sort), for links back to it. */
export function hrefCatalog(): string {
  return sessionStorage.getItem(CATALOG_KEY) ?? "#/";
}

/** Writes the catalog's state into the address bar without a new history entry or a hashchange. */
export function rememberCatalog(state: Record<string, string>) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(state)) if (v) params.set(k, v);
  const text = params.toString();
  const hash = text ? `#/?${text}` : "#/";
  sessionStorage.setItem(CATALOG_KEY, hash);
  if (location.hash !== hash && !(hash === "#/" && location.hash === "")) history.replaceState(history.state, "", hash);
}
