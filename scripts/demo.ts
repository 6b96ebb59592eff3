/**
 * End-to-end demo on the in-process Hardhat network, deployed with the Ignition module and the official Chainlink
 * VRFCoordinatorV2_5Mock:
 *   1. a car (P = 355,000 USDC, N = 71,000 stakes of 10 USDC, T = 35,500): listed, sold past T, settled by the
 *      upkeep at Time-Date A, drawn by VRF, finalized, delivered, the seller paid and the markup collected;
 *   2. a watch (P = 20,000 USDC, N = 4,000 stakes of 10 USDC, T = 2,000) that misses T: every buyer refunded;
 *   3. the villa of source 000 (P = 10,000,000 USDC, N = 2,000,000 stakes of 10 USDC): whales buy huge blocks at
 *      the same gas as one stake, and finalize uses the purchase-index hint.
 *
 *   npm run demo
 */
import { SAMPLE_ASSETS, assetMetadata } from "../core/assets.js";
import { AbiCoder } from "ethers";
import type { ContractTransactionReceipt, ContractTransactionResponse, Interface, LogDescription } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { network } from "hardhat";
import LocalCopurchase from "../deploy/modules/LocalCopurchase.js";
import {
  AssetDeed__factory,
  BidToken__factory,
  DeliveryEscrow__factory,
  Listing__factory,
  Marketplace__factory,
  MockUSDC__factory,
  RevenueVault__factory,
  VRFCoordinatorV2_5Mock__factory,
} from "../typechain-types/index.js";
import type { Listing } from "../typechain-types/index.js";
import { signRelease } from "./lib/authorization.js";
import { explain, ORDER_STATUS } from "./lib/errors.js";
import {
  banner,
  check,
  detail,
  formatCount,
  formatGas,
  formatOdds,
  formatTime,
  formatUsdc,
  shortAddress,
  shortHex,
  step,
  table,
} from "./lib/format.js";

const startedAt = Date.now();
const { ethers, ignition, networkHelpers } = await network.getOrCreate();

const USDC = 1_000_000n;
const DAY = 86_400;
const STATUS = ["Open", "Drawing", "Settled", "Failed", "Dissolved"];
const FAILURE = ["ThresholdNotMet", "SellerRevoked", "RandomnessTimedOut"];
const UPKEEP = { None: 0, Settle: 1, Finalize: 2, Expire: 3, Retire: 4 } as const;
const UPKEEP_NAMES = ["None", "Settle", "Finalize", "Expire", "Retire", "OpenSeries"];

// ---------------------------------------------------------------- people and labels

interface Party {
  name: string;
  role: string;
  signer: HardhatEthersSigner;
  address: string;
  faucet: bigint; // minted by the MockUSDC faucet
  paid: bigint; // paid for stakes
  refunded: bigint; // stake refunds received
  received: bigint; // seller proceeds or revenue withdrawn
}

const parties = new Map<string, Party>();
const labels = new Map<string, string>();

function party(name: string, role: string, signer: HardhatEthersSigner): Party {
  const p: Party = { name, role, signer, address: signer.address, faucet: 0n, paid: 0n, refunded: 0n, received: 0n };
  parties.set(signer.address.toLowerCase(), p);
  labels.set(signer.address.toLowerCase(), name);
  return p;
}

/** "Alice (0x3C44…93BC)" for known parties and contracts, else the short address. */
function who(address: string): string {
  const name = labels.get(address.toLowerCase());
  return name ? `${name} (${shortAddress(address)})` : shortAddress(address);
}

function partyAt(address: string): Party {
  const p = parties.get(address.toLowerCase());
  if (!p) throw new Error(`unknown party ${address}`);
  return p;
}

// ---------------------------------------------------------------- transactions and events

async function send(tx: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
  const receipt = await (await tx).wait();
  if (!receipt || receipt.status !== 1) throw new Error("transaction did not succeed");
  return receipt;
}

type EventSource = { interface: Interface; target: unknown };

/** The events named `name` that `source` emitted in `receipt`. */
function eventsIn(receipt: ContractTransactionReceipt, source: EventSource, name: string): LogDescription[] {
  const address = String(source.target).toLowerCase();
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === address)
    .map((log) => source.interface.parseLog(log))
    .filter((e): e is LogDescription => e !== null && e.name === name);
}

function eventIn(receipt: ContractTransactionReceipt, source: EventSource, name: string): LogDescription {
  const [event] = eventsIn(receipt, source, name);
  if (!event) throw new Error(`expected a ${name} event`);
  return event;
}

// ---------------------------------------------------------------- deployment

async function deploy(operator: HardhatEthersSigner) {
  const d = await ignition.deploy(LocalCopurchase);
  const at = (c: { target: unknown }) => String(c.target);
  const sys = {
    usdc: MockUSDC__factory.connect(at(d.usdc), operator),
    coordinator: VRFCoordinatorV2_5Mock__factory.connect(at(d.coordinator), operator),
    marketplace: Marketplace__factory.connect(at(d.marketplace), operator),
    bidToken: BidToken__factory.connect(at(d.bidToken), operator),
    deed: AssetDeed__factory.connect(at(d.assetDeed), operator),
    escrow: DeliveryEscrow__factory.connect(at(d.escrow), operator),
    vault: RevenueVault__factory.connect(at(d.revenueVault), operator),
    listingImplementation: at(d.listingImplementation),
  };
  labels.set(at(d.marketplace).toLowerCase(), "Marketplace");
  labels.set(at(d.escrow).toLowerCase(), "DeliveryEscrow");
  labels.set(at(d.revenueVault).toLowerCase(), "RevenueVault");
  return sys;
}
type System = Awaited<ReturnType<typeof deploy>>;

