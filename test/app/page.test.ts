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
import { keccak256, parseEventLogs, toHex } from "viem";
import type { Address, Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { SampleAsset } from "../../core/assets.js";
import { SAMPLE_ASSETS } from "../../core/assets.js";
import { shortAddress } from "../../core/format.js";
import { buy as buyOnChain, listAsset } from "../../scripts/lib/seed.js";
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
/**
 * A purchase must show on cards and in the account without a reload. The 2 s from its block is a speed goal,
 * measured by `npm run bench:page` (docs/benchmarks/page.md), not asserted here: on a loaded CI machine a timed
 * assertion fails for reasons that are not the page's. The test allows 10 s and prints what it saw.
 */
const LIVE_MS = 10_000;
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
  let cashed: Seeded;
  let disputed: Seeded;
  let buyerToken: bigint;
  let catalog: CatalogPage;
  let listing: ListingPage;
  let account: AccountPage;
  let cart: Cart;

  const read = <T>(address: Address, abiName: keyof Stack["chain"]["abis"], functionName: string, args: unknown[] = []) =>
    stack.chain.client.readContract({ address, abi: stack.chain.abis[abiName] as never, functionName, args } as never) as Promise<T>;
  const usdcOf = (who: Address) => read<bigint>(stack.chain.usdc, "MockUSDCAbi", "balanceOf", [who]);
  const listingOf = (key: string) => stack.seeded.find((s) => s.key === key)!;
  const escrow = () => stack.deployment.contracts.DeliveryEscrow;
  const orderOf = async (l: Seeded) => {
    const orderId = await read<bigint>(l.address, "ListingAbi", "escrowOrderId");
    return { orderId, ...(await read<{ status: number; amount: bigint; paid: bigint; deedId: bigint; trackingHash: Hex; buyer: Address; seller: Address }>(escrow(), "DeliveryEscrowAbi", "order", [orderId])) };
  };
  /** Decoded events of one contract in the blocks since `fromBlock`. */
  const eventsSince = async (address: Address, abiName: keyof Stack["chain"]["abis"], eventName: string, fromBlock: bigint) =>
    parseEventLogs({ abi: stack.chain.abis[abiName] as never, logs: await stack.chain.client.getLogs({ address, fromBlock }), eventName }) as unknown as { args: Record<string, never> }[];
  const shoot = async (p: Page, name: string) => {
    for (const width of [390, 1440]) {
      await p.setViewportSize({ width, height: 900 });
      // Scrolled through once, so lazily loaded images below the fold are in the full-page image.
      await p.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await p.waitForTimeout(200);
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
    cashed = await listAsset(chain, testAsset("cashed", "Test listing whose winner takes the cash", 20, 5));
    disputed = await listAsset(chain, testAsset("disputed", "Test listing shipped and disputed", 20, 5));
    // The operator gives the default tier a 10% reward rate (what a membership configuration does), so the drawn
    // listing's delivery earns the winner a reward the account page can claim.
    const membership = stack.deployment.contracts.Membership;
    const policy = await read<{ cancelWindow: number; refundMode: number; feeBps: number; rewardBps: number; autoRelist: boolean }>(membership, "MembershipAbi", "policyOf", [buyer]);
    await chain.send(chain.accounts[0], membership, chain.abis.MembershipAbi, "setTier", [0n, 0, 0, { ...policy, rewardBps: 1_000 }]);

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
  });

  it("a first-time buyer buys 10 stakes with a permit in one transaction; card and account update without a reload", async function () {
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
    buyerToken = tokenId;
    // Said once: the page shows one message naming the stakes bought.
    expect(await page.getByText(/Bought stakes/).count()).to.equal(1);
    expect(BigInt(m[1].replace(/,/g, ""))).to.equal(sold0 + 1n);
    expect(await read<Address>(stack.deployment.contracts.BidToken, "BidTokenAbi", "ownerOf", [tokenId])).to.equal(buyer);
    const [stakes] = await read<[bigint, bigint]>(watch.address, "ListingAbi", "oddsOf", [tokenId]);
    expect(stakes).to.equal(10n);
    expect(balance0 - (await usdcOf(buyer))).to.equal(10n * terms.stakePrice);

    // Live, no reload: the card's progress and the account's position.
    await until(() => cards.soldOnCard(watch.listingId), (s) => s === sold0 + 10n, LIVE_MS - (Date.now() - landed), "the card's stakes sold");
    const cardAfter = Date.now() - landed;
    await until(() => accountView.position(watch.listingId).getByTestId("position-stakes").textContent().catch(() => null), (t) => t === "10", LIVE_MS, "the account's position");
    console.log(`      live: card updated ${cardAfter} ms and account ${Date.now() - landed} ms after the receipt (goal 2 s: bench:page)`);
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

  it("with an EIP-5792 wallet the cart checks out as one batch (wallet_sendCalls), executed in order", async function () {
    const watch = listingOf("watch");
    const car = listingOf("car");
    wallet.batch = true;
    try {
      await listing.open(watch.listingId);
      await listing.addToCart(2);
      await listing.open(car.listingId);
      await listing.addToCart(3);
      await cart.open();
      const [watchSold0] = await read<[bigint, bigint]>(watch.address, "ListingAbi", "sales");
      const [carSold0] = await read<[bigint, bigint]>(car.address, "ListingAbi", "sales");
      const [, watchTerms] = await read<[bigint, { stakePrice: bigint }]>(watch.address, "ListingAbi", "charter");
      const [, carTerms] = await read<[bigint, { stakePrice: bigint }]>(car.address, "ListingAbi", "charter");
      const balance0 = await usdcOf(buyer);
      const requests = wallet.log.length;
      const batches = wallet.batches.length;

      await cart.checkout();
      // The page: both bought, paid as one batch.
      for (const id of [watch.listingId, car.listingId]) expect(await page.getByTestId("cart").locator(`[data-listing-id="${id}"][data-state="bought"]`).count()).to.equal(1);
      expect(await page.getByTestId("cart").getByText("Paying as one batch (EIP-5792).").count()).to.equal(1);
      await shoot(page, "cart");
      await cart.close();

      // The wallet: one checkout = one wallet_sendCalls and no other transaction or signature.
      const asked = wallet.log.slice(requests).map((r) => r.method);
      expect(asked.filter((m) => m === "wallet_sendCalls")).to.have.length(1);
      expect(asked.filter((m) => m === "eth_sendTransaction" || m === "eth_signTypedData_v4")).to.have.length(0);
      expect(wallet.batches.length - batches).to.equal(1);
      const batch = wallet.batches.at(-1)!;
      const usdc = stack.chain.usdc.toLowerCase();
      expect(batch.calls.map((c) => c.to.toLowerCase())).to.deep.equal([usdc, watch.address.toLowerCase(), usdc, car.address.toLowerCase()]);
      // Executed in the order sent: each call's transaction carries its data, in strictly increasing blocks.
      const receipts = await Promise.all(batch.hashes.map((hash) => stack.chain.client.getTransactionReceipt({ hash })));
      for (const [i, hash] of batch.hashes.entries()) {
        expect((await stack.chain.client.getTransaction({ hash })).input).to.equal(batch.calls[i].data);
        expect(receipts[i].status).to.equal("success");
        if (i > 0) expect(receipts[i].blockNumber > receipts[i - 1].blockNumber).to.equal(true);
      }
      // The chain: 2 and 3 stakes on the buyer's bid token, paid exactly from the wallet.
      const bought = receipts.flatMap((r) => parseEventLogs({ abi: stack.chain.abis.ListingAbi, logs: r.logs, eventName: "StakesPurchased" }) as unknown as { address: Address; args: { tokenId: bigint; buyer: Address; count: bigint } }[]);
      expect(bought.map((e) => [e.address.toLowerCase(), e.args.tokenId, e.args.buyer, e.args.count])).to.deep.equal([
        [watch.address.toLowerCase(), buyerToken, buyer, 2n],
        [car.address.toLowerCase(), buyerToken, buyer, 3n],
      ]);
      expect((await read<[bigint, bigint]>(watch.address, "ListingAbi", "sales"))[0] - watchSold0).to.equal(2n);
      expect((await read<[bigint, bigint]>(car.address, "ListingAbi", "sales"))[0] - carSold0).to.equal(3n);
      expect(balance0 - (await usdcOf(buyer))).to.equal(2n * watchTerms.stakePrice + 3n * carTerms.stakePrice);
    } finally {
      wallet.batch = false;
    }
  });

  it("the latest purchase is cancelled from My account within the tier's window and refunded as the tier says", async function () {
    const watch = listingOf("watch");
    const membership = stack.deployment.contracts.Membership;
    const policy = await read<{ cancelWindow: number; refundMode: number; feeBps: number }>(membership, "MembershipAbi", "policyOf", [buyer]);
    // The local default tier: a one-hour window, refunds to the wallet, no fee.
    expect([Number(policy.cancelWindow), Number(policy.refundMode), Number(policy.feeBps)]).to.deep.equal([3_600, 0, 0]);
    const [held0] = await read<[bigint, bigint]>(watch.address, "ListingAbi", "oddsOf", [buyerToken]);
    const [, terms] = await read<[bigint, { stakePrice: bigint }]>(watch.address, "ListingAbi", "charter");
    await listing.open(watch.listingId);
    await listing.buy(4);
    const [sold1] = await read<[bigint, bigint]>(watch.address, "ListingAbi", "sales");
    const balance1 = await usdcOf(buyer);
    const from = await stack.chain.client.getBlockNumber();

    await account.open();
    // Once the catalog has the purchase, the position offers to cancel exactly it, with the time left.
    await until(() => account.position(watch.listingId).getByTestId("position-stakes").textContent().catch(() => null), (t) => t === String(held0 + 4n), 30_000, "the position's stakes");
    const button = account.position(watch.listingId).getByTestId("cancel-purchase");
    await button.waitFor({ timeout: 30_000 });
    expect(await button.innerText()).to.match(/^Cancel last purchase \(4 stakes, .+ left\)$/);
    const done = await account.cancelLatest(watch.listingId);
    expect(done).to.equal(`Cancelled 4 stakes: ${(4n * terms.stakePrice) / USDC}.00 USDC refunded to your wallet.`);

    // The chain: the 4 stakes are gone from the token and the listing, the wallet has exactly their price back.
    const [cancelled] = await eventsSince(watch.address, "ListingAbi", "PurchaseCancelled", from + 1n);
    expect(cancelled.args).to.deep.include({ tokenId: buyerToken, holder: buyer, stakes: 4n, refund: 4n * terms.stakePrice, toCredit: 0n, fee: 0n, mode: 0 });
    expect((await read<[bigint, bigint]>(watch.address, "ListingAbi", "oddsOf", [buyerToken]))[0]).to.equal(held0);
    expect((await read<[bigint, bigint]>(watch.address, "ListingAbi", "sales"))[0]).to.equal(sold1 - 4n);
    expect((await usdcOf(buyer)) - balance1).to.equal(4n * terms.stakePrice);
    // A purchase can be cancelled once: the page no longer offers it.
    await until(() => button.count(), (n) => n === 0, 30_000, "the cancel button");
  });

  it("a failed listing: the refund is claimed from My account and the wallet balance rises by exactly the paid amount", async function () {
    await listing.open(failing.listingId);
    await listing.buy(3);
    // Before Time-Date A passes, the same buyer takes 10 of the 20 stakes of the listing drawn in the next scenario.
    await listing.open(drawn.listingId);
    await listing.buy(10);
    // Two more listings for the delivery scenarios; the buyer's token is in 4 listings already (the most a token
    // holds), so these stakes go on a second bid token, bought on the chain directly (the page's buying is tested).
    await stack.chain.rpc("hardhat_impersonateAccount", [buyer]);
    const { tokenId: second } = await buyOnChain(stack.chain, cashed.address, buyer, 5n);
    await buyOnChain(stack.chain, disputed.address, buyer, 5n, second);
    await stack.chain.rpc("hardhat_stopImpersonatingAccount", [buyer]);
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

  it("the delivery earned the winner a reward (the tier's 10%, capped by the markup); My account claims it as credit", async function () {
    await wallet.use(buyer);
    const membership = stack.deployment.contracts.Membership;
    const token = stack.deployment.contracts.BidToken;
    // What the release in the previous scenario earned: 10% of P, at most the listing's markup (sold × s − P).
    const [sold] = await read<[bigint, bigint]>(drawn.address, "ListingAbi", "sales");
    const [, terms] = await read<[bigint, { price: bigint; stakePrice: bigint }]>(drawn.address, "ListingAbi", "charter");
    const markup = sold * terms.stakePrice - terms.price;
    const earned = terms.price / 10n < markup ? terms.price / 10n : markup;
    expect(await read<bigint>(membership, "MembershipAbi", "claimableRewards", [buyer])).to.equal(earned);
    // The operator funds the reward pool (rewards are paid from it).
    const { chain } = stack;
    await chain.send(chain.accounts[0], chain.usdc, chain.abis.MockUSDCAbi, "mint", [chain.accounts[0], earned]);
    await chain.send(chain.accounts[0], chain.usdc, chain.abis.MockUSDCAbi, "approve", [membership, earned]);
    await chain.send(chain.accounts[0], membership, chain.abis.MembershipAbi, "fundRewards", [earned]);

    await account.open();
    await page.getByTestId("rewards").filter({ hasText: `${earned / USDC}.00 USDC` }).waitFor({ timeout: 30_000 });
    const first = BigInt((await page.getByTestId("bid-tokens").locator("tr[data-token-id]").first().getAttribute("data-token-id"))!);
    const credit0 = await read<bigint>(token, "BidTokenAbi", "creditOf", [first]);
    const from = await stack.chain.client.getBlockNumber();
    expect(await account.claimRewards()).to.equal(`Added ${earned / USDC}.00 USDC of rewards as credit to bid token #${first}.`);

    // The chain: the reward is the token's credit now, and nothing is left to claim.
    const [claimed] = await eventsSince(membership, "MembershipAbi", "RewardsClaimed", from + 1n);
    expect(claimed.args).to.deep.equal({ member: buyer, tokenId: first, amount: earned });
    expect((await read<bigint>(token, "BidTokenAbi", "creditOf", [first])) - credit0).to.equal(earned);
    expect(await read<bigint>(membership, "MembershipAbi", "claimableRewards", [buyer])).to.equal(0n);
    await page.getByTestId("claim-rewards").waitFor({ state: "detached", timeout: 30_000 });
  });

  it("a bid token is topped up from My account: its credit rises by the amount, paid from the wallet", async function () {
    const token = stack.deployment.contracts.BidToken;
    await account.open();
    const first = BigInt((await page.getByTestId("bid-tokens").locator("tr[data-token-id]").first().getAttribute("data-token-id"))!);
    const credit0 = await read<bigint>(token, "BidTokenAbi", "creditOf", [first]);
    const balance0 = await usdcOf(buyer);
    const from = await stack.chain.client.getBlockNumber();
    expect(await account.topUp("25.00")).to.equal(`Added 25.00 USDC of credit to bid token #${first}.`);

    const [added] = await eventsSince(token, "BidTokenAbi", "CreditAdded", from + 1n);
    expect(added.args).to.deep.equal({ tokenId: first, from: buyer, amount: 25n * USDC, credit: credit0 + 25n * USDC });
    expect(await read<bigint>(token, "BidTokenAbi", "creditOf", [first])).to.equal(credit0 + 25n * USDC);
    expect(balance0 - (await usdcOf(buyer))).to.equal(25n * USDC);
    // The page shows the new credit (from the indexer) without a reload.
    const shown = `${(credit0 + 25n * USDC) / USDC}.00 USDC`;
    await until(() => account.credit(first).innerText(), (t) => t === shown, 30_000, "the token's credit on the page");
  });

  it("the winner of another listing takes the cash option; the escrow owes P and My account withdraws it", async function () {
    expect(await keepUntil(stack, cashed.address, ["Settled", "Failed"])).to.equal("Settled");
    const order0 = await orderOf(cashed);
    expect(order0.buyer).to.equal(buyer);
    const owed0 = await read<bigint>(escrow(), "DeliveryEscrowAbi", "owedTo", [buyer]);
    const from = await stack.chain.client.getBlockNumber();
    await listing.open(cashed.listingId);
    await listing.orderStatus().filter({ hasText: "Awaiting shipment" }).waitFor({ timeout: 30_000 });
    expect(await listing.deliveryAction("take-cash")).to.equal(`You are owed ${order0.paid / USDC}.00 USDC: withdraw it from My account.`);

    // The chain: the order is cashed out, P is owed to the winner, the deed went back to the seller.
    const order1 = await orderOf(cashed);
    expect(Number(order1.status)).to.equal(10); // CashedOut
    expect((await read<bigint>(escrow(), "DeliveryEscrowAbi", "owedTo", [buyer])) - owed0).to.equal(order0.paid);
    const [refunded] = await eventsSince(escrow(), "DeliveryEscrowAbi", "OrderRefunded", from + 1n);
    expect(refunded.args).to.deep.include({ orderId: order0.orderId, buyer, amount: order0.paid });
    expect(await read<Address>(stack.deployment.contracts.AssetDeed, "AssetDeedAbi", "ownerOf", [order0.deedId])).to.equal(seller);
    await listing.orderStatus().filter({ hasText: "Cashed out" }).waitFor({ timeout: 30_000 });

    const balance = await usdcOf(buyer);
    await account.open();
    expect(await account.withdraw()).to.equal(`Withdrew ${(owed0 + order0.paid) / USDC}.00 USDC to your wallet.`);
    expect((await usdcOf(buyer)) - balance).to.equal(owed0 + order0.paid);
    expect(await read<bigint>(escrow(), "DeliveryEscrowAbi", "owedTo", [buyer])).to.equal(0n);
  });

  it("the seller marks an order shipped with a tracking reference; the winner opens a dispute", async function () {
    expect(await keepUntil(stack, disputed.address, ["Settled", "Failed"])).to.equal("Settled");
    const order0 = await orderOf(disputed);
    expect([order0.buyer, order0.seller]).to.deep.equal([buyer, seller]);

    await wallet.use(seller);
    await listing.open(disputed.listingId);
    await page.getByTestId("connected-address").filter({ hasText: shortAddress(seller) }).waitFor();
    // A typed tracking reference is a draft that survives a reload (and the panel being redrawn).
    await page.getByTestId("tracking").fill("DHL 1234567890");
    await page.reload();
    await page.getByTestId("connected-address").filter({ hasText: shortAddress(seller) }).waitFor();
    expect(await page.getByTestId("tracking").inputValue()).to.equal("DHL 1234567890");
    let from = await stack.chain.client.getBlockNumber();
    expect(await listing.markShipped("DHL 1234567890")).to.match(/^Marked shipped \(tracking “DHL 1234567890”\)/);
    const shipped = await orderOf(disputed);
    expect(Number(shipped.status)).to.equal(3); // Shipped
    expect(shipped.trackingHash).to.equal(keccak256(toHex("DHL 1234567890")));
    const [shippedEvent] = await eventsSince(escrow(), "DeliveryEscrowAbi", "OrderShipped", from + 1n);
    expect(shippedEvent.args).to.deep.include({ orderId: order0.orderId, trackingHash: keccak256(toHex("DHL 1234567890")) });
    await listing.orderStatus().filter({ hasText: "Shipped" }).waitFor({ timeout: 30_000 });

    await wallet.use(buyer);
    await page.getByTestId("connected-address").filter({ hasText: shortAddress(buyer) }).waitFor();
    // Once shipped, the cash option is gone (the asset is on its way); a dispute is still open to the winner.
    await page.getByTestId("open-dispute").waitFor();
    expect(await page.getByTestId("take-cash").count()).to.equal(0);
    from = await stack.chain.client.getBlockNumber();
    expect(await listing.deliveryAction("open-dispute")).to.match(/^Dispute opened/);
    expect(Number((await orderOf(disputed)).status)).to.equal(7); // Disputed
    const [opened] = await eventsSince(escrow(), "DeliveryEscrowAbi", "DisputeOpened", from + 1n);
    expect(opened.args).to.deep.include({ orderId: order0.orderId, by: buyer });
    await listing.orderStatus().filter({ hasText: "Disputed" }).waitFor({ timeout: 30_000 });
  });

  it("the catalog filters by status from the keyboard; the filter is in the URL and survives a reload", async function () {
    // The chain decides which listings are Won (Settled) and Failed.
    const count = await read<bigint>(stack.chain.marketplace, "MarketplaceAbi", "listingCount");
    const byStatus = new Map<string, number[]>();
    for (let id = 1n; id <= count; id++) {
      const address = await read<Address>(stack.chain.marketplace, "MarketplaceAbi", "listingAt", [id]);
      const status = ["Open", "Drawing", "Settled", "Failed", "Dissolved"][Number(await read<number>(address, "ListingAbi", "status"))];
      byStatus.set(status, [...(byStatus.get(status) ?? []), Number(id)]);
    }
    expect(byStatus.get("Settled")).to.include.members([drawn, cashed, disputed].map((l) => Number(l.listingId)));
    expect(byStatus.get("Failed")).to.include(Number(failing.listingId));

    await catalog.open();
    for (const status of ["Settled", "Failed"]) {
      await catalog.filterStatusByKeyboard(status);
      await until(async () => [...(await catalog.cardIds())].sort().join(), (ids) => ids === [...byStatus.get(status)!].sort().join(), 30_000, `the ${status} cards`);
      expect(new Set(await catalog.cardStatuses())).to.deep.equal(new Set([status]));
      expect(new URL(page.url()).hash).to.include(`status=${status}`);
      // Reload: the same filter, pressed, and the same cards.
      await page.reload();
      await catalog.statusChip(status, true).waitFor();
      await until(async () => [...(await catalog.cardIds())].sort().join(), (ids) => ids === [...byStatus.get(status)!].sort().join(), 30_000, `the ${status} cards after a reload`);
    }
    expect(await catalog.statusChip("Settled").innerText()).to.equal("Won");
    await page.getByRole("group", { name: "Status" }).getByRole("button", { name: "Any status" }).click();
    expect(new URL(page.url()).hash).to.not.include("status=");
    await shoot(page, "catalog");
  });
});
