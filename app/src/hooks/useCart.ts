/**
 * The cart, kept in localStorage so nothing is lost on reload: items with a count of stakes, some saved for later.
 * One store shared by every component through useSyncExternalStore (no global state library).
 */
import { useSyncExternalStore } from "react";
import type { Address } from "viem";

export interface CartItem {
  listingId: number;
  address: Address;
  name: string;
  count: number;
  savedForLater: boolean;
}

const KEY = "copurchase.cart";
const listeners = new Set<() => void>();
let cache: CartItem[] | undefined;

function read(): CartItem[] {
  if (!cache) {
    try {
      cache = JSON.parse(localStorage.getItem(KEY) ?? "[]") as CartItem[];
    } catch {
      cache = [];
    }
  }
  return cache;
}

function write(items: CartItem[]) {
  cache = items;
  localStorage.setItem(KEY, JSON.stringify(items));
  listeners.forEach((l) => l());
}

window.addEventListener("storage", (e) => {
  if (e.key === KEY) {
    cache = undefined;
    listeners.forEach((l) => l());
  }
});

export const cart = {
  add(item: Omit<CartItem, "savedForLater">) {
    const items = read();
    const existing = items.find((i) => i.listingId === item.listingId);
    write(
      existing
        ? items.map((i) => (i.listingId === item.listingId ? { ...i, count: i.count + item.count, savedForLater: false } : i))
        : [...items, { ...item, savedForLater: false }],
    );
  },
  setCount(listingId: number, count: number) {
    write(read().map((i) => (i.listingId === listingId ? { ...i, count: Math.max(1, Math.floor(count) || 1) } : i)));
  },
  saveForLater(listingId: number, saved: boolean) {
    write(read().map((i) => (i.listingId === listingId ? { ...i, savedForLater: saved } : i)));
  },
  remove(listingId: number) {
    write(read().filter((i) => i.listingId !== listingId));
  },
};

export function useCart(): CartItem[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    read,
  );
}