async function fund(sys: System, p: Party, amount: bigint) {
  await send(sys.usdc.mint(p.address, amount));
  p.faucet += amount;
}

// ---------------------------------------------------------------- agreement I

interface Asset {
  key: string; // "car"
  title: string; // "2024 Mercedes-Benz G-Class G 63 AMG"
  price: bigint;
  stakePrice: bigint;
  stakeCount: bigint;
  threshold: bigint;
  days: number;
  category: bigint;
}

interface Charter {
  seller: string;
  deedId: bigint;
  price: bigint;
  stakePrice: bigint;
  stakeCount: bigint;
  threshold: bigint;
  opensAt: bigint;
  deadline: bigint;
  category: bigint;
  drawAtSellOut: boolean;
  contentHash: string;
}

interface Listed {
  asset: Asset;
  listing: Listing;
  address: string;
  terms: Charter;
  seller: Party;
}

async function verifySeller(sys: System, seller: Party, kyc: string) {
  const receipt = await send(sys.marketplace.verifySeller(seller.address, ethers.id(kyc)));
  const event = eventIn(receipt, sys.marketplace, "SellerVerified");
  detail(`verifier records ${who(seller.address)} as verified (KYC ref ${shortHex(event.args.kycRef)}, off-chain record "${kyc}")`);
  check(await sys.marketplace.isVerifiedSeller(seller.address), `${seller.name} is a verified seller`);
}

/** Submit the asset, approve its terms, accept them: the listing clone exists and holds the deed. */
async function listAsset(sys: System, seller: Party, asset: Asset, keeper: HardhatEthersSigner): Promise<Listed> {
  // Real ERC-721 metadata (category, sub-category, keywords, an inline SVG image) as a data: URI, so the catalog
  // indexer resolves it offline; the content hash is keccak256 of exactly those bytes.
  const sample = SAMPLE_ASSETS.find((a) => a.key === asset.key) ?? SAMPLE_ASSETS[0];
  const { uri, contentHash } = assetMetadata({ ...sample, name: asset.title });
  const submitted = await send(sys.marketplace.connect(seller.signer).submitAsset(uri, contentHash));
  const sub = eventIn(submitted, sys.marketplace, "AssetSubmitted");
  const applicationId: bigint = sub.args.applicationId;
  const deedId: bigint = sub.args.deedId;
  detail(`${seller.name} submits "${asset.title}"`);
  detail(`  metadata ${uri.slice(0, 48)}… (${sample.subcategory}, ${uri.length.toLocaleString("en-US")} characters)`);
  detail(`  content hash ${shortHex(contentHash)} → application #${applicationId}, deed #${deedId} minted to the seller`);

  const now = BigInt(await networkHelpers.time.latest());
  const terms: Charter = {
    seller: seller.address,
    deedId,
    price: asset.price,
    stakePrice: asset.stakePrice,
    stakeCount: asset.stakeCount,
    threshold: asset.threshold,
    opensAt: now,
    deadline: now + BigInt(asset.days * DAY),
    category: asset.category,
    drawAtSellOut: false,
    contentHash,
  };
  const approved = await send(sys.marketplace.approveListing(applicationId, terms));
  const termsHash: string = eventIn(approved, sys.marketplace, "ListingApproved").args.termsHash;
  const gross = terms.stakeCount * terms.stakePrice;
  const pct = (a: bigint, b: bigint) => `${(Number((a * 10_000n) / b) / 100).toFixed(2)}%`;
  detail(`operator approves the terms (terms hash ${shortHex(termsHash)}):`);
  detail(`  price P        ${formatUsdc(terms.price)}`);
  detail(`  stakes N       ${formatCount(terms.stakeCount)} at s = ${formatUsdc(terms.stakePrice)} (N × s = ${formatUsdc(gross)})`);
  detail(
    `  threshold T    ${formatCount(terms.threshold)} stakes (${pct(terms.threshold, terms.stakeCount)} of N; ` +
      `T × s = ${formatUsdc(terms.threshold * terms.stakePrice)} ≥ P)`,
  );
  detail(`  odds per stake ${formatOdds(1n, terms.stakeCount)} if sold out`);
  detail(
    `  markup         ${formatUsdc(gross - terms.price)} if sold out (${pct(gross - terms.price, terms.price)} of P), ` +
      `${formatUsdc(terms.threshold * terms.stakePrice - terms.price)} at exactly T`,
  );
  detail(`  sale           opens ${formatTime(terms.opensAt)}, Time-Date A ${formatTime(terms.deadline)} (${asset.days} days)`);

  const accepted = await send(sys.marketplace.connect(seller.signer).acceptTerms(applicationId, terms));
  const created = eventIn(accepted, sys.marketplace, "ListingCreated");
  const address: string = created.args.listing;
  labels.set(address.toLowerCase(), `${asset.key} listing`);
  const listing = Listing__factory.connect(address, keeper);
  detail(
    `${seller.name} accepts the terms and deposits deed #${deedId} → listing #${created.args.listingId} at ${shortAddress(address)} ` +
      `(EIP-1167 clone; ${formatGas(accepted.gasUsed)})`,
  );
  check((await sys.deed.ownerOf(deedId)) === address, `the listing holds deed #${deedId}`);
  return { asset, listing, address, terms, seller };
}

