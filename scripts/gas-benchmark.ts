/**
 * Gas benchmark: total transaction gas of the operations the issues set targets for, at several sizes, measured
 * with the real contracts deployed by the real Ignition module. Prints a table and writes it to gas-report.md.
 *
 *   npm run gas
 */
import { writeFileSync } from "node:fs";
import type { ContractTransactionResponse } from "ethers";
import { BatchBuyer__factory, Listing__factory } from "../typechain-types/index.js";
import type { Listing } from "../typechain-types/index.js";
import {
  buy,
  createListing,
  createSeries,
  DAY,
  deployFixture,
  ethers,
  fulfil,
  networkHelpers,
  signPermit,
  USDC,
} from "../test/fixtures.js";
import { signRelease } from "./lib/authorization.js";
import type { System } from "../test/fixtures.js";

interface Row {
  operation: string;
  size: string;
  gas: bigint;
  target?: bigint;
}
const rows: Row[] = [];
const record = (
  operation: string,
  size: string,
  gas: bigint,
  target?: bigint,
) => {
  rows.push({ operation, size, gas, target });
  const verdict =
    target === undefined
      ? ""
      : gas <= target
        ? "  ok"
        : `  OVER target ${target}`;
  console.log(
    `  ${operation} [${size}]: ${gas.toLocaleString("en-US")}${verdict}`,
  );
};
const gasOf = async (tx: Promise<ContractTransactionResponse>) =>
  (await (await tx).wait())!.gasUsed;

/**
 * Fills `listing` with `purchases` purchases of `stakesEach` stakes through BatchBuyer contracts; with `cancelEvery`,
 * every cancelEvery-th purchase is cancelled right after it is made.
 */
async function fill(
  sys: System,
  listing: Listing,
  purchases: number,
  stakesEach: bigint,
  cancelEvery = 0,
) {
  const perTx = cancelEvery === 0 ? 400 : 250;
  const buyers = await Promise.all(
    [0, 1, 2].map(async () => {
      const b = await new BatchBuyer__factory(sys.admin).deploy();
      await sys.usdc.mint(await b.getAddress(), 10n ** 15n * USDC);
      return b;
    }),
  );
  const listingAddress = await listing.getAddress();
  let done = 0;
  let nextReport = purchases / 10;
  while (done < purchases) {
    const times = Math.min(perTx, purchases - done);
    const buyer = buyers[(done / perTx) % buyers.length];
    const usdc = await sys.usdc.getAddress();
    await (
      cancelEvery === 0
        ? await buyer.buyMany(listingAddress, usdc, stakesEach, times, {
            gasLimit: 16_000_000,
          })
        : await buyer.buyManyCancelling(
            listingAddress,
            usdc,
            stakesEach,
            times,
            cancelEvery,
            { gasLimit: 16_000_000 },
          )
    ).wait();
    done += times;
    if (done >= nextReport && purchases >= 10_000) {
      console.log(
        `    … ${done.toLocaleString("en-US")} / ${purchases.toLocaleString("en-US")} purchases`,
      );
      nextReport += purchases / 10;
    }
  }
}

/** The gas spent inside rawFulfillRandomWords: the coordinator's call, replayed directly and without intrinsic costs. */
async function callbackGas(
  sys: System,
  listing: Listing,
  word: bigint,
): Promise<bigint> {
  const snapshot = await networkHelpers.takeSnapshot();
  const coordinator = await sys.coordinator.getAddress();
  await networkHelpers.impersonateAccount(coordinator);
  await networkHelpers.setBalance(coordinator, 10n ** 18n);
  const signer = await ethers.getSigner(coordinator);
  const { requestId } = await sys.marketplace.drawOf(
    await listing.getAddress(),
  );
  const tx = await sys.marketplace
    .connect(signer)
    .rawFulfillRandomWords(requestId, [word]);
  const receipt = (await tx.wait())!;
  const data = ethers.getBytes(tx.data);
  const calldataGas = data.reduce((sum, b) => sum + (b === 0 ? 4n : 16n), 0n);
  await snapshot.restore();
  return receipt.gasUsed - 21_000n - calldataGas;
}

