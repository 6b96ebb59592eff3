/** Hash routes, so the page works from any static server: #/, #/listing/7, #/account. */
import { useEffect, useState } from "react";

export type Route = { page: "catalog" } | { page: "listing"; id: number } | { page: "account" };

function parse(hash: string): Route {
  const listing = /^#\/listing\/(\d+)/.exec(hash);
  if (listing) return { page: "listing", id: Number(listing[1]) };
  if (hash.startsWith("#/account")) return { page: "account" };
  return { page: "catalog" };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(location.hash));
  useEffect(() => {
    const onChange = () => {
      setRoute(parse(location.hash));
      window.scrollTo(0, 0);
    };
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

export const hrefListing = (id: number) => `#/listing/${id}`;