// ---------------------------------------------------------------- agreement II

interface Bought {
  buyer: Party;
  tokenId: bigint;
  count: bigint;
  firstStake: bigint;
  cost: bigint;
  gas: bigint;
}

/** Approve exactly the cost and buy `count` stakes on `tokenId` (0 = be issued a bid token in the same tx). */
async function buyStakes(sys: System, l: Listed, buyer: Party, count: bigint, tokenId = 0n): Promise<Bought> {
  const cost = count * l.terms.stakePrice;
  await send(sys.usdc.connect(buyer.signer).approve(l.address, cost));
  const receipt = await send(l.listing.connect(buyer.signer).buy(tokenId, count));
  const e = eventIn(receipt, l.listing, "StakesPurchased");
  const used: bigint = e.args.tokenId;
  const first: bigint = e.args.firstStake;
  buyer.paid += cost;
  const token = tokenId === 0n ? `new bid token #${used}` : `bid token #${used}`;
  detail(
    `${buyer.name.padEnd(5)} buys ${formatCount(count).padStart(7)} ${count === 1n ? "stake " : "stakes"}  #${formatCount(first)}–#${formatCount(first + count - 1n)}` +
      `  pays ${formatUsdc(cost)}  on ${token}  odds ${formatOdds(count, l.terms.stakeCount)} if sold out  [${formatGas(receipt.gasUsed)}]`,
  );
  return { buyer, tokenId: used, count, firstStake: first, cost, gas: receipt.gasUsed };
}

/** Each token's stakes and odds against the stakes actually sold. */
async function oddsTable(l: Listed, purchases: Bought[]) {
  const [sold] = await l.listing.sales();
  const tokens = [...new Map(purchases.map((b) => [b.tokenId, b.buyer])).entries()];
  const rows: string[][] = [];
  for (const [tokenId, buyer] of tokens) {
    const [stakes] = await l.listing.oddsOf(tokenId);
    rows.push([buyer.name, `#${tokenId}`, formatCount(stakes), formatUsdc(stakes * l.terms.stakePrice), formatOdds(stakes, sold)]);
  }
  table(["Buyer", "Bid token", ">Stakes", ">Paid", "Odds of winning"], rows);
  return sold;
}

// ---------------------------------------------------------------- agreement III: upkeep, VRF, finalize

/**
 * Runs the Chainlink Automation upkeep as the keeper would: checkUpkeep (a static call) finds due work, then
 * performUpkeep(performData). Repeats until it performed `action` on `target` (other due work, e.g. retiring an
 * ended listing, is performed and printed on the way).
 */
async function keeperRun(sys: System, keeper: HardhatEthersSigner, target: string, action: number) {
  const coder = AbiCoder.defaultAbiCoder();
  for (let round = 0; round < 10; round++) {
    const [needed, performData] = await sys.marketplace.checkUpkeep.staticCall("0x");
    if (!needed) throw new Error(`checkUpkeep found no work, expected ${UPKEEP_NAMES[action]} for ${who(target)}`);
    const [listing, found] = coder.decode(["address", "uint8"], performData);
    const receipt = await send(sys.marketplace.connect(keeper).performUpkeep(performData));
    detail(
      `keeper: checkUpkeep → (${UPKEEP_NAMES[Number(found)]}, ${who(listing)}); performUpkeep [${formatGas(receipt.gasUsed)}]`,
    );
    if (String(listing).toLowerCase() === target.toLowerCase() && Number(found) === action) return receipt;
  }
  throw new Error(`the upkeep never reached ${UPKEEP_NAMES[action]} for ${who(target)}`);
}

/** Settles through the upkeep and returns the VRF request. */
async function settleByUpkeep(sys: System, keeper: HardhatEthersSigner, l: Listed) {
  const receipt = await keeperRun(sys, keeper, l.address, UPKEEP.Settle);
  const drawn = eventIn(receipt, l.listing, "DrawRequested");
  const requested = eventIn(receipt, sys.marketplace, "RandomnessRequested");
  const requestId: bigint = requested.args.requestId;
  const orderId: bigint = drawn.args.orderId;
  const sold: bigint = drawn.args.sold;
  detail(`settled: ${formatCount(sold)} stakes sold ≥ T = ${formatCount(l.terms.threshold)} → status ${STATUS[Number(await l.listing.status())]}`);
  detail(`  P = ${formatUsdc(l.terms.price)} and deed #${l.terms.deedId} moved into delivery-escrow order #${orderId}`);
  detail(`  markup ${formatUsdc(sold * l.terms.stakePrice - l.terms.price)} stays in the listing for the revenue vault`);
  detail(`  VRF v2.5 request id ${requestId} (draw may be expired if unanswered after ${formatTime(drawn.args.expiresAt)})`);
  check(requestId === drawn.args.requestId, "the listing and the marketplace report the same request id");
  check((await sys.deed.ownerOf(l.terms.deedId)) === String(sys.escrow.target), `the escrow holds deed #${l.terms.deedId}`);
  return { requestId, orderId, sold, gas: receipt.gasUsed };
}