/** Settles, answers and finalizes `listing`, recording finalize with the search and with the hint. */
async function drawAndFinalize(
  sys: System,
  listing: Listing,
  size: string,
  targets: { search?: bigint; hint?: bigint },
) {
  const deadline = (await listing.charter())[1].deadline;
  if ((await networkHelpers.time.latest()) < deadline)
    await networkHelpers.time.increaseTo(deadline);
  const settleGas = await gasOf(listing.settle());
  const word = BigInt(ethers.id(`benchmark-${size}`));
  const inside = await callbackGas(sys, listing, word);
  const { requestId } = await sys.marketplace.drawOf(
    await listing.getAddress(),
  );
  const fulfilGas = await gasOf(
    sys.coordinator.fulfillRandomWordsWithOverride(
      requestId,
      await sys.marketplace.getAddress(),
      [word],
    ),
  );
  const [, , index] = await listing.winningStake();
  const snapshot = await networkHelpers.takeSnapshot();
  const hintGas = await gasOf(listing.finalizeWithHint(index));
  await snapshot.restore();
  const searchGas = await gasOf(listing.finalize());
  record("settle (escrow order + VRF request)", size, settleGas);
  record(
    "VRF callback, gas inside rawFulfillRandomWords",
    size,
    inside,
    50_000n,
  );
  record("VRF mock fulfilment transaction (whole)", size, fulfilGas);
  record("finalize, on-chain binary search", size, searchGas, targets.search);
  record("finalize with purchase-index hint", size, hintGas, targets.hint);
  return [settleGas, fulfilGas, searchGas, hintGas];
}

