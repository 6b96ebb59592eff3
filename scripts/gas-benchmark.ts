/**
 * Gas benchmark: total transaction gas of the operations the issues set targets for, at several sizes, measured
 * with the real contracts deployed by the real Ignition module. Prints a table and writes it to gas-report.md.
 * Everything runs twice, on two payment tokens: the minimal mock (OpenZeppelin ERC-20) and the USDC-like token
 * (FiatTokenV2_2's behaviour behind an admin proxy: what mainnet users pay); the targets apply to the USDC column.
 * GAS_TOKENS=mock (or usdc-like) runs one of them only; GAS_ROWS_OUT=<file> saves that run's rows instead of writing
 * the table, and GAS_ROWS_IN=<file>,<file> writes the table from saved rows (to measure both tokens in parallel).
 *
 *   npm run gas
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { ContractTransactionResponse } from "ethers";
import { BatchBuyer__factory, Listing__factory } from "../typechain-types/index.js";
import type { Listing } from "../typechain-types/index.js";
import {
  buy,
  createListing,
  createSeries,
  deployFixtureWith,
  ethers,
  fulfil,
  networkHelpers,
  openDirect,
  signPermit,
  USDC,
} from "./lib/fixtures.js";
import { signRelease } from "./lib/authorization.js";
import type { System } from "./lib/fixtures.js";

interface Row {
  operation: string;
  size: string;
  gas: bigint;
  target?: bigint;
}
/** The rows of the token being measured now; one list per token in `byToken`. */
let rows: Row[] = [];
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

/**
 * The gas rawFulfillRandomWords executes when the coordinator calls it, i.e. what counts against
 * `callbackGasLimit`: the coordinator forwards exactly that limit to the call, and the storage refund is only
 * credited at the end of the whole transaction, so the callback must fit before the refund. Measured as the
 * smallest gas limit with which the coordinator's call, sent directly, succeeds (binary search with eth_call),
 * minus the transaction's intrinsic costs (21,000 and calldata); checked at limit − 1 (out of gas). Also returns
 * the gas left charged after the refund (the receipt), which is what the old table reported.
 */
async function callbackGas(
  sys: System,
  listing: Listing,
  word: bigint,
): Promise<{ executed: bigint; afterRefund: bigint }> {
  const snapshot = await networkHelpers.takeSnapshot();
  const coordinator = await sys.coordinator.getAddress();
  await networkHelpers.impersonateAccount(coordinator);
  await networkHelpers.setBalance(coordinator, 10n ** 18n);
  const signer = await ethers.getSigner(coordinator);
  const { requestId } = await sys.marketplace.drawOf(
    await listing.getAddress(),
  );
  const request = await sys.marketplace
    .connect(signer)
    .rawFulfillRandomWords.populateTransaction(requestId, [word]);
  const data = ethers.getBytes(request.data);
  const intrinsic =
    21_000n + data.reduce((sum, b) => sum + (b === 0 ? 4n : 16n), 0n);
  const succeeds = async (gasLimit: bigint) => {
    try {
      await signer.call({ ...request, gasLimit });
      return true;
    } catch {
      return false;
    }
  };
  let low = intrinsic;
  let high = intrinsic + 200_000n;
  if (!(await succeeds(high))) throw new Error("the VRF callback fails");
  while (low + 1n < high) {
    const mid = (low + high) / 2n;
    if (await succeeds(mid)) high = mid;
    else low = mid;
  }
  const tx = await signer.sendTransaction({ ...request, gasLimit: high });
  const receipt = (await tx.wait())!;
  if (receipt.status !== 1) throw new Error("the VRF callback failed at its measured limit");
  await snapshot.restore();
  return { executed: high - intrinsic, afterRefund: receipt.gasUsed - intrinsic };
}

/**
 * A word whose winning stake is found at attempt 0 in a purchase of the wanted kind: `coldPrevious` when the
 * purchase opens a log slot (index ≡ 0 mod 4, index > 0), so checking the hint reads the previous purchase's last
 * stake from another, cold slot; otherwise a purchase whose previous one shares its slot (or the first purchase).
 */
async function wordFor(
  listing: Listing,
  size: string,
  coldPrevious: boolean,
): Promise<{ word: bigint; index: bigint }> {
  const [sold, purchases] = await listing.sales();
  const [cancelled] = await listing.cancellations();
  const numbered = sold + cancelled;
  for (let k = 0; k < 10_000; ++k) {
    const word = BigInt(ethers.id(`benchmark-${size}-${k}`));
    const stake = (word % numbered) + 1n;
    const index = await findPurchase(listing, purchases, stake);
    if (await listing.isCancelled(index)) continue;
    const cold = index > 0n && index % 4n === 0n;
    if (cold === coldPrevious || purchases === 1n) return { word, index };
  }
  throw new Error(`no word found for ${size}`);
}

