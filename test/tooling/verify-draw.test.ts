import { expect } from "chai";
import type { Address, PublicClient } from "viem";
import { buy, connection, createListing, deployFixture, ethers, fulfil, networkHelpers } from "../fixtures.js";
import type { System } from "../fixtures.js";
import { collectEvidence, findPurchase, formatReport, verifyDraw, wordFromSeed } from "../../scripts/verify-draw.js";
import type { Evidence } from "../../scripts/verify-draw.js";

/** A listing drawn honestly: three buyers, settled at Time-Date A, the mock's own word, finalized. */
async function drawnListing(sys: System) {
  const { listing, terms } = await createListing(sys);
  await buy(sys, listing, sys.alice, 60n);
  await buy(sys, listing, sys.bob, 40n);
  await buy(sys, listing, sys.carol, 25n);
  await buy(sys, listing, sys.alice, 5n, 1n);
  await networkHelpers.time.increaseTo(terms.deadline);
  await listing.settle();
  await fulfil(sys, listing);
  await listing.finalize();
  return listing.getAddress() as Promise<Address>;
}

describe("tooling: draw verifier", () => {
  let sys: System;
  let client: PublicClient;
  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(deployFixture);
    client = (await connection.viem.getPublicClient()) as unknown as PublicClient;
  });

  it("rebuilds the purchases from events alone and finds the announced winner: MATCH", async () => {
    const address = await drawnListing(sys);
    const progress: string[] = [];
    const evidence = await collectEvidence(client, address, { pageSize: 5n, progress: (l) => progress.push(l) });
    expect(evidence.purchases.map((p) => [p.purchaseIndex, p.firstStake, p.count])).to.deep.equal([
      [0n, 1n, 60n],
      [1n, 61n, 40n],
      [2n, 101n, 25n],
      [3n, 126n, 5n],
    ]);
    expect(progress.some((l) => /listing events: blocks \d+–\d+ \(page 2 of \d+\)/.test(l)), progress.join("\n")).to.equal(true);
    const verdict = verifyDraw(evidence);
    expect(verdict.result, formatReport(evidence, verdict).join("\n")).to.equal("MATCH");
    expect(verdict.recomputed!.stake).to.equal((evidence.marketplaceFulfilled!.word % 130n) + 1n);
    expect(formatReport(evidence, verdict).at(-1)).to.equal("MATCH");
  });

  it("replays rejected attempts: a word landing in a cancelled purchase is redrawn, and hiding the cancellation is a MISMATCH", async () => {
    // The mock answers request 1 (the first of this fixture) with keccak256(1, 0): arrange the purchases so that
    // attempt 0 lands in a one-stake purchase that is then cancelled.
    const N = 100n;
    const first = (wordFromSeed(1n) % N) + 1n;
    const { listing, terms } = await createListing(sys, { stakeCount: N, threshold: 1n, price: 10n * 10n ** 6n });
    if (first > 1n) await buy(sys, listing, sys.alice, first - 1n);
    const cancelledIndex = (await listing.sales())[1];
    await buy(sys, listing, sys.bob, 1n);
    await listing.connect(sys.bob).cancelPurchase(cancelledIndex);
    await buy(sys, listing, sys.carol, N - first > 0n ? N - first : 1n); // the rest, so that N are numbered
    await networkHelpers.time.increaseTo(terms.deadline);
    await listing.settle();
    expect((await sys.marketplace.drawOf(await listing.getAddress())).requestId).to.equal(1n);
    await fulfil(sys, listing);
    await listing.finalize();

    const evidence = await collectEvidence(client, (await listing.getAddress()) as Address);
    expect(evidence.cancelled).to.deep.equal([cancelledIndex]);
    const verdict = verifyDraw(evidence);
    expect(verdict.result, formatReport(evidence, verdict).join("\n")).to.equal("MATCH");
    expect(verdict.recomputed!.attempts).to.be.greaterThan(1);
    expect(verdict.recomputed!.purchaseIndex).to.not.equal(cancelledIndex);

    const hidden: Evidence = structuredClone(evidence);
    hidden.cancelled = [];
    expect(verifyDraw(hidden).result).to.equal("MISMATCH");
  });

  it("says MISMATCH when the word is tampered with, at the coordinator or in the contracts' copies", async () => {
    const evidence = await collectEvidence(client, await drawnListing(sys));
    const seed = structuredClone(evidence);
    seed.coordinatorFulfilled!.outputSeed += 1n;
    expect(verifyDraw(seed).result).to.equal("MISMATCH");

    // A different word everywhere the contracts recorded it, but not at the coordinator.
    const stored = structuredClone(evidence);
    stored.marketplaceFulfilled!.word += 1n;
    stored.winnerDrawn!.word += 1n;
    const verdict = verifyDraw(stored);
    expect(verdict.result).to.equal("MISMATCH");
    const failed = verdict.checks.filter((c) => !c.ok).map((c) => c.what);
    expect(failed.some((w) => w.startsWith("the Marketplace stored the coordinator's word"))).to.equal(true);
    expect(failed.some((w) => w.startsWith("WinnerDrawn used the VRF word"))).to.equal(true);
  });

  it("says MISMATCH when the purchase list is tampered with", async () => {
    const evidence = await collectEvidence(client, await drawnListing(sys));
    const winnerIndex = Number(evidence.winnerDrawn!.purchaseIndex);

    // The winning purchase recorded against another token.
    const swapped: Evidence = structuredClone(evidence);
    swapped.purchases[winnerIndex].tokenId += 100n;
    expect(verifyDraw(swapped).result).to.equal("MISMATCH");

    // A purchase left out: the ranges no longer cover 1…sold and sold disagrees with settlement.
    const dropped: Evidence = structuredClone(evidence);
    dropped.purchases.splice(1, 1);
    const verdict = verifyDraw(dropped);
    expect(verdict.result).to.equal("MISMATCH");
    expect(verdict.checks[0]).to.deep.equal({ ok: false, what: "3 purchases form one contiguous range of stakes #1…#90" });

    // A purchase padded with extra stakes moves every later range.
    const padded: Evidence = structuredClone(evidence);
    padded.purchases[0].count += 1n;
    expect(verifyDraw(padded).result).to.equal("MISMATCH");
  });

  it("says INCOMPLETE before the draw and derives words as VRF v2.5 does", async () => {
    const { listing } = await createListing(sys);
    await buy(sys, listing, sys.alice, 3n);
    const evidence = await collectEvidence(client, (await listing.getAddress()) as Address);
    expect(verifyDraw(evidence).result).to.equal("INCOMPLETE");
    // keccak256(abi.encode(output, 0)), computed independently with ethers.
    expect(wordFromSeed(7n)).to.equal(BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [7n, 0n]))));
    const ranges = [
      { purchaseIndex: 0n, tokenId: 1n, buyer: sys.alice.address as Address, firstStake: 1n, count: 3n, blockNumber: 0n },
      { purchaseIndex: 1n, tokenId: 2n, buyer: sys.bob.address as Address, firstStake: 4n, count: 1n, blockNumber: 0n },
    ];
    expect(findPurchase(ranges, 3n)?.tokenId).to.equal(1n);
    expect(findPurchase(ranges, 4n)?.tokenId).to.equal(2n);
    expect(findPurchase(ranges, 5n)).to.equal(undefined);
  });
});

describe("tooling: draw verifier CLI", () => {
  it("exits 2 with one line on missing arguments or an unreachable node", async () => {
    const { main } = await import("../../scripts/verify-draw.js");
    const { capture } = await import("./helpers.js");
    const usage = await capture(() => main(["--rpc", "http://127.0.0.1:1"]));
    expect(usage.result).to.equal(2);
    expect(usage.err).to.match(/^✗ usage: npm run verify-draw -- --rpc <url> --listing <address>/);
    const down = await capture(() => main(["--rpc", "http://127.0.0.1:1", "--listing", "0x000000000000000000000000000000000000dEaD"]));
    expect(down.result).to.equal(2);
    expect(down.err.split("\n").at(-1)).to.equal("✗ cannot reach http://127.0.0.1:1: is the node running?");
  });
});