/** SPEC §4.3 rows: purchases paid from credit, first purchases with a permit or a recycled token, recycling. */
async function benchmarkBidTokens(
  sys: System,
  big: Listing,
  aliceId: bigint,
  atLane: (lane: "opens a log slot" | "shares a log slot") => Promise<void>,
) {
  const { alice } = sys;
  const bigAddress = await big.getAddress();
  const lanes = ["shares a log slot", "opens a log slot"] as const;
  const stakePrice = (await big.charter())[1].stakePrice;

  // Alice's token already holds stakes in the big listing; enough credit for every row, so none touches her wallet.
  const credit = 40_000n * stakePrice;
  await sys.usdc.mint(alice.address, credit);
  await sys.usdc
    .connect(alice)
    .approve(await sys.bidToken.getAddress(), credit);
  await sys.bidToken.connect(alice).topUp(aliceId, credit);
  for (const lane of lanes) {
    for (const k of [1n, 10n, 1_000n, 10_000n]) {
      await atLane(lane);
      const before = await sys.usdc.balanceOf(alice.address);
      record(
        `buy k stakes paid entirely from credit, token already in listing, ${lane}`,
        `k=${k}`,
        await gasOf(big.connect(alice).buy(aliceId, k)),
        65_000n,
      );
      if ((await sys.usdc.balanceOf(alice.address)) !== before)
        throw new Error("a credit purchase touched the wallet");
    }
  }

  // First purchases: a wallet with no token and no allowance, paying by permit; then tokens from the treasury.
  const fresh = async () => {
    const w = ethers.Wallet.createRandom(ethers.provider);
    await networkHelpers.setBalance(w.address, 10n ** 18n);
    await sys.usdc.mint(w.address, 1_000n * stakePrice);
    return w;
  };
  for (const lane of lanes) {
    await atLane(lane);
    const w = await fresh();
    const cost = 10n * stakePrice;
    const deadline = BigInt((await networkHelpers.time.latest()) + 3600);
    const sig = await signPermit(sys, w as never, bigAddress, cost, deadline);
    record(
      `first purchase with permit, newly minted token, ${lane}`,
      "k=10",
      await gasOf(
        big.connect(w).buyWithPermit(0, 10, deadline, sig.v, sig.r, sig.s),
      ),
      190_000n,
    );
  }

  // 100 tokens held by 100 addresses, each with stakes in a listing that then settles: all recyclable.
  const { listing: done } = await createListing(sys, {
    stakeCount: 100n,
    threshold: 100n,
    price: 100n * stakePrice,
    stakePrice,
    drawAtSellOut: true, // settles without moving time, so the big listing stays open
  });
  const batch = await new BatchBuyer__factory(sys.admin).deploy();
  await sys.usdc.mint(await batch.getAddress(), 100n * stakePrice);
  const holders = Array.from(
    { length: 100 },
    () => ethers.Wallet.createRandom().address,
  );
  const receipt = (await (
    await batch.buyForEach(
      await done.getAddress(),
      await sys.usdc.getAddress(),
      await sys.bidToken.getAddress(),
      1n,
      holders,
    )
  ).wait())!;
  const ids = receipt.logs
    .map((l) => done.interface.parseLog(l))
    .filter((e) => e?.name === "StakesPurchased")
    .map((e) => BigInt(e!.args.tokenId));
  await done.settle();
  await fulfil(sys, done);
  await done.finalize();
  const recycleGas = await gasOf(sys.bidToken.recycle(ids));
  if ((await sys.bidToken.recycledCount()) !== 100n)
    throw new Error("the batch did not recycle all 100 tokens");
  record("recycle, per token in a batch", "100 tokens", recycleGas / 100n, 30_000n);
  record("recycle, whole batch", "100 tokens", recycleGas);

  for (const lane of lanes) {
    await atLane(lane);
    const w = await fresh();
    await sys.usdc.connect(w).approve(bigAddress, ethers.MaxUint256);
    record(
      `first purchase with a recycled token, unlimited approval, ${lane}`,
      "k=10",
      await gasOf(big.connect(w).buy(0, 10)),
      130_000n,
    );
  }
}

/**
 * Delivery escrow: releases by each authorization and the withdrawal. Each release is measured twice: first for a
 * seller with no balance in the escrow (its credit slot goes from zero, +17,100 gas), then for one already owed
 * money. A withdrawal to a fresh address pays the token's own zero-to-nonzero balance write on top.
 */