/** The coordinator mock answers the request with its deterministic word. */
async function fulfil(sys: System, l: Listed, requestId: bigint) {
  const marketplaceAddress = String(sys.marketplace.target);
  const receipt = await send(sys.coordinator.fulfillRandomWords(requestId, marketplaceAddress));
  const answered = eventIn(receipt, sys.coordinator, "RandomWordsFulfilled");
  const [stored] = eventsIn(receipt, sys.marketplace, "RandomnessFulfilled");
  const word: bigint = stored?.args.word ?? 0n;
  detail(
    `VRFCoordinatorV2_5Mock.fulfillRandomWords(${requestId}, Marketplace) → word ${shortHex(word)} ` +
      `(subscription charged ${ethers.formatEther(answered.args.payment)} LINK) [${formatGas(receipt.gasUsed)}]`,
  );
  check(answered.args.success === true && stored !== undefined, `the coordinator's callback to the Marketplace succeeded (request ${requestId})`);
  const [drawStatus, storedWord] = await sys.marketplace.randomWord(l.address);
  check(drawStatus === 2n && storedWord === word, "the callback only stored the word; the listing is still Drawing");
  return word;
}

/** Prints the WinnerDrawn event and recomputes it from the StakesPurchased events and the word alone. */
async function reportWinner(sys: System, l: Listed, receipt: ContractTransactionReceipt, sold: bigint) {
  const e = eventIn(receipt, l.listing, "WinnerDrawn");
  const stake: bigint = e.args.stake;
  const tokenId: bigint = e.args.tokenId;
  const winner: string = e.args.winner;
  const word: bigint = e.args.word;
  const index: bigint = e.args.purchaseIndex;
  detail(`word           ${word}`);
  // Stakes are numbered over sold + cancelled (cancelled purchases keep their numbers; the demo cancels none here).
  const [cancelled] = await l.listing.cancellations();
  const numbered = sold + cancelled;
  detail(`winning stake  #${formatCount(stake)} = word mod ${formatCount(numbered)} + 1, stakes numbered over sold + cancelled (purchase #${index})`);
  detail(`bid token      #${tokenId}`);
  detail(`WINNER         ${who(winner)}`);

  const purchases = await l.listing.queryFilter(l.listing.filters.StakesPurchased());
  const expected = (word % numbered) + 1n;
  const holder = purchases.find((p) => p.args.firstStake <= expected && expected < p.args.firstStake + p.args.count);
  check(
    expected === stake && holder !== undefined && holder.args.tokenId === tokenId && holder.args.purchaseIndex === index,
    `auditor: recomputed stake #${formatCount(expected)} in purchase #${index} (token #${tokenId}) from ${purchases.length} StakesPurchased events and the word alone`,
  );
  check((await sys.bidToken.ownerOf(tokenId)) === winner, `the winner is the current owner of bid token #${tokenId}`);
  return { winner: partyAt(winner), stake, tokenId, index };
}

/** Seller ships, winner authorizes delivery (release), seller withdraws P. */
async function deliver(sys: System, l: Listed, orderId: bigint, winner: Party) {
  const order = await sys.escrow.order(orderId);
  detail(
    `escrow order #${orderId}: ${ORDER_STATUS[Number(order.status)]}, buyer ${winner.name}, seller ${l.seller.name}, ` +
      `${formatUsdc(order.amount)}, ship by ${formatTime(order.deadline)}`,
  );
  const tracking = `tracking:${l.asset.key}:DHL-${orderId}-0042`;
  const shipped = await send(sys.escrow.connect(l.seller.signer).markShipped(orderId, ethers.id(tracking)));
  detail(`${l.seller.name} marks the order shipped ("${tracking}") [${formatGas(shipped.gasUsed)}]`);
  // At the handover the winner signs an EIP-712 authorization; the seller submits it.
  const deadline = BigInt((await ethers.provider.getBlock("latest"))!.timestamp) + 3_600n;
  const signature = await signRelease(sys.escrow, winner.signer, orderId, deadline);
  const released = await send(sys.escrow.connect(l.seller.signer).releaseWithSignature(orderId, deadline, signature));
  const r = eventIn(released, sys.escrow, "OrderReleased");
  detail(
    `${winner.name} hands over a signed authorization; ${l.seller.name} submits it: releaseWithSignature(#${orderId}) → ` +
      `${formatUsdc(r.args.amount)} owed to ${l.seller.name} [${formatGas(released.gasUsed)}]`,
  );
  check((await sys.deed.ownerOf(l.terms.deedId)) === winner.address, `deed #${l.terms.deedId} now belongs to ${winner.name}`);
  const before = await sys.usdc.balanceOf(l.seller.address);
  const withdrawn = await send(sys.escrow.connect(l.seller.signer).withdraw(l.seller.address));
  const amount: bigint = eventIn(withdrawn, sys.escrow, "Withdrawn").args.amount;
  l.seller.received += amount;
  const after = await sys.usdc.balanceOf(l.seller.address);
  detail(`${l.seller.name} withdraws ${formatUsdc(amount)} → wallet balance ${formatUsdc(after)} [${formatGas(withdrawn.gasUsed)}]`);
  check(after - before === l.terms.price, `${l.seller.name} was paid exactly P = ${formatUsdc(l.terms.price)}`);
}