/** The purchase holding `stake`, by binary search over the log's ranges (as the contract does). */
async function findPurchase(listing: Listing, purchases: bigint, stake: bigint) {
  let low = 0n;
  let high = purchases - 1n;
  while (low < high) {
    const mid = (low + high) / 2n;
    const [, , lastStake] = await listing.purchase(mid);
    if (lastStake < stake) low = mid + 1n;
    else high = mid;
  }
  return low;
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
  const { requestId } = await sys.marketplace.drawOf(
    await listing.getAddress(),
  );
  record("settle (escrow order + VRF request)", size, settleGas);
  // Finalize in both purchase-log lanes: the hint's previous purchase in the same slot, or in a cold one.
  const [, purchases] = await listing.sales();
  const lanes = purchases === 1n ? [false] : [false, true];
  let result: bigint[] = [settleGas];
  for (const coldPrevious of lanes) {
    const lane =
      purchases === 1n
        ? "first purchase"
        : coldPrevious
          ? "previous purchase in a cold slot"
          : "previous purchase in the same slot";
    const { word, index } = await wordFor(listing, size, coldPrevious);
    const before = await networkHelpers.takeSnapshot();
    const callback = await callbackGas(sys, listing, word);
    const fulfilGas = await gasOf(
      sys.coordinator.fulfillRandomWordsWithOverride(
        requestId,
        await sys.marketplace.getAddress(),
        [word],
      ),
    );
    const [, , drawn] = await listing.winningStake();
    if (drawn !== index) throw new Error(`the draw found ${drawn}, not ${index}`);
    const snapshot = await networkHelpers.takeSnapshot();
    const hintGas = await gasOf(listing.finalizeWithHint(index));
    await snapshot.restore();
    const searchGas = await gasOf(listing.finalize());
    if (!coldPrevious) {
      record(
        "VRF callback, gas it executes (counts against callbackGasLimit, before the refund)",
        size,
        callback.executed,
        50_000n,
      );
      record(
        "VRF callback, gas charged after the storage refund",
        size,
        callback.afterRefund,
      );
      record("VRF mock fulfilment transaction (whole)", size, fulfilGas);
      record("finalize, on-chain binary search", size, searchGas, targets.search);
    }
    record(
      `finalize with purchase-index hint, ${lane}`,
      size,
      hintGas,
      targets.hint,
    );
    result = [...result, fulfilGas, searchGas, hintGas];
    // The last lane stays finalized (callers go on from a settled listing).
    if (coldPrevious !== lanes[lanes.length - 1]) await before.restore();
  }
  return result;
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
        big
          .connect(w)
          .buyWithPermit(0, 10, cost, deadline, sig.v, sig.r, sig.s),
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
 * Delivery escrow as deployed, the membership wired (setModules binds it once): releases by each authorization and
 * the withdrawal, every release including its membership report. Each release is measured twice: first for a seller
 * with no balance in the escrow (its credit slot goes from zero, +17,100 gas), then for one already owed money; the
 * members have been reported before (their first report, which creates their counters, is its own row). A withdrawal
 * to a fresh address pays the token's own zero-to-nonzero balance write on top.
 */
async function escrowSection(sys: System) {
  const { alice, seller } = sys;
  const escrow = await sys.escrow.getAddress();
  const code = ethers.hexlify(ethers.randomBytes(32));
  await sys.usdc.connect(alice).approve(escrow, ethers.MaxUint256);
  const open = async () => {
    const tx = await openDirect(sys, {
      buyer: alice,
      seller,
      amount: 1_000n * USDC,
      codeHash: ethers.keccak256(code),
      codeLength: 32,
      approve: false,
    });
    await tx.wait();
    return sys.escrow.orderCount();
  };
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
  await sys.escrow.connect(seller).withdraw(seller.address);
  const lanes = ["seller not yet owed", "seller already owed"] as const;
  for (const lane of lanes) {
    const orderId = await open();
    const deadline = BigInt(await networkHelpers.time.latest()) + 3_600n;
    const signature = await signRelease(sys.escrow, alice, orderId, deadline);
    record(
      `escrow: release a direct order by EIP-712 authorization, ${lane}`,
      "EOA buyer, membership wired",
      await gasOf(sys.escrow.connect(seller).releaseWithSignature(orderId, deadline, signature)),
      75_000n,
    );
  }
  await sys.escrow.connect(seller).withdraw(seller.address);
  for (const lane of lanes) {
    const orderId = await open();
    record(
      `escrow: release a direct order by one-time code, ${lane}`,
      "32-byte code, membership wired",
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
      (i === 0 ? "winner's first deed" : "winner already holds a deed") + ", membership wired",
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
  await membershipAtMaximum(sys, open, code);
}

/**
 * Membership reports at the maximum configuration (32 conditions, recent sales among them, and 16 tiers): the gas
 * the report itself executes (called as the escrow, less the 21,000 base and the calldata), which must stay under
 * the escrow's REPORT_GAS cap with a 25% margin, and the release and refund that carry it.
 */
async function membershipAtMaximum(sys: System, open: () => Promise<bigint>, code: string) {
  const { alice, seller } = sys;
  const m = sys.membership;
  const kinds = [1, 2, 3, 4, 5, 6, 7, 8]; // every condition kind, four times over
  for (let i = 0; i < 32; i++) await m.setCondition(i, { kind: kinds[i % kinds.length], threshold: i % 4 });
  for (let t = 0; t < 16; t++) {
    const policy = { cancelWindow: 3_600, refundMode: 0, feeBps: 0, rewardBps: 100, autoRelist: false };
    // Tiers 1 … 15 each need two conditions, all different, so every tier is evaluated against every condition.
    const required = t === 0 ? 0 : ((1 << t) | (1 << (16 + t))) >>> 0;
    await m.setTier(t, required, t === 0 ? 0 : t, policy);
  }
  const cap = await sys.escrow.REPORT_GAS();
  const target = (cap * 3n) / 4n;
  // The escrow's own calls, replayed as the escrow: exactly what runs under the cap.
  const escrow = await sys.escrow.getAddress();
  await networkHelpers.impersonateAccount(escrow);
  await networkHelpers.setBalance(escrow, 10n ** 20n);
  const asEscrow = await ethers.getSigner(escrow);
  const reportGas = async (data: string) => {
    const receipt = (await (await asEscrow.sendTransaction({ to: await m.getAddress(), data })).wait())!;
    const bytes = ethers.getBytes(data);
    const calldata = bytes.reduce((sum, b) => sum + (b === 0 ? 4n : 16n), 0n);
    return receipt.gasUsed - 21_000n - calldata;
  };
  const fee = 10n * USDC;
  record(
    "membership: completion report at the maximum configuration",
    "32 conditions, 16 tiers",
    await reportGas(m.interface.encodeFunctionData("onOrderCompleted", [10n ** 9n, alice.address, seller.address, 1_000n * USDC, fee, ethers.ZeroAddress])),
    target,
  );
  record(
    "membership: cancellation report at the maximum configuration",
    "32 conditions, 16 tiers",
    await reportGas(m.interface.encodeFunctionData("onOrderCancelled", [10n ** 9n + 1n, alice.address, seller.address, 3, 16])),
    target,
  );
  record(
    "membership: opening report at the maximum configuration",
    "32 conditions, 16 tiers",
    await reportGas(m.interface.encodeFunctionData("onOrderOpened", [10n ** 9n + 2n, alice.address, seller.address, 1_000n * USDC, fee])),
    target,
  );
  await networkHelpers.stopImpersonatingAccount(escrow);
  const released = await open();
  record(
    "escrow: release by one-time code, membership at the maximum configuration",
    "32 conditions, 16 tiers",
    await gasOf(sys.escrow.connect(seller).releaseWithCode(released, code)),
  );
  const refunded = await open();
  await sys.escrow.connect(alice).agreeToCancel(refunded, 3, 16);
  record(
    "escrow: cancellation by agreement, membership at the maximum configuration",
    "32 conditions, 16 tiers",
    await gasOf(sys.escrow.connect(seller).agreeToCancel(refunded, 3, 16)),
  );
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

async function measure(sys: System) {
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
  // Three ways a wallet approves the listing: unlimited (the common dapp default), a large limited allowance, or
  // exactly the cost. OpenZeppelin's ERC-20 skips the allowance write for an unlimited approval, so there unlimited is
  // cheapest; USDC writes the allowance on every transfer whatever it is, so there an exact approval is cheapest (the
  // slot is cleared, which is refunded) and unlimited costs the same as a large limited one.
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
  // Alice's token still has credit, so its purchase is credit-paid and its refund goes back to it as credit (issue
  // 12: credit never becomes wallet money); Bob's new token's purchase is wallet-paid, refunded to his wallet.
  const a = await buy(sys, failing, alice, 10n, aliceId);
  const b = await buy(sys, failing, bob, 10n);
  await networkHelpers.time.increaseTo(failingTerms.deadline);
  await failing.settle();
  record(
    "refund claim, paid from the wallet, holder already has a balance",
    "1 of 2 tokens",
    await gasOf(failing.connect(bob).claimRefund(b)),
    50_000n,
  );
  record(
    "refund claim, paid from credit (refunded to the token as credit)",
    "1 of 2 tokens",
    await gasOf(failing.connect(alice).claimRefund(a)),
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

}

const TOKENS = { mock: "minimal mock", "usdc-like": "USDC-like" } as const;
type TokenKind = keyof typeof TOKENS;

async function main() {
  const chosen = (process.env.GAS_TOKENS ?? "mock,usdc-like").split(",").map((t) => t.trim()) as TokenKind[];
  const byToken = new Map<TokenKind, Row[]>();
  // The two tokens can be measured by two processes at once (GAS_ROWS_OUT=file each), then tabled with GAS_ROWS_IN.
  const saved = process.env.GAS_ROWS_IN?.split(",") ?? [];
  for (const file of saved) {
    const { token, rows: stored } = JSON.parse(readFileSync(file, "utf8")) as { token: TokenKind; rows: Row[] };
    byToken.set(token, stored.map((r) => ({ ...r, gas: BigInt(r.gas), target: r.target === undefined ? undefined : BigInt(r.target) })));
  }
  for (const token of saved.length > 0 ? [] : chosen) {
    if (!(token in TOKENS)) throw new Error(`GAS_TOKENS: unknown token "${token}" (mock, usdc-like)`);
    console.log(`\n=== payment token: ${TOKENS[token]} ===`);
    rows = [];
    await measure(await deployFixtureWith({}, token));
    byToken.set(token, rows);
    if (process.env.GAS_ROWS_OUT) {
      const json = JSON.stringify({ token, rows }, (_, v) => (typeof v === "bigint" ? v.toString() : v));
      writeFileSync(process.env.GAS_ROWS_OUT, json);
      console.log(`rows written to ${process.env.GAS_ROWS_OUT}`);
      return;
    }
  }
  // Columns in a fixed order, whatever order they were measured or loaded in.
  const ordered = new Map((Object.keys(TOKENS) as TokenKind[]).filter((t) => byToken.has(t)).map((t) => [t, byToken.get(t)!]));
  byToken.clear();
  for (const [t, r] of ordered) byToken.set(t, r);
  // Targets are judged on the USDC-like column when it was measured (what mainnet users pay).
  const judged = byToken.get("usdc-like") ?? [...byToken.values()][0];
  const keyOf = (r: Row) => `${r.operation}|${r.size}`;
  const gasIn = new Map([...byToken].map(([t, rs]) => [t, new Map(rs.map((r) => [keyOf(r), r.gas]))]));
  const columns = [...byToken.keys()];
  const table = [
    `| operation | size | ${columns.map((t) => `gas, ${TOKENS[t]}`).join(" | ")} | target | within |`,
    `|---|---|${columns.map(() => "---:").join("|")}|---:|---|`,
    ...judged.map((r) => {
      const cells = columns.map((t) => gasIn.get(t)!.get(keyOf(r))?.toLocaleString("en-US") ?? "");
      const target = r.target === undefined ? "" : r.target.toLocaleString("en-US");
      const within = r.target === undefined ? "" : r.gas <= r.target ? "yes" : "**no**";
      return `| ${r.operation} | ${r.size} | ${cells.join(" | ")} | ${target} | ${within} |`;
    }),
  ].join("\n");
  const report = `# Gas report\n\nTotal transaction gas unless stated, measured by \`npm run gas\` (scripts/gas-benchmark.ts) with the real contracts deployed by the Ignition module on the in-process network (solc 0.8.30, optimizer 200 runs, cancun), on two payment tokens: the minimal mock (an OpenZeppelin ERC-20 with permit) and the USDC-like token (\`contracts/mocks/UsdcLike.sol\` behind \`UsdcLikeProxy\`: FiatTokenV2_2's proxy, pause and blacklist reads and its allowance write on every \`transferFrom\`). Targets apply to the USDC-like column: it is what mainnet users pay. With USDC an exact approval is the cheapest (the allowance is written back on every transfer, and clearing it is refunded); an unlimited approval is cheapest only on tokens that skip that write.\n\n${table}\n`;
  writeFileSync(new URL("../gas-report.md", import.meta.url), report);
  console.log(`\n${table}\n\nWritten to gas-report.md`);
}

await main();