async function escrowSection(sys: System) {
  const { alice, seller } = sys;
  // The escrow's own cost first, without the membership reports; their cost is measured at the end.
  const membership = await sys.escrow.membership();
  await sys.escrow.setMembership(ethers.ZeroAddress);
  const escrow = await sys.escrow.getAddress();
  const code = ethers.hexlify(ethers.randomBytes(32));
  await sys.usdc.connect(alice).approve(escrow, ethers.MaxUint256);
  const open = async () => {
    const shipBy = BigInt(await networkHelpers.time.latest()) + BigInt(10 * DAY);
    await (
      await sys.escrow.connect(alice).openOrder(seller.address, 1_000n * USDC, shipBy, 10_000, ethers.keccak256(code), 32)
    ).wait();
    return sys.escrow.orderCount();
  };
  const lanes = ["seller not yet owed", "seller already owed"] as const;
  for (const lane of lanes) {
    const orderId = await open();
    const deadline = BigInt(await networkHelpers.time.latest()) + 3_600n;
    const signature = await signRelease(sys.escrow, alice, orderId, deadline);
    record(
      `escrow: release a direct order by EIP-712 authorization, ${lane}`,
      "EOA buyer",
      await gasOf(sys.escrow.connect(seller).releaseWithSignature(orderId, deadline, signature)),
      75_000n,
    );
  }
  await sys.escrow.connect(seller).withdraw(seller.address);
  for (const lane of lanes) {
    const orderId = await open();
    record(
      `escrow: release a direct order by one-time code, ${lane}`,
      "32-byte code",
      await gasOf(sys.escrow.connect(seller).releaseWithCode(orderId, code)),
      65_000n,
    );
  }
  await sys.escrow.connect(seller).withdraw(seller.address);
  for (const [i, lane] of lanes.entries()) {
    const { listing, terms } = await createListing(sys, { stakeCount: 100n, threshold: 1n, price: 10n * USDC });
    await buy(sys, listing, alice, 1n);
    await networkHelpers.time.increaseTo(terms.deadline);
    await listing.settle();
    await fulfil(sys, listing, 1n);
    await listing.finalize();
    const orderId = await listing.escrowOrderId();
    record(
      `escrow: release a settlement order by the winner (deed to the winner), ${lane}`,
      i === 0 ? "winner's first deed" : "winner already holds a deed",
      await gasOf(sys.escrow.connect(alice).release(orderId)),
      110_000n,
    );
  }
  record(
    "escrow: withdraw to an address already holding tokens",
    "seller",
    await gasOf(sys.escrow.connect(seller).withdraw(seller.address)),
    45_000n,
  );
  await open().then((id) => sys.escrow.connect(alice).release(id));
  record(
    "escrow: withdraw to an address holding no tokens",
    "fresh address",
    await gasOf(sys.escrow.connect(seller).withdraw(ethers.Wallet.createRandom().address)),
    45_000n,
  );

  await sys.escrow.setMembership(membership);
  for (const lane of ["members' first report", "members already reported"] as const) {
    const orderId = await open();
    const deadline = BigInt(await networkHelpers.time.latest()) + 3_600n;
    const signature = await signRelease(sys.escrow, alice, orderId, deadline);
    record(
      `escrow: release by EIP-712 authorization with membership reports (default tiers), ${lane}`,
      "EOA buyer",
      await gasOf(sys.escrow.connect(seller).releaseWithSignature(orderId, deadline, signature)),
    );
  }
}

/**
 * Recurring listings: a series of three, whose first listing failed; a stranger opens the second (clone, enrolment,
 * deed from the series' custody to the listing). No target: measured only.
 */
async function seriesSection(sys: System) {
  const { seriesId } = await createSeries(sys, 3, { gap: 0n });
  const listing = Listing__factory.connect((await sys.series.seriesOf(seriesId)).current, sys.admin);
  await networkHelpers.time.increaseTo((await listing.charter())[1].deadline);
  await listing.settle();
  record(
    "open next listing in a series (previous failed; clone, enrol, deed from custody)",
    "series of 3",
    await gasOf(sys.series.connect(sys.stranger).openNextInSeries(seriesId)),
  );
}

