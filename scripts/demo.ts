/**
 * End-to-end demo on the in-process Hardhat network: the three listings of the source document.
 *   1. a car (P = 355,000 USDC, N = 71,000 stakes of 10 USDC, T = 35,500) sold, drawn and delivered;
 *   2. a watch that misses its threshold, and every buyer refunded;
 *   3. the villa (P = 10,000,000 USDC, N = 2,000,000 stakes of 10 USDC) at scale.
 *
 *   npm run demo
 */
import { Interface } from "ethers";
import type { ContractTransactionResponse } from "ethers";
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
import type { IListing, Listing } from "../typechain-types/index.js";
import { detail, formatCount, formatOdds, formatUsdc, shortAddress, step } from "./lib/format.js";

const { ethers, ignition, networkHelpers } = await network.getOrCreate();
const USDC = 1_000_000n;
const DAY = 86_400;
const FAILURE_REASONS = ["threshold not met", "seller revoked", "randomness timed out"];

const gasOf = async (tx: Promise<ContractTransactionResponse>) => (await (await tx).wait())!.gasUsed;

async function deploy() {
  const d = await ignition.deploy(LocalCopurchase);
  const [operator] = await ethers.getSigners();
  const at = (c: { target: unknown }) => String(c.target);
  return {
    usdc: MockUSDC__factory.connect(at(d.usdc), operator),
    coordinator: VRFCoordinatorV2_5Mock__factory.connect(at(d.coordinator), operator),
    marketplace: Marketplace__factory.connect(at(d.marketplace), operator),
    bidToken: BidToken__factory.connect(at(d.bidToken), operator),
    deed: AssetDeed__factory.connect(at(d.assetDeed), operator),
    escrow: DeliveryEscrow__factory.connect(at(d.escrow), operator),
    vault: RevenueVault__factory.connect(at(d.revenueVault), operator),
  };
}
type System = Awaited<ReturnType<typeof deploy>>;

/** Agreement I: submit the asset, approve terms, accept and deposit the deed. */
async function list(
  sys: System,
  seller: HardhatEthersSigner,
  name: string,
  t: { price: bigint; stakePrice: bigint; stakeCount: bigint; threshold: bigint; days: number; category: bigint },
): Promise<{ listing: Listing; terms: IListing.TermsStruct }> {
  const contentHash = ethers.id(`${name}: title documents, inspection report, photos`);
  const submitted = await (await sys.marketplace.connect(seller).submitAsset(`ipfs://copurchase/${name}`, contentHash)).wait();
  const event = submitted!.logs.map((l) => sys.marketplace.interface.parseLog(l)).find((e) => e?.name === "AssetSubmitted")!;
  const applicationId: bigint = event.args.applicationId;
  const deedId: bigint = event.args.deedId;
  const now = BigInt(await networkHelpers.time.latest());
  const terms: IListing.TermsStruct = {
    seller: seller.address,
    deedId,
    price: t.price,
    stakePrice: t.stakePrice,
    stakeCount: t.stakeCount,
    threshold: t.threshold,
    opensAt: now,
    deadline: now + BigInt(t.days * DAY),
    category: t.category,
    drawAtSellOut: false,
    contentHash,
  };
  await sys.marketplace.approveListing(applicationId, terms);
  await sys.marketplace.connect(seller).acceptTerms(applicationId, terms);
  const listing = Listing__factory.connect((await sys.marketplace.application(applicationId)).listing, seller);
  const markup = t.stakeCount * t.stakePrice - t.price;
  detail(`${name}: deed #${deedId} deposited, listing ${shortAddress(await listing.getAddress())}`);
  detail(
    `P = ${formatUsdc(t.price)}, N = ${formatCount(t.stakeCount)} stakes at ${formatUsdc(t.stakePrice)}, ` +
      `T = ${formatCount(t.threshold)}, odds per stake 1 in ${formatCount(t.stakeCount)}, markup if sold out ${formatUsdc(markup)}`,
  );
  return { listing, terms };
}

async function buyStakes(sys: System, listing: Listing, who: string, buyer: HardhatEthersSigner, count: bigint) {
  const stakePrice = (await listing.charter())[1].stakePrice;
  const cost = count * stakePrice;
  await sys.usdc.mint(buyer.address, cost);
  await sys.usdc.connect(buyer).approve(await listing.getAddress(), cost);
  const tx = await listing.connect(buyer).buy(0, count);
  const receipt = (await tx.wait())!;
  const bought = receipt.logs.map((l) => listing.interface.parseLog(l)).find((e) => e?.name === "StakesPurchased")!;
  const first: bigint = bought.args.firstStake;
  detail(
    `${who.padEnd(6)} bought ${formatCount(count).padStart(9)} stakes #${formatCount(first)}–#${formatCount(first + count - 1n)} ` +
      `for ${formatUsdc(cost)} on bid token #${bought.args.tokenId} (gas ${formatCount(receipt.gasUsed)})`,
  );
  return bought.args.tokenId as bigint;
}

