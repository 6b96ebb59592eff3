/**
 * The buyer's page in a real browser (Debian's Chromium through playwright-core) against the whole local stack —
 * node, Ignition deployment, sample assets, indexer, page — started once for this file on free ports. The wallet is
 * a real EIP-1193 provider announced by EIP-6963 that signs with test keys (test/app/wallet.ts). Every scenario
 * asserts what the chain says afterwards.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { chromium } from "playwright-core";
import type { BrowserContext, Page } from "playwright-core";
import { parseEventLogs } from "viem";
import type { Address, Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { SampleAsset } from "../../core/assets.js";
import { SAMPLE_ASSETS } from "../../core/assets.js";
import { shortAddress } from "../../core/format.js";
import { listAsset } from "../../scripts/lib/seed.js";
import type { Seeded } from "../../scripts/lib/seed.js";
import { startStack } from "../../scripts/lib/stack.js";
import type { Stack } from "../../scripts/lib/stack.js";
import { keepUntil } from "./keeper.js";
import { AccountPage, Cart, CatalogPage, ListingPage } from "./pages.js";
import { TestWallet } from "./wallet.js";

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost",
];
const SCREENSHOTS = path.resolve("docs/screenshots");
/** The promise: a purchase shows on cards and in the account without a reload within 2 s of its block. */
const LIVE_MS = 2_000;
const USDC = 1_000_000n;
/** Hardhat's account #1, the sample assets' seller (its key is public: Hardhat's default mnemonic). */
const SELLER_KEY: Hex = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

/** Two small listings of the test's own, ending in a day: one to fail, one to be drawn. */
const testAsset = (key: string, name: string, stakes: number, threshold: number): SampleAsset => ({
  ...SAMPLE_ASSETS.find((a) => a.categoryId === 8)!,
  key,
  name,
  keywords: [key],
  price: threshold * 10,
  stakePrice: 10,
  stakes,
  threshold,
  days: 1,
});

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${String(value)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}