/** The revenue vault collects the markup (permissionless) and the recipient withdraws it. */
async function collectRevenue(sys: System, l: Listed, sold: bigint, keeper: HardhatEthersSigner, recipient: Party) {
  const collected = await send(sys.vault.connect(keeper).collect(l.address));
  const amount: bigint = eventIn(collected, sys.vault, "RevenueCollected").args.amount;
  detail(`RevenueVault.collect(${l.asset.key} listing) → ${formatUsdc(amount)} credited to ${recipient.name} (100% share) [${formatGas(collected.gasUsed)}]`);
  check(amount === sold * l.terms.stakePrice - l.terms.price, `markup = sold × s − P = ${formatUsdc(amount)}`);
  const withdrawn = await send(sys.vault.connect(recipient.signer).withdraw(recipient.address));
  const got: bigint = eventIn(withdrawn, sys.vault, "RevenueWithdrawn").args.amount;
  recipient.received += got;
  detail(`${recipient.name} withdraws ${formatUsdc(got)} [${formatGas(withdrawn.gasUsed)}]`);
}

// ---------------------------------------------------------------- summaries

async function balanceTable(sys: System, people: Party[]) {
  const rows: string[][] = [];
  for (const p of people) {
    const balance = await sys.usdc.balanceOf(p.address);
    const expected = p.faucet - p.paid + p.refunded + p.received;
    if (balance !== expected) throw new Error(`${p.name}'s balance ${formatUsdc(balance)} ≠ expected ${formatUsdc(expected)}`);
    rows.push([
      p.name,
      p.role,
      shortAddress(p.address),
      formatUsdc(p.faucet, false),
      formatUsdc(p.paid, false),
      formatUsdc(p.refunded, false),
      formatUsdc(p.received, false),
      formatUsdc(balance, false),
    ]);
  }
  table(["Party", "Role", "Address", ">Faucet", ">Paid stakes", ">Refunded", ">Received", ">Balance (USDC)"], rows);
  check(true, "every balance = faucet − paid + refunded + received");
}

async function booksTable(sys: System, listings: Listed[]) {
  const rows: string[][] = [];
  let ok = true;
  const add = (name: string, address: string, held: bigint, books: bigint, what: string) => {
    ok &&= held === books;
    rows.push([name, shortAddress(address), formatUsdc(held, false), formatUsdc(books, false), what, held === books ? "✓" : "✗"]);
  };
  for (const l of listings) {
    add(`${l.asset.key} listing`, l.address, await sys.usdc.balanceOf(l.address), await l.listing.owed(), `owed() · ${STATUS[Number(await l.listing.status())]}`);
  }
  const escrow = String(sys.escrow.target);
  add("DeliveryEscrow", escrow, await sys.usdc.balanceOf(escrow), await sys.escrow.totalHeld(), "totalHeld()");
  const vault = String(sys.vault.target);
  add("RevenueVault", vault, await sys.usdc.balanceOf(vault), await sys.vault.totalOwed(), "totalOwed()");
  // The bid token holds every token's credit plus the credit spent on stakes that listings have not collected.
  const bidToken = String(sys.bidToken.target);
  let credit = 0n;
  for (let id = 1n; id < (await sys.bidToken.nextId()); id++) credit += await sys.bidToken.creditOf(id);
  for (const l of listings) credit += await sys.bidToken.creditPendingFor(l.address);
  add("BidToken", bidToken, await sys.usdc.balanceOf(bidToken), credit, "Σ creditOf + Σ creditPendingFor");
  table(["Contract", "Address", ">USDC held", ">Books", "Books from", "OK"], rows);
  check(ok, "every contract's token balance equals its books");
}

// ---------------------------------------------------------------- the demo

