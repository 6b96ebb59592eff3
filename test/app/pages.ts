/// <reference lib="dom" />
/**
 * Page objects for the buyer's page: one per page a person sees, with actions named for what the person means
 * (`catalog.search("G-Class")`, `listing.buy(10)`, `account.claimRefund(7)`). Tests read like the scenario and assert
 * on the chain afterwards.
 */
import type { Locator, Page } from "playwright-core";

const LONG = 90_000;

/** Waits for a write's outcome in `panel` and returns its sentence; a failure throws the page's own sentence. */
async function outcome(panel: Locator): Promise<string> {
  const shown = panel.locator(".tx-done, .tx-error").first();
  await shown.waitFor({ timeout: LONG });
  const text = await shown.innerText();
  if ((await shown.getAttribute("class"))?.includes("tx-error")) throw new Error(`the page says: ${text}`);
  return text;
}

export class Header {
  constructor(private page: Page) {}
  /** Connects the injected test wallet through the page's wallet menu (EIP-6963 discovery). */
  async connect(walletName = "Test Wallet") {
    if (await this.page.getByTestId("connected-address").isVisible()) return;
    await this.page.getByRole("button", { name: "Connect wallet" }).click();
    await this.page.getByRole("menuitem", { name: new RegExp(walletName) }).click();
    await this.page.getByTestId("connected-address").waitFor();
  }
  connectedAddress() {
    return this.page.getByTestId("connected-address").getAttribute("title");
  }
}

export class CatalogPage {
  readonly header: Header;
  constructor(private page: Page, private base: string) {
    this.header = new Header(page);
  }
  async open() {
    await this.page.goto(`${this.base}#/`);
    await this.page.getByTestId("results").waitFor();
  }
  async search(words: string) {
    await this.page.getByRole("searchbox", { name: "Search listings" }).fill(words);
    await this.page.getByRole("searchbox", { name: "Search listings" }).press("Enter");
    await this.page.locator(".result-count", { hasText: words }).waitFor();
  }
  async clearSearch() {
    await this.page.getByRole("searchbox", { name: "Search listings" }).fill("");
    await this.page.getByRole("searchbox", { name: "Search listings" }).press("Enter");
  }
  async filterCategory(name: string) {
    await this.page.getByRole("group", { name: "Categories" }).getByRole("button", { name, exact: true }).click();
    await this.page.getByRole("group", { name: "Categories" }).getByRole("button", { name, exact: true, pressed: true }).waitFor();
  }
  async sortBy(label: RegExp) {
    const select = this.page.getByRole("combobox", { name: "Sort by" });
    const option = (await select.locator("option").allTextContents()).find((t) => label.test(t));
    if (!option) throw new Error(`no sort option matches ${label}`);
    await select.selectOption({ label: option });
  }
  /** Listing ids of the cards, in the order shown (waits for the results to settle). */
  async cardIds(): Promise<number[]> {
    await this.page.locator('[data-testid="results"][aria-busy="false"]').waitFor();
    const ids = await this.page.getByTestId("listing-card").evaluateAll((cards) => cards.map((c) => Number(c.getAttribute("data-listing-id"))));
    return ids;
  }
  card(listingId: number | bigint): Locator {
    return this.page.locator(`[data-testid="listing-card"][data-listing-id="${listingId}"]`);
  }
  /**
   * Filters by status with the keyboard only: Tab from the search box until the status chip has the focus, then Space
   * (proves the chip is reachable and operable by keyboard). `status` is the API's name (Settled shows as "Won").
   */
  async filterStatusByKeyboard(status: string) {
    await this.page.getByRole("searchbox", { name: "Search listings" }).focus();
    for (let i = 0; i < 60; i++) {
      await this.page.keyboard.press("Tab");
      const focused = await this.page.evaluate(() => document.activeElement?.getAttribute("data-status") ?? null);
      if (focused === status) {
        await this.page.keyboard.press("Space");
        await this.statusChip(status, true).waitFor();
        return;
      }
    }
    throw new Error(`the ${status} chip cannot be reached with Tab from the search box`);
  }
  statusChip(status: string, pressed?: boolean): Locator {
    const chip = this.page.getByRole("group", { name: "Status" }).locator(`button[data-status="${status}"]`);
    return pressed === undefined ? chip : chip.and(this.page.locator(`[aria-pressed="${pressed}"]`));
  }
  /** Each card's status as its badge says (the API's name in data-status). */
  async cardStatuses(): Promise<string[]> {
    await this.page.locator('[data-testid="results"][aria-busy="false"]').waitFor();
    return this.page.getByTestId("listing-card").locator(".badge").evaluateAll((badges) => badges.map((b) => b.getAttribute("data-status") ?? ""));
  }
  /** Stakes sold as the card's progress bar shows them. */
  async soldOnCard(listingId: number | bigint): Promise<bigint> {
    return BigInt((await this.card(listingId).getByTestId("progress").getAttribute("data-sold")) ?? "-1");
  }
}