describe("the buyer's page in Chromium", function () {
  this.timeout(600_000);
  let stack: Stack;
  let starting: Promise<Stack> | undefined;
  let context: BrowserContext;
  let profile: string;
  let page: Page;
  let wallet: TestWallet;
  let buyer: Address;
  let seller: Address;
  let failing: Seeded;
  let drawn: Seeded;
  let catalog: CatalogPage;
  let listing: ListingPage;
  let account: AccountPage;
  let cart: Cart;

  const read = <T>(address: Address, abiName: keyof Stack["chain"]["abis"], functionName: string, args: unknown[] = []) =>
    stack.chain.client.readContract({ address, abi: stack.chain.abis[abiName] as never, functionName, args } as never) as Promise<T>;
  const usdcOf = (who: Address) => read<bigint>(stack.chain.usdc, "MockUSDCAbi", "balanceOf", [who]);
  const listingOf = (key: string) => stack.seeded.find((s) => s.key === key)!;
  const shoot = async (p: Page, name: string) => {
    for (const width of [390, 1440]) {
      await p.setViewportSize({ width, height: 900 });
      // From the top, so the sticky header is not painted mid-page in the full-page image.
      await p.evaluate(() => window.scrollTo(0, 0));
      await p.waitForTimeout(300);
      await p.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
    }
  };

  before(async function () {
    // The stack (node, Ignition deploy, seeding, indexer, page build) takes minutes on a busy 2-core machine.
    this.timeout(1_200_000);
    starting = startStack({ log: (line) => process.env.STACK_LOG && console.log(line) });
    stack = await starting;
    const buyerKey = generatePrivateKey();
    buyer = privateKeyToAccount(buyerKey).address;
    seller = privateKeyToAccount(SELLER_KEY).address;
    const { chain } = stack;
    // A first-time buyer: gas money and test USDC, no bid token, no allowance.
    await chain.rpc("hardhat_setBalance", [buyer, "0x56BC75E2D63100000"]);
    await chain.send(chain.accounts[0], chain.usdc, chain.abis.MockUSDCAbi, "mint", [buyer, 5_000n * USDC]);
    failing = await listAsset(chain, testAsset("failing", "Test listing that will miss its threshold", 100, 50));
    drawn = await listAsset(chain, testAsset("drawn", "Test listing that will be drawn", 20, 5));

    profile = mkdtempSync(path.join(tmpdir(), "copurchase-chromium-"));
    context = await chromium.launchPersistentContext(profile, { executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS, viewport: { width: 1440, height: 900 } });
    wallet = new TestWallet(stack.rpcUrl, stack.deployment.chainId, [buyerKey, SELLER_KEY]);
    await wallet.install(context);
    page = context.pages()[0] ?? (await context.newPage());
    catalog = new CatalogPage(page, stack.pageUrl!);
    listing = new ListingPage(page, stack.pageUrl!);
    account = new AccountPage(page, stack.pageUrl!);
    cart = new Cart(page);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async function () {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    // Even when `before` timed out, the stack that was still starting is stopped once it is up.
    await (stack ?? (await starting?.catch(() => undefined)))?.stop();
  });

  it('search "G-Class" finds the car first; a category filter and the probability sort order cards correctly', async function () {
    await catalog.open();
    await catalog.search("G-Class");
    const found = await catalog.cardIds();
    expect(found[0]).to.equal(Number(listingOf("car").listingId));
    const [, carTerms] = await read<[bigint, { category: number }]>(listingOf("car").address, "ListingAbi", "charter");
    expect(Number(carTerms.category)).to.equal(1); // Cars

    await catalog.clearSearch();
    await catalog.filterCategory("Watches");
    await catalog.sortBy(/Probability/);
    const watches = await catalog.cardIds();
    // The chain decides: every listing whose charter says category 2, and only those, ordered by odds per stake
    // (1 in max(sold, T), best first).
    const count = await read<bigint>(stack.chain.marketplace, "MarketplaceAbi", "listingCount");
    const expected: { id: number; denominator: bigint }[] = [];
    for (let id = 1n; id <= count; id++) {
      const address = await read<Address>(stack.chain.marketplace, "MarketplaceAbi", "listingAt", [id]);
      const [, terms] = await read<[bigint, { category: number; threshold: bigint }]>(address, "ListingAbi", "charter");
      if (Number(terms.category) !== 2) continue;
      const [sold] = await read<[bigint, bigint]>(address, "ListingAbi", "sales");
      expected.push({ id: Number(id), denominator: sold > terms.threshold ? sold : terms.threshold });
    }
    expect([...watches].sort()).to.deep.equal(expected.map((e) => e.id).sort());
    const denominators = watches.map((id) => expected.find((e) => e.id === id)!.denominator);
    for (let i = 1; i < denominators.length; i++) expect(denominators[i] >= denominators[i - 1], `card ${i} has better odds than card ${i - 1}`).to.equal(true);
    await catalog.filterCategory("All");
    await shoot(page, "catalog");
  });

  it("a first-time buyer buys 10 stakes with a permit in one transaction; card and account update without a reload within 2 s", async function () {
    const watch = listingOf("watch");
    // A second and third tab watch the catalog card and the account while the first buys.
    const cardTab = await context.newPage();
    const cards = new CatalogPage(cardTab, stack.pageUrl!);
    await cards.open();
    const accountTab = await context.newPage();
    const accountView = new AccountPage(accountTab, stack.pageUrl!);

    await listing.open(watch.listingId);
    await listing.header.connect();
    await accountView.open();
    const [sold0] = await read<[bigint, bigint]>(watch.address, "ListingAbi", "sales");
    const [, terms] = await read<[bigint, { stakePrice: bigint }]>(watch.address, "ListingAbi", "charter");
    const balance0 = await usdcOf(buyer);
    expect(await listing.preview(10)).to.deep.equal({ cost: "100.00 USDC", creditUsed: "0.00 USDC", walletPays: "100.00 USDC" });
    const requests = wallet.log.length;

    const bought = await listing.buy(10);
    const landed = Date.now();
    const asked = wallet.log.slice(requests).map((r) => r.method);
    expect(asked.filter((m) => m === "eth_signTypedData_v4")).to.have.length(1); // the permit
    expect(asked.filter((m) => m === "eth_sendTransaction")).to.have.length(1); // buyWithPermit: one transaction
    const permit = JSON.parse(wallet.log.slice(requests).find((r) => r.method === "eth_signTypedData_v4")!.params[1] as string);
    expect(permit.primaryType).to.equal("Permit");
    expect(BigInt(permit.message.value)).to.equal(10n * terms.stakePrice);

    // The chain: a bid token issued to the buyer holding the 10 stakes, paid exactly 10 × s from the wallet.
    const m = /#([\d,]+) to #([\d,]+) \(bid token #(\d+)\)/.exec(bought)!;
    const tokenId = BigInt(m[3]);
    expect(BigInt(m[1].replace(/,/g, ""))).to.equal(sold0 + 1n);
    expect(await read<Address>(stack.deployment.contracts.BidToken, "BidTokenAbi", "ownerOf", [tokenId])).to.equal(buyer);
    const [stakes] = await read<[bigint, bigint]>(watch.address, "ListingAbi", "oddsOf", [tokenId]);
    expect(stakes).to.equal(10n);
    expect(balance0 - (await usdcOf(buyer))).to.equal(10n * terms.stakePrice);

    // Live, no reload: the card's progress and the account's position.
    await until(() => cards.soldOnCard(watch.listingId), (s) => s === sold0 + 10n, LIVE_MS - (Date.now() - landed), "the card's stakes sold");
    await until(() => accountView.position(watch.listingId).getByTestId("position-stakes").textContent().catch(() => null), (t) => t === "10", LIVE_MS, "the account's position");
    await cardTab.close();
    await accountTab.close();
    await shoot(page, "listing");
  });

  it("a cart of two listings checks out; the second fails (more stakes than remain) and says so, the first stays bought", async function () {
    const car = listingOf("car");
    const other = listingOf("villa");
    await listing.open(car.listingId);
    await listing.addToCart(5);
    await listing.open(other.listingId);
    await listing.addToCart(1);
    await cart.open();
    const [, otherTerms] = await read<[bigint, { stakeCount: bigint }]>(other.address, "ListingAbi", "charter");
    const [otherSold] = await read<[bigint, bigint]>(other.address, "ListingAbi", "sales");
    const remaining = otherTerms.stakeCount - otherSold;
    await cart.setCount(other.listingId, Number(remaining + 1n));
    const [carSold0] = await read<[bigint, bigint]>(car.address, "ListingAbi", "sales");

    await cart.checkout();
    // The page: the car bought, the other failed with the reason, in one sentence.
    expect(await page.getByTestId("cart").locator(`[data-listing-id="${car.listingId}"][data-state="bought"]`).count()).to.equal(1);
    const error = await cart.item(other.listingId).getByTestId("cart-error").innerText();
    expect(error).to.match(/asked for [\d,]+ stakes but only [\d,]+ remain/i);
    expect(await cart.item(other.listingId).innerText()).to.include("House in Malibu");
    // The chain: 5 more stakes of the car, none of the other listing.
    const [carSold1] = await read<[bigint, bigint]>(car.address, "ListingAbi", "sales");
    expect(carSold1 - carSold0).to.equal(5n);
    expect((await read<[bigint, bigint]>(other.address, "ListingAbi", "sales"))[0]).to.equal(otherSold);
    await cart.close();
  });

  it("a failed listing: the refund is claimed from My account and the wallet balance rises by exactly the paid amount", async function () {
    await listing.open(failing.listingId);
    await listing.buy(3);
    // Before Time-Date A passes, the same buyer takes 10 of the 20 stakes of the listing drawn in the next scenario.
    await listing.open(drawn.listingId);
    await listing.buy(10);
    const [, terms] = await read<[bigint, { stakePrice: bigint; deadline: number }]>(failing.address, "ListingAbi", "charter");
    // Past Time-Date A with 3 of 50 stakes: the upkeep fails the listing and opens the refunds.
    const now = (await stack.chain.client.getBlock()).timestamp;
    await stack.chain.rpc("evm_increaseTime", [Number(BigInt(terms.deadline) - now) + 3_600]);
    await stack.chain.rpc("evm_mine", []);
    expect(await keepUntil(stack, failing.address, ["Failed", "Drawing"])).to.equal("Failed");

    await account.open();
    await account.position(failing.listingId).getByTestId("claim-refund").waitFor({ timeout: 30_000 });
    const before = await usdcOf(buyer);
    const done = await account.claimRefund(failing.listingId);
    expect(done).to.include("30.00 USDC");
    expect((await usdcOf(buyer)) - before).to.equal(3n * terms.stakePrice);
    await shoot(page, "account");
  });

  it("a listing settles (keeper) and is finalized: the page names the winner and verify says MATCH", async function () {
    // The buyer holds every stake sold (10 of 20, bought before the previous scenario's jump past Time-Date A).
    expect(await keepUntil(stack, drawn.address, ["Settled", "Failed"])).to.equal("Settled");
    const logs = await stack.chain.client.getLogs({ address: drawn.address, fromBlock: 0n });
    const won = parseEventLogs({ abi: stack.chain.abis.ListingAbi, logs, eventName: "WinnerDrawn" })[0] as unknown as { args: { winner: Address; stake: bigint } };
    expect(won.args.winner).to.equal(buyer);

    await listing.open(drawn.listingId);
    await listing.winner().waitFor({ timeout: 30_000 });
    expect((await listing.winner().innerText()).toLowerCase()).to.equal(shortAddress(buyer).toLowerCase());
    expect(await page.getByTestId("winning-stake").innerText()).to.equal(`#${won.args.stake}`);
    expect(await listing.verifyDraw()).to.match(/^MATCH/);
    await shoot(page, "draw");
  });

  it("the winner signs the delivery authorization; the order is released; the seller withdraws", async function () {
    const orderId = await read<bigint>(drawn.address, "ListingAbi", "escrowOrderId");
    await listing.open(drawn.listingId);
    const requests = wallet.log.length;
    const authorization = await listing.signDeliveryAuthorization();
    const signed = JSON.parse(wallet.log.slice(requests).find((r) => r.method === "eth_signTypedData_v4")!.params[1] as string);
    expect(signed.primaryType).to.equal("Release");
    expect(BigInt(signed.message.orderId)).to.equal(orderId);

    await wallet.use(seller);
    await page.getByTestId("connected-address").filter({ hasText: shortAddress(seller) }).waitFor();
    await listing.presentAuthorization(authorization);
    const order = await read<{ status: number; amount: bigint }>(stack.deployment.contracts.DeliveryEscrow, "DeliveryEscrowAbi", "order", [orderId]);
    expect(Number(order.status)).to.equal(4); // Released

    const owed = await read<bigint>(stack.deployment.contracts.DeliveryEscrow, "DeliveryEscrowAbi", "owedTo", [seller]);
    expect(owed >= order.amount).to.equal(true);
    const before = await usdcOf(seller);
    await account.open();
    await account.withdraw();
    expect((await usdcOf(seller)) - before).to.equal(owed);
    expect(await read<bigint>(stack.deployment.contracts.DeliveryEscrow, "DeliveryEscrowAbi", "owedTo", [seller])).to.equal(0n);
  });
});