async function main() {
  const sys = await deployFixture();
  const { alice, bob, carol } = sys;

  console.log("Purchases from the wallet");
  const { listing: big } = await createListing(sys, {
    stakeCount: 1_000_000n,
    threshold: 100n,
  });
  const bigAddress = await big.getAddress();
  const { dave, stranger: filler } = sys;
  const fillerId = await buy(sys, big, filler, 5n); // the listing already holds funds, as in any busy listing
  await sys.usdc.connect(filler).approve(bigAddress, ethers.MaxUint256);
  // The purchase log packs four purchases per storage slot: one purchase in four opens a fresh slot (+17,100 gas),
  // the other three share one. `atLane` pads with filler purchases so each row says which case it measured.
  const atLane = async (lane: "opens a log slot" | "shares a log slot") => {
    const want = lane === "opens a log slot" ? 0n : 1n;
    while ((await big.sales())[1] % 4n !== want)
      await big.connect(filler).buy(fillerId, 1);
  };
  // Three ways a wallet approves the listing: unlimited (the common dapp default; the token skips the allowance
  // write), a large limited allowance (written on every purchase), or exactly the cost (cleared, so refunded).
  const lanes = ["shares a log slot", "opens a log slot"] as const;
  const buyers = [alice, dave, carol, bob];
  const ids: bigint[] = [];
  for (const [i, lane] of lanes.entries()) {
    await atLane(lane);
    await sys.usdc.connect(buyers[i]).approve(bigAddress, ethers.MaxUint256);
    const receipt = (await (await big.connect(buyers[i]).buy(0, 10)).wait())!;
    ids.push(
      BigInt(
        receipt.logs
          .map((l) => big.interface.parseLog(l))
          .find((e) => e?.name === "StakesPurchased")!.args.tokenId,
      ),
    );
    record(
      `first purchase incl. new bid token, unlimited approval, ${lane}`,
      "k=10",
      receipt.gasUsed,
      150_000n,
    );
  }
  for (const [i, lane] of lanes.entries()) {
    await atLane(lane);
    await sys.usdc.connect(buyers[2 + i]).approve(bigAddress, 10n * 10n * USDC);
    record(
      `first purchase incl. new bid token, exact approval, ${lane}`,
      "k=10",
      await gasOf(big.connect(buyers[2 + i]).buy(0, 10)),
      150_000n,
    );
  }
  const [aliceId, daveId] = ids;
  for (const lane of lanes) {
    for (const k of [1n, 10n, 1_000n, 10_000n]) {
      await atLane(lane);
      record(
        `buy k stakes, token already in listing, unlimited approval, ${lane}`,
        `k=${k}`,
        await gasOf(big.connect(alice).buy(aliceId, k)),
        90_000n,
      );
    }
  }
  await sys.usdc.connect(dave).approve(bigAddress, 10n ** 30n);
  for (const lane of lanes) {
    await atLane(lane);
    record(
      `buy k stakes, token already in listing, limited approval, ${lane}`,
      "k=10",
      await gasOf(big.connect(dave).buy(daveId, 10n)),
      90_000n,
    );
  }
  for (const lane of lanes) {
    await atLane(lane);
    await sys.usdc.connect(dave).approve(bigAddress, 10n * 10n * USDC);
    record(
      `buy k stakes, token already in listing, exact approval, ${lane}`,
      "k=10",
      await gasOf(big.connect(dave).buy(daveId, 10n)),
      90_000n,
    );
  }
  const average = (label: string) => {
    const matching = rows.filter((r) => r.operation.startsWith(label));
    const share = matching.filter((r) =>
      r.operation.endsWith("shares a log slot"),
    );
    const open = matching.filter((r) =>
      r.operation.endsWith("opens a log slot"),
    );
    const mean = (rs: Row[]) =>
      rs.reduce((sum, r) => sum + r.gas, 0n) / BigInt(rs.length);
    return (3n * mean(share) + mean(open)) / 4n;
  };
  record(
    "first purchase incl. new bid token, unlimited approval, average over the 4 lanes",
    "k=10",
    average("first purchase incl. new bid token, unlimited"),
    150_000n,
  );
  record(
    "buy k stakes, token already in listing, unlimited approval, average over the 4 lanes",
    "k=1…10,000",
    average("buy k stakes, token already in listing, unlimited"),
    90_000n,
  );

  console.log("Bid tokens: credit, permits, recycled tokens, recycling");
  await benchmarkBidTokens(sys, big, aliceId, atLane);

  console.log("Delivery escrow");
  await escrowSection(sys);

  console.log("Refunds");
  const { listing: failing, terms: failingTerms } = await createListing(sys, {
    threshold: 150n,
  });
  const a = await buy(sys, failing, alice, 10n, aliceId);
  await buy(sys, failing, bob, 10n);
  await networkHelpers.time.increaseTo(failingTerms.deadline);
  await failing.settle();
  record(
    "refund claim, holder already has a balance",
    "1 of 2 tokens",
    await gasOf(failing.connect(alice).claimRefund(a)),
    50_000n,
  );

  console.log("Recurring listings");
  await seriesSection(sys);

  console.log("Draws at 1, 1,000 and 100,000 purchases");
  const { listing: one } = await createListing(sys, {
    stakeCount: 100n,
    threshold: 1n,
    price: 10n * USDC,
  });
  await buy(sys, one, alice, 1n, aliceId);
  await drawAndFinalize(sys, one, "1 purchase", { hint: 70_000n });

  const { listing: thousand } = await createListing(sys, {
    stakeCount: 100_000n,
    threshold: 1n,
    price: 10n * USDC,
  });
  await fill(sys, thousand, 1_000, 10n);
  await drawAndFinalize(sys, thousand, "1,000 purchases", { hint: 70_000n });

  console.log(
    "The villa: 2,000,000 stakes of 10 USDC bought in 100,000 purchases",
  );
  const { listing: villa } = await createListing(sys, {
    price: 10_000_000n * USDC,
    stakeCount: 2_000_000n,
    threshold: 1_000_000n,
    stakePrice: 10n * USDC,
  });
  await fill(sys, villa, 100_000, 20n);
  await drawAndFinalize(sys, villa, "100,000 purchases", {
    search: 110_000n,
    hint: 70_000n,
  });

  console.log(
    "Cancellations: 100,000 purchases of which every tenth was cancelled (10% of the stakes)",
  );
  const { listing: cancelledVilla } = await createListing(sys, {
    price: 10_000_000n * USDC,
    stakeCount: 2_000_000n,
    threshold: 1_000_000n,
    stakePrice: 10n * USDC,
  });
  await fill(sys, cancelledVilla, 100_000, 20n, 10);
  const [held, purchases] = await cancelledVilla.sales();
  const [cancelledStakes] = await cancelledVilla.cancellations();
  if (purchases !== 100_000n || cancelledStakes * 10n !== held + cancelledStakes)
    throw new Error("the cancelled villa is not 10% cancelled");
  await drawAndFinalize(sys, cancelledVilla, "100,000 purchases, 10% cancelled", {
    search: 150_000n,
    hint: 70_000n,
  });
  // Cancelling one purchase, refund to the wallet included: a token's latest purchase in an open listing.
  const { listing: open } = await createListing(sys);
  await buy(sys, open, sys.bob, 50n);
  // Two lanes: the holder's first counted cancellation (its membership counters slot goes from zero, +17,100)
  // and a holder whose counters exist already. Both refund to a wallet that already holds tokens.
  for (const lane of ["holder's first counted cancellation", "holder already counted"] as const) {
    const token = await buy(sys, open, sys.carol, 10n);
    await buy(sys, open, sys.carol, 10n, token);
    const [, n] = await open.sales();
    record(
      `cancel a purchase, refund to the wallet, ${lane}`,
      "10 stakes",
      await gasOf(open.connect(sys.carol).cancelPurchase(n - 1n)),
      90_000n,
    );
  }

  const table = [
    "| operation | size | gas | target | within |",
    "|---|---|---:|---:|---|",
    ...rows.map(
      (r) =>
        `| ${r.operation} | ${r.size} | ${r.gas.toLocaleString("en-US")} | ${r.target === undefined ? "" : r.target.toLocaleString("en-US")} | ${r.target === undefined ? "" : r.gas <= r.target ? "yes" : "**no**"} |`,
    ),
  ].join("\n");
  const report = `# Gas report\n\nTotal transaction gas unless stated, measured by \`npm run gas\` (scripts/gas-benchmark.ts) with the real contracts deployed by the Ignition module on the in-process network (solc 0.8.30, optimizer 200 runs, cancun).\n\n${table}\n`;
  writeFileSync(new URL("../gas-report.md", import.meta.url), report);
  console.log(`\n${table}\n\nWritten to gas-report.md`);
}

await main();
