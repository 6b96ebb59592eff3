/**
 * Lists the sample assets (core/assets.ts) on a local node: account #1 is the verified seller, account #0 the
 * operator, and accounts #2–#7 buy a few stakes here and there so that sorting by odds and "most sold" differ.
 */
import { keccak256, toHex, type Address } from "viem";
import { SAMPLE_ASSETS, assetMetadata, type SampleAsset } from "../../core/assets.js";
import type { Chain } from "./chain.js";

export interface Seeded {
  key: string;
  listingId: bigint;
  address: Address;
}

/** Submits, approves and accepts one asset; returns the new listing. */
export async function listAsset(chain: Chain, asset: SampleAsset, decimals = 6, seller = chain.accounts[1]): Promise<Seeded> {
  const { send, events, accounts, client } = chain;
  const m = chain.abis.MarketplaceAbi;
  const mp = chain.marketplace;
  const { uri, contentHash } = assetMetadata(asset);
  const submitted = await send(seller, mp, m, "submitAsset", [uri, contentHash]);
  const { applicationId, deedId } = events(submitted as never, m, "AssetSubmitted")[0].args as unknown as { applicationId: bigint; deedId: bigint };
  const now = (await client.getBlock()).timestamp;
  const unit = 10n ** BigInt(decimals);
  const terms = {
    seller,
    deedId,
    price: BigInt(asset.price) * unit,
    stakePrice: BigInt(asset.stakePrice) * unit,
    stakeCount: BigInt(asset.stakes),
    threshold: BigInt(asset.threshold),
    opensAt: Number(now),
    deadline: Number(now) + asset.days * 86_400,
    category: asset.categoryId,
    drawAtSellOut: false,
    contentHash,
  };
  await send(accounts[0], mp, m, "approveListing", [applicationId, terms]);
  const accepted = await send(seller, mp, m, "acceptTerms", [applicationId, terms]);
  const created = events(accepted as never, m, "ListingCreated")[0].args as unknown as { listingId: bigint; listing: Address };
  return { key: asset.key, listingId: created.listingId, address: created.listing };
}

/** Verifies the seller once (idempotent). */
export async function verifySeller(chain: Chain, seller = chain.accounts[1]) {
  const mp = chain.marketplace;
  const verified = await chain.client.readContract({ address: mp, abi: chain.abis.MarketplaceAbi, functionName: "isVerifiedSeller", args: [seller] });
  if (!verified) await chain.send(chain.accounts[0], mp, chain.abis.MarketplaceAbi, "verifySeller", [seller, keccak256(toHex("kyc:seed"))]);
}

/** Buys `count` stakes of `listing` for `buyer` with bid token `tokenId` (0: be issued one), minting and approving USDC. */
export async function buy(chain: Chain, listing: Address, buyer: Address, count: bigint, tokenId = 0n) {
  const stakePrice = (await chain.client.readContract({ address: listing, abi: chain.abis.ListingAbi, functionName: "charter" }))[1].stakePrice;
  const cost = count * stakePrice;
  await chain.send(buyer, chain.usdc, chain.abis.MockUSDCAbi, "mint", [buyer, cost]);
  await chain.send(buyer, chain.usdc, chain.abis.MockUSDCAbi, "approve", [listing, cost]);
  const receipt = await chain.send(buyer, listing, chain.abis.ListingAbi, "buy", [tokenId, count]);
  return chain.events(receipt as never, chain.abis.ListingAbi, "StakesPurchased")[0].args as unknown as { tokenId: bigint; firstStake: bigint };
}

/** Lists every sample asset and buys some stakes; returns the listings in order. */
export async function seedCatalog(chain: Chain, log: (line: string) => void = () => {}): Promise<Seeded[]> {
  await verifySeller(chain);
  const seeded: Seeded[] = [];
  for (const asset of SAMPLE_ASSETS) {
    const s = await listAsset(chain, asset);
    seeded.push(s);
    log(`listed #${s.listingId} ${asset.name} at ${s.address}`);
  }
  // A few purchases, different per listing, so progress, odds and "most sold" differ between listings.
  for (const [i, s] of seeded.entries()) {
    const asset = SAMPLE_ASSETS[i];
    for (let b = 0; b < 1 + (i % 3); b++) {
      const count = BigInt(Math.max(1, Math.floor((asset.threshold * ((i * 7 + b * 13) % 40)) / 100)));
      await buy(chain, s.address, chain.accounts[2 + ((i + b) % 6)], count);
    }
  }
  log(`bought stakes in ${seeded.length} listings`);
  return seeded;
}