export class ListingPage {
  readonly header: Header;
  constructor(private page: Page, private base: string) {
    this.header = new Header(page);
  }
  async open(listingId: number | bigint) {
    await this.page.goto(`${this.base}#/listing/${listingId}`);
    await this.page.getByTestId("listing-page").waitFor();
  }
  /** Buys `count` stakes from the buy panel and returns the sentence naming the stake numbers bought. */
  async buy(count: number) {
    await this.page.getByTestId("buy-amount").fill(String(count));
    await this.page.getByTestId("wallet-pays").waitFor();
    await this.page.getByTestId("buy").click();
    await this.page.getByTestId("bought").waitFor({ timeout: LONG });
    return this.page.getByTestId("bought").innerText();
  }
  async preview(count: number) {
    await this.page.getByTestId("buy-amount").fill(String(count));
    return {
      cost: await this.page.getByTestId("cost").innerText(),
      creditUsed: await this.page.getByTestId("credit-used").innerText(),
      walletPays: await this.page.getByTestId("wallet-pays").innerText(),
    };
  }
  async addToCart(count: number) {
    await this.page.getByTestId("buy-amount").fill(String(count));
    await this.page.getByRole("button", { name: "Add to cart" }).click();
  }
  positionStakes() {
    return this.page.getByTestId("position").getByTestId("position-stakes");
  }
  winner() {
    return this.page.getByTestId("winner");
  }
  /** "Verify in your browser": returns the verdict line once the page recomputed the draw from the chain's logs. */
  async verifyDraw() {
    await this.page.getByTestId("verify").click();
    await this.page.getByTestId("verdict").waitFor({ timeout: LONG });
    return this.page.getByTestId("verdict").innerText();
  }
  /** The winner signs the EIP-712 delivery authorization; returns the line it hands to the seller. */
  async signDeliveryAuthorization() {
    await this.page.getByTestId("sign-authorization").click();
    await this.page.getByTestId("authorization").waitFor({ timeout: LONG });
    return this.page.getByTestId("authorization").inputValue();
  }
  /** Runs one of the delivery panel's actions and returns the sentence the page shows when it landed. */
  async deliveryAction(testId: "take-cash" | "open-dispute" | "mark-shipped") {
    await this.page.getByTestId(testId).click();
    return outcome(this.page.getByTestId("delivery"));
  }
  async markShipped(tracking: string) {
    await this.page.getByTestId("tracking").fill(tracking);
    return this.deliveryAction("mark-shipped");
  }
  orderStatus() {
    return this.page.getByTestId("order-status");
  }
  /** The seller presents the buyer's authorization and waits for the release. */
  async presentAuthorization(authorization: string) {
    await this.page.getByTestId("paste-authorization").fill(authorization);
    await this.page.getByTestId("submit-authorization").click();
    await this.page.getByTestId("order-status").filter({ hasText: "Released" }).waitFor({ timeout: LONG });
  }
}

export class Cart {
  constructor(private page: Page) {}
  async open() {
    await this.page.getByTestId("open-cart").click();
    await this.page.getByTestId("cart").waitFor();
  }
  item(listingId: number | bigint): Locator {
    return this.page.getByTestId("cart").locator(`[data-testid="cart-item"][data-listing-id="${listingId}"]`);
  }
  async setCount(listingId: number | bigint, count: number) {
    await this.item(listingId).getByRole("spinbutton").fill(String(count));
  }
  /** Checks out and waits until every item is either bought or failed. */
  async checkout() {
    await this.page.getByTestId("checkout").click();
    await this.page.getByTestId("checkout").filter({ hasText: "Checking out" }).waitFor({ state: "detached", timeout: LONG }).catch(() => {});
    await this.page.waitForFunction(() => !document.querySelector('[data-testid="cart-item"][data-state="working"], [data-testid="cart-item"][data-state="waiting"]'), undefined, { timeout: LONG });
  }
  async close() {
    await this.page.getByRole("button", { name: "Close the cart" }).click();
  }
}

export class AccountPage {
  readonly header: Header;
  constructor(private page: Page, private base: string) {
    this.header = new Header(page);
  }
  async open() {
    await this.page.goto(`${this.base}#/account`);
    await this.page.getByTestId("account-page").waitFor({ timeout: LONG });
  }
  position(listingId: number | bigint): Locator {
    return this.page.locator(`[data-testid="position-row"][data-listing-id="${listingId}"]`);
  }
  async claimRefund(listingId: number | bigint) {
    await this.position(listingId).getByTestId("claim-refund").click();
    await this.page.getByTestId("positions").locator(".tx-done").waitFor({ timeout: LONG });
    return this.page.getByTestId("positions").locator(".tx-done").innerText();
  }
  /** Tops up the (first) bid token with `amount` (e.g. "25.00"); returns the sentence shown when it landed. */
  async topUp(amount: string) {
    await this.page.getByTestId("top-up-amount").fill(amount);
    await this.page.getByTestId("top-up").click();
    return outcome(this.page.getByTestId("bid-tokens"));
  }
  credit(tokenId: bigint | number) {
    return this.page.getByTestId("bid-tokens").locator(`tr[data-token-id="${tokenId}"]`).getByTestId("credit");
  }
  /** Cancels the latest purchase in a listing from its position row; returns the sentence shown when it landed. */
  async cancelLatest(listingId: number | bigint) {
    await this.position(listingId).getByTestId("cancel-purchase").click();
    return outcome(this.page.getByTestId("positions"));
  }
  async claimRewards() {
    await this.page.getByTestId("claim-rewards").click();
    return outcome(this.page.getByTestId("membership"));
  }
  async withdraw() {
    await this.page.getByTestId("withdraw").click();
    await this.page.getByTestId("orders").locator(".tx-done").waitFor({ timeout: LONG });
    return this.page.getByTestId("orders").locator(".tx-done").innerText();
  }
}
