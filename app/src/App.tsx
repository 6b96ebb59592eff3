import { useRef, useState } from "react";
import { AccountPage } from "./components/AccountPage";
import { CartDrawer } from "./components/CartDrawer";
import { CatalogPage } from "./components/CatalogPage";
import { ListingPage } from "./components/ListingPage";
import { WalletButton } from "./components/WalletButton";
import { useCart } from "./hooks/useCart";
import { useLiveEvents } from "./hooks/useLive";
import { hrefCatalog, useRoute } from "./hooks/useRoute";
import { useRuntime } from "./hooks/useRuntime";

export function App() {
  const route = useRoute();
  const cartItems = useCart();
  const [cartOpen, setCartOpen] = useState(false);
  const cartButton = useRef<HTMLButtonElement>(null);
  const { runtime } = useRuntime();
  useLiveEvents();
  const inCart = cartItems.filter((i) => !i.savedForLater).length;
  return (
    <>
      <a href="#main" className="skip">Skip to content</a>
      <header className="top">
        <a href="#/" className="brand">Copurchase</a>
        <nav aria-label="Main">
          <a href={route.page === "catalog" ? "#/" : hrefCatalog()} aria-current={route.page === "catalog" ? "page" : undefined}>Catalog</a>
          <a href="#/account" aria-current={route.page === "account" ? "page" : undefined}>My account</a>
          <button ref={cartButton} type="button" className="cart-button" data-testid="open-cart" onClick={() => setCartOpen(true)} aria-label={`Cart, ${inCart} item${inCart === 1 ? "" : "s"}`}>
            Cart <span className="count-badge">{inCart}</span>
          </button>
        </nav>
        <WalletButton />
      </header>
      <main id="main">
        {route.page === "catalog" && <CatalogPage key={route.seq} params={route.params} />}
        {route.page === "listing" && <ListingPage key={route.id} id={route.id} />}
        {route.page === "account" && <AccountPage />}
      </main>
      <footer className="foot">{runtime.chainName} · chain {runtime.chainId}</footer>
      {/* Closing the cart gives the keyboard back to the button that opened it. */}
      <CartDrawer open={cartOpen} onClose={() => (setCartOpen(false), cartButton.current?.focus())} />
    </>
  );
}