async function main() {
  const signers = await ethers.getSigners();
  const operator = party("Operator", "admin · revenue", signers[0]);
  const keeper = party("Keeper", "automation", signers[1]);
  const dealer = party("Dealer", "car seller", signers[2]);
  const jeweller = party("Jeweller", "watch seller", signers[3]);
  const estate = party("Estate", "villa seller", signers[4]);
  const [alice, bob, carol, dave, erin, frank] = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank"].map((n, i) =>
    party(n, "buyer", signers[5 + i]),
  );
  const [hana, ivan, jun, grace] = ["Hana", "Ivan", "Jun", "Grace"].map((n, i) => party(n, "villa buyer", signers[11 + i]));

  banner("Copurchase end-to-end demo (in-process Hardhat network)");

  // ------------------------------------------------------------ deployment
  step("Deploy the system with the Ignition module LocalCopurchase");
  const sys = await deploy(operator.signer);
  const vrf = await sys.marketplace.vrfConfig();
  detail(`MockUSDC               ${shortAddress(String(sys.usdc.target))} (6 decimals, EIP-2612 permit, open faucet)`);
  detail(`VRFCoordinatorV2_5Mock ${shortAddress(String(sys.coordinator.target))} (official Chainlink mock; subscription ${shortHex(vrf.subscriptionId)} funded)`);
  detail(`Marketplace            ${shortAddress(String(sys.marketplace.target))} (VRF consumer and Automation upkeep)`);
  detail(`Listing implementation ${shortAddress(sys.listingImplementation)}, BidToken ${shortAddress(String(sys.bidToken.target))}, AssetDeed ${shortAddress(String(sys.deed.target))}`);
  detail(`DeliveryEscrow         ${shortAddress(String(sys.escrow.target))}, RevenueVault ${shortAddress(String(sys.vault.target))}`);
  detail(`${who(operator.address)} holds admin, operator, verifier and pauser roles and takes 100% of revenue`);
  check(
    (await sys.coordinator.consumerIsAdded(vrf.subscriptionId, String(sys.marketplace.target))) &&
      (await sys.marketplace.modules()).escrow === String(sys.escrow.target),
    "modules wired, Marketplace is a consumer of the VRF subscription",
  );
  for (const p of [alice, bob, carol, dave, erin, frank]) await fund(sys, p, 200_000n * USDC);
  detail(`faucet: each of Alice, Bob, Carol, Dave, Erin, Frank receives ${formatUsdc(200_000n * USDC)}`);

  // ================================================================= 1. the car
  banner("Listing 1 — the car: P = 355,000 USDC, N = 71,000 stakes at 10 USDC, T = 35,500");

  step("Agreement I — verify the seller");
  await verifySeller(sys, dealer, "kyc:dealer-0001/passport+company-register");

  step("Agreement I — the seller submits the car, the operator approves terms, the seller accepts");
  const car = await listAsset(
    sys,
    dealer,
    {
      key: "car",
      title: "2024 Mercedes-Benz G-Class G 63 AMG, VIN W1NYC7HJ0RX000355",
      price: 355_000n * USDC,
      stakePrice: 10n * USDC,
      stakeCount: 71_000n,
      threshold: 35_500n,
      days: 30,
      category: 1n,
    },
    keeper.signer,
  );

  step("Agreement II — buyers buy stakes (one transaction each; first-time buyers are issued a bid token)");
  const carPurchases: Bought[] = [];
  for (const [buyer, count] of [
    [alice, 12_000n],
    [bob, 9_000n],
    [carol, 8_000n],
    [dave, 5_000n],
    [erin, 2_500n],
    [frank, 1_500n],
  ] as const) {
    carPurchases.push(await buyStakes(sys, car, buyer, count));
  }
  const carSold = await oddsTable(car, carPurchases);
  const [, carTerms] = await car.listing.charter();
  detail(`sold ${formatCount(carSold)} of ${formatCount(carTerms.stakeCount)} stakes (${formatUsdc(carSold * carTerms.stakePrice)} locked in the listing)`);
  check(carSold >= carTerms.threshold, `threshold T = ${formatCount(carTerms.threshold)} met`);
  const token = new Map(carPurchases.map((b) => [b.buyer.name, b.tokenId]));

  step("Time-Date A passes — Agreement III: the Automation upkeep settles");
  await networkHelpers.time.increaseTo(car.terms.deadline);
  detail(`chain time is now ${formatTime(await networkHelpers.time.latest())} (Time-Date A)`);
  const carDraw = await settleByUpkeep(sys, keeper.signer, car);

  step("Chainlink VRF answers (the official mock plays the coordinator)");
  await fulfil(sys, car, carDraw.requestId);

  step("finalize names the winner (permissionless, binary search over purchases)");
  const carFinal = await send(car.listing.connect(keeper.signer).finalize());
  detail(`finalize() by the keeper [${formatGas(carFinal.gasUsed)}]`);
  const carWin = await reportWinner(sys, car, carFinal, carDraw.sold);

  step("Delivery — the seller ships, the winner signs a delivery authorization the seller submits, the seller withdraws");
  await deliver(sys, car, carDraw.orderId, carWin.winner);

  step("Revenue — the vault collects the markup, the recipient withdraws");
  await collectRevenue(sys, car, carDraw.sold, keeper.signer, operator);

  step("The upkeep retires the finished listing");
  await keeperRun(sys, keeper.signer, car.address, UPKEEP.Retire);

  step("Balance summary after the car");
  await balanceTable(sys, [operator, dealer, alice, bob, carol, dave, erin, frank]);
  await booksTable(sys, [car]);

  // ================================================================= 2. the watch
  banner("Listing 2 — the watch: P = 20,000 USDC, N = 4,000 stakes at 10 USDC, T = 2,000 (misses T)");

  step("Agreement I — verify the seller and list the watch");
  await verifySeller(sys, jeweller, "kyc:jeweller-0002/passport");
  const watch = await listAsset(
    sys,
    jeweller,
    {
      key: "watch",
      title: "Rolex Cosmograph Daytona 126500LN",
      price: 20_000n * USDC,
      stakePrice: 10n * USDC,
      stakeCount: 4_000n,
      threshold: 2_000n,
      days: 14,
      category: 2n,
    },
    keeper.signer,
  );

  step("Agreement II — only 1,500 stakes sell (buyers reuse their bid tokens from the car)");
  const watchPurchases: Bought[] = [];
  for (const [buyer, count] of [
    [alice, 700n],
    [bob, 500n],
    [erin, 300n],
  ] as const) {
    watchPurchases.push(await buyStakes(sys, watch, buyer, count, token.get(buyer.name)!));
  }
  const watchSold = await oddsTable(watch, watchPurchases);
  detail(`sold ${formatCount(watchSold)} of ${formatCount(watch.terms.stakeCount)}; T = ${formatCount(watch.terms.threshold)} needed`);

  step("Time-Date A passes — the upkeep settles: threshold not met, the listing fails");
  await networkHelpers.time.increaseTo(watch.terms.deadline);
  const failedReceipt = await keeperRun(sys, keeper.signer, watch.address, UPKEEP.Settle);
  const failed = eventIn(failedReceipt, watch.listing, "ListingFailed");
  detail(`ListingFailed(${FAILURE[Number(failed.args.reason)]}, sold ${formatCount(failed.args.sold)}) → status ${STATUS[Number(await watch.listing.status())]}`);
  check(
    Number(await watch.listing.status()) === 3 && FAILURE[Number(failed.args.reason)] === "ThresholdNotMet",
    "status Failed, reason ThresholdNotMet",
  );
  check((await sys.deed.ownerOf(watch.terms.deedId)) === jeweller.address, `deed #${watch.terms.deedId} returned to the Jeweller`);
  check((await sys.marketplace.drawOf(watch.address)).status === 0n, "no randomness was requested");

  step("Every buyer claims a full refund (pull)");
  let refundTotal = 0n;
  let paidTotal = 0n;
  for (const b of watchPurchases) {
    const before = await sys.usdc.balanceOf(b.buyer.address);
    const receipt = await send(watch.listing.connect(b.buyer.signer).claimRefund(b.tokenId));
    const amount: bigint = eventIn(receipt, watch.listing, "RefundClaimed").args.amount;
    const delta = (await sys.usdc.balanceOf(b.buyer.address)) - before;
    b.buyer.refunded += amount;
    refundTotal += delta;
    paidTotal += b.cost;
    detail(
      `${b.buyer.name.padEnd(5)} claimRefund(token #${b.tokenId}) → ${formatUsdc(delta)} back (paid ${formatUsdc(b.cost)}) [${formatGas(receipt.gasUsed)}]`,
    );
    check(delta === b.cost && amount === b.cost, `${b.buyer.name} got back exactly what was paid`);
  }
  detail(`refunded ${formatUsdc(refundTotal)} in total; paid ${formatUsdc(paidTotal)} in total`);
  check(
    refundTotal === paidTotal && (await sys.usdc.balanceOf(watch.address)) === 0n && (await watch.listing.owed()) === 0n,
    "refunds total what was paid; the watch listing holds and owes 0.00 USDC",
  );
  await keeperRun(sys, keeper.signer, watch.address, UPKEEP.Retire);

  // ================================================================= 3. the villa
  banner("Listing 3 — the villa of source 000: P = 10,000,000 USDC, N = 2,000,000 stakes at 10 USDC, T = 1,000,000");

  step("Agreement I — verify the seller and list the villa");
  await verifySeller(sys, estate, "kyc:estate-0003/land-registry");
  const villa = await listAsset(
    sys,
    estate,
    {
      key: "villa",
      title: "House in Malibu on Carbon Beach, land-registry parcel 000",
      price: 10_000_000n * USDC,
      stakePrice: 10n * USDC,
      stakeCount: 2_000_000n,
      threshold: 1_000_000n,
      days: 90,
      category: 3n,
    },
    keeper.signer,
  );

  step("Agreement II at scale — whales buy huge blocks; gas does not depend on the number of stakes");
  const whaleFunding: string[] = [];
  for (const [p, amount] of [
    [hana, 6_000_000n],
    [ivan, 5_000_000n],
    [jun, 4_000_000n],
    [grace, 10n],
  ] as const) {
    // 1,000 USDC of headroom so that no purchase empties a wallet (that would earn a storage refund and blur the
    // gas comparison).
    await fund(sys, p, (amount + 1_000n) * USDC);
    whaleFunding.push(`${p.name} ${formatUsdc((amount + 1_000n) * USDC)}`);
  }
  detail(`faucet (MockUSDC.mint): ${whaleFunding.join(", ")}`);
  const villaPurchases: Bought[] = [];
  for (const [buyer, count] of [
    [hana, 600_000n],
    [ivan, 500_000n],
    [jun, 400_000n],
    [grace, 1n],
  ] as const) {
    villaPurchases.push(await buyStakes(sys, villa, buyer, count));
  }
  table(
    ["Buyer", ">Stakes", ">Paid", ">Gas used"],
    villaPurchases.map((b) => [b.buyer.name, formatCount(b.count), formatUsdc(b.cost), formatCount(b.gas)]),
  );
  const later = villaPurchases.slice(1).map((b) => b.gas);
  const spread = later.reduce((a, b) => (a > b ? a : b)) - later.reduce((a, b) => (a < b ? a : b));
  detail(
    `purchases 2–4 (500,000 / 400,000 / 1 stakes): gas spread ${formatCount(spread)} — only the calldata bytes of the count differ`,
  );
  detail(
    `purchase 1 costs ${formatCount(villaPurchases[0].gas - villaPurchases[1].gas)} more once: it opens the listing's books ` +
      `(first write of its state slot and of its USDC balance)`,
  );
  check(spread < 1_000n, "a 500,000-stake purchase costs the same gas as a 1-stake purchase");
  // Same state, two sizes: on a snapshot, Grace tops up her token with 1 stake, then with every remaining stake.
  const [villaSoldNow] = await villa.listing.sales();
  const remaining = villa.terms.stakeCount - villaSoldNow;
  const graceToken = villaPurchases[3].tokenId;
  const whatIf = async (count: bigint) => {
    const snapshot = await networkHelpers.takeSnapshot();
    const cost = count * villa.terms.stakePrice;
    await send(sys.usdc.mint(grace.address, cost));
    await send(sys.usdc.connect(grace.signer).approve(villa.address, cost));
    const receipt = await send(villa.listing.connect(grace.signer).buy(graceToken, count));
    await snapshot.restore();
    return receipt.gasUsed;
  };
  const gasOne = await whatIf(1n);
  const gasAll = await whatIf(remaining);
  detail(
    `what-if from the same state (on a snapshot, rolled back): Grace tops up token #${graceToken} with 1 stake → ` +
      `${formatGas(gasOne)}; with all ${formatCount(remaining)} remaining stakes (sell-out, ${formatUsdc(remaining * villa.terms.stakePrice)}) → ${formatGas(gasAll)}`,
  );
  check(gasAll - gasOne < 1_000n, "buying 499,999× more stakes costs the same gas");
  const villaSold = await oddsTable(villa, villaPurchases);
  check(villaSold >= villa.terms.threshold, `threshold T = ${formatCount(villa.terms.threshold)} met`);

  step("Time-Date A passes — the upkeep settles, VRF answers");
  await networkHelpers.time.increaseTo(villa.terms.deadline);
  const villaDraw = await settleByUpkeep(sys, keeper.signer, villa);
  detail(
    `settlement [${formatGas(villaDraw.gas)}] vs the car's [${formatGas(carDraw.gas)}]: no loop over stakes or purchases ` +
      `(the car's, the system's first, paid ${formatCount(carDraw.gas - villaDraw.gas)} gas of first-time storage writes)`,
  );
  await fulfil(sys, villa, villaDraw.requestId);

  step("finalizeWithHint — the purchase index from winningStake() is checked in O(1)");
  const [ready, hintStake, hintIndex] = await villa.listing.winningStake();
  check(ready, `winningStake() → stake #${formatCount(hintStake)} in purchase #${hintIndex}`);
  const estPlain = await villa.listing.connect(keeper.signer).finalize.estimateGas();
  const villaFinal = await send(villa.listing.connect(keeper.signer).finalizeWithHint(hintIndex));
  detail(`finalizeWithHint(${hintIndex}) [${formatGas(villaFinal.gasUsed)}]  (finalize() by binary search would use ~${formatGas(estPlain)})`);
  const villaWin = await reportWinner(sys, villa, villaFinal, villaDraw.sold);

  step("Delivery and revenue for the villa");
  await deliver(sys, villa, villaDraw.orderId, villaWin.winner);
  await collectRevenue(sys, villa, villaDraw.sold, keeper.signer, operator);
  await keeperRun(sys, keeper.signer, villa.address, UPKEEP.Retire);
  const [stillNeeded] = await sys.marketplace.checkUpkeep.staticCall("0x");
  check(!stillNeeded && (await sys.marketplace.activeListingCount()) === 0n, "the upkeep has nothing left to do");

  // ================================================================= summary
  banner("Final summary");
  step("Balances of every party");
  await balanceTable(sys, [...parties.values()].filter((p) => p.faucet + p.received > 0n));
  step("Contracts: tokens held = books");
  await booksTable(sys, [car, watch, villa]);
  const supply = await sys.usdc.totalSupply();
  const minted = [...parties.values()].reduce((sum, p) => sum + p.faucet, 0n);
  check(supply === minted, `USDC total supply ${formatUsdc(supply)} = everything the faucet minted: no unit lost or created`);
  detail(
    `listings: ${await sys.marketplace.listingCount()} (car Settled → ${carWin.winner.name}, watch Failed and refunded, ` +
      `villa Settled → ${villaWin.winner.name}); bid tokens issued: ${(await sys.bidToken.nextId()) - 1n}`,
  );
  console.log(`\nDemo finished in ${((Date.now() - startedAt) / 1000).toFixed(1)} s.`);
}

try {
  await main();
} catch (error) {
  console.error(`\nDemo failed: ${explain(error)}`);
  process.exitCode = 1;
}