/** The keeper's view: what checkUpkeep finds, then performUpkeep. */
async function keeperRound(sys: System) {
  const [needed, performData] = await sys.marketplace.checkUpkeep.staticCall("0x");
  if (!needed) throw new Error("the upkeep found nothing to do");
  const [listing, action] = ethers.AbiCoder.defaultAbiCoder().decode(["address", "uint8"], performData);
  const actions = ["none", "settle", "finalize", "expire", "retire"];
  const gas = await gasOf(sys.marketplace.performUpkeep(performData));
  detail(`keeper: checkUpkeep → ${actions[Number(action)]} ${shortAddress(listing)}; performUpkeep used ${formatCount(gas)} gas`);
}

async function main() {
  const signers = await ethers.getSigners();
  const [operator, seller, ...buyers] = signers;
  const names = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank"];
  const nameOf = (address: string) => names[buyers.findIndex((b) => b.address === address)] ?? shortAddress(address);

  step("Deploy with the Ignition module: Marketplace, Listing implementation, BidToken, AssetDeed, escrow, revenue vault, VRF v2.5 mock");
  const sys = await deploy();
  detail(`marketplace ${shortAddress(await sys.marketplace.getAddress())}, VRF coordinator mock ${shortAddress(await sys.coordinator.getAddress())}`);
  detail(`operator ${shortAddress(operator.address)} holds admin, operator, verifier and pauser roles`);

  step("Agreement I: verify the seller, list the car");
  await sys.marketplace.verifySeller(seller.address, ethers.id("kyc:dealer-001"));
  detail(`seller ${shortAddress(seller.address)} verified (KYC off chain, recorded on chain)`);
  const car = await list(sys, seller, "car", {
    price: 355_000n * USDC,
    stakePrice: 10n * USDC,
    stakeCount: 71_000n,
    threshold: 35_500n,
    days: 30,
    category: 1n,
  });

  step("Agreement II: buyers buy stakes (one transaction each, a bid token issued on the way)");
  const amounts = [12_000n, 9_000n, 8_000n, 5_000n, 2_500n, 1_000n];
  const tokens: bigint[] = [];
  for (const [i, count] of amounts.entries()) tokens.push(await buyStakes(sys, car.listing, names[i], buyers[i], count));
  const [sold] = await car.listing.sales();
  detail(`sold ${formatCount(sold)} of 71,000 (threshold 35,500 met); odds now:`);
  for (const [i, token] of tokens.entries()) {
    const [stakes] = await car.listing.oddsOf(token);
    detail(`  ${names[i].padEnd(6)} ${formatOdds(stakes, sold)}`);
  }

  step("Time-Date A passes; Agreement III: the upkeep settles, the VRF mock answers, finalize draws");
  await networkHelpers.time.increaseTo(car.terms.deadline);
  await keeperRound(sys);
  const carAddress = await car.listing.getAddress();
  const draw = await sys.marketplace.drawOf(carAddress);
  const orderId = await car.listing.escrowOrderId();
  detail(`P = ${formatUsdc(355_000n * USDC)} now in escrow order #${orderId}; VRF request ${draw.requestId}`);
  await sys.coordinator.fulfillRandomWords(draw.requestId, await sys.marketplace.getAddress());
  const word = (await sys.marketplace.drawOf(carAddress)).word;
  detail(`the coordinator delivered word ${word.toString().slice(0, 18)}…`);
  await keeperRound(sys);
  const drawn = (await car.listing.queryFilter(car.listing.filters.WinnerDrawn()))[0].args;
  detail(`winning stake #${formatCount(drawn.stake)} = word mod ${formatCount(sold)} + 1, held by bid token #${drawn.tokenId}`);
  detail(`winner: ${nameOf(drawn.winner)} (${shortAddress(drawn.winner)})`);

  step("Delivery: the winner authorizes, the seller is paid, the markup is split");
  const winner = buyers.find((b) => b.address === drawn.winner)!;
  await sys.escrow.connect(seller).markShipped(orderId, ethers.id("tracking:DHL-123"));
  await sys.escrow.connect(winner).release(orderId);
  detail(`deed #${car.terms.deedId} now owned by ${nameOf(await sys.deed.ownerOf(car.terms.deedId))}`);
  await sys.escrow.connect(seller).withdraw(seller.address);
  detail(`seller withdrew; balance ${formatUsdc(await sys.usdc.balanceOf(seller.address))}`);
  await sys.vault.collect(carAddress);
  const revenue = await sys.vault.owedTo(operator.address);
  await sys.vault.connect(operator).withdraw(operator.address);
  detail(`markup collected and withdrawn by the revenue recipient: ${formatUsdc(revenue)}`);
  await keeperRound(sys); // retire the settled listing from the upkeep's watch list

  step("A watch that misses its threshold: everyone refunded in full");
  const watch = await list(sys, seller, "watch", {
    price: 20_000n * USDC,
    stakePrice: 10n * USDC,
    stakeCount: 4_000n,
    threshold: 2_000n,
    days: 7,
    category: 2n,
  });
  const watchTokens: [number, bigint, bigint][] = [];
  for (const [i, count] of [800n, 500n, 200n].entries()) {
    watchTokens.push([i, count, await buyStakes(sys, watch.listing, names[i], buyers[i], count)]);
  }
  await networkHelpers.time.increaseTo(watch.terms.deadline);
  await keeperRound(sys);
  const failed = (await watch.listing.queryFilter(watch.listing.filters.ListingFailed()))[0].args;
  detail(`listing failed: ${FAILURE_REASONS[Number(failed.reason)]} (${formatCount(failed.sold)} of 2,000 needed); deed back with the seller`);
  let refunded = 0n;
  for (const [i, count, token] of watchTokens) {
    const before = await sys.usdc.balanceOf(buyers[i].address);
    await watch.listing.connect(buyers[i]).claimRefund(token);
    const back = (await sys.usdc.balanceOf(buyers[i].address)) - before;
    refunded += back;
    detail(`${names[i].padEnd(6)} refunded ${formatUsdc(back)} for ${formatCount(count)} stakes`);
  }
  detail(`refunded ${formatUsdc(refunded)} = paid ${formatUsdc(1_500n * 10n * USDC)}; listing now holds ${formatUsdc(await sys.usdc.balanceOf(await watch.listing.getAddress()))}`);

  step("The villa at scale: 2,000,000 stakes; gas does not grow with the size of a purchase");
  const villa = await list(sys, seller, "villa", {
    price: 10_000_000n * USDC,
    stakePrice: 10n * USDC,
    stakeCount: 2_000_000n,
    threshold: 1_000_000n,
    days: 90,
    category: 3n,
  });
  for (const [i, count] of [600_000n, 500_000n, 400_000n, 1n].entries()) {
    await buyStakes(sys, villa.listing, names[i], buyers[i], count);
  }
  await networkHelpers.time.increaseTo(villa.terms.deadline);
  const villaAddress = await villa.listing.getAddress();
  detail(`settle used ${formatCount(await gasOf(villa.listing.settle()))} gas`);
  await sys.coordinator.fulfillRandomWords((await sys.marketplace.drawOf(villaAddress)).requestId, await sys.marketplace.getAddress());
  const [, stake, purchaseIndex] = await villa.listing.winningStake();
  const finalizeGas = await gasOf(villa.listing.finalizeWithHint(purchaseIndex));
  const villaWinner = (await sys.escrow.order(await villa.listing.escrowOrderId())).buyer;
  detail(`stake #${formatCount(stake)} (purchase ${purchaseIndex}) wins: ${nameOf(villaWinner)}; finalize with hint used ${formatCount(finalizeGas)} gas`);

  step("Balances");
  for (const [i, name] of names.entries()) detail(`${name.padEnd(6)} ${formatUsdc(await sys.usdc.balanceOf(buyers[i].address))}`);
  detail(`seller ${formatUsdc(await sys.usdc.balanceOf(seller.address))}`);
  detail(`escrow holds ${formatUsdc(await sys.escrow.totalHeld())} (the villa's P, awaiting delivery)`);
  console.log("\nDemo finished.");
}

/** One line on failure: the custom error's name and arguments when a contract reverted. */
function explain(error: unknown): string {
  const data = (error as { data?: string }).data;
  if (typeof data === "string" && data.length >= 10) {
    for (const factory of [Marketplace__factory, Listing__factory, BidToken__factory, DeliveryEscrow__factory, RevenueVault__factory]) {
      const parsed = new Interface(factory.abi).parseError(data);
      if (parsed) return `${parsed.name}(${parsed.args.join(", ")})`;
    }
  }
  return error instanceof Error ? error.message.split("\n")[0] : String(error);
}

try {
  await main();
} catch (error) {
  console.error(`Demo failed: ${explain(error)}`);
  process.exitCode = 1;
}
