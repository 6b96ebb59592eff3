import { spawnSync } from "node:child_process";
import { expect } from "chai";
import { Interface, id as hashText } from "ethers";
import { buy, createListing, DAY, deployFixture, networkHelpers, USDC } from "../fixtures.js";
import type { System } from "../fixtures.js";
import { MockUSDC__factory } from "../../typechain-types/index.js";
import { explain, UserError } from "../../scripts/lib/errors.js";
import { formatDuration, formatToken, parseToken, progressBar } from "../../scripts/lib/format.js";
import { expectOneLineFailure, runTask } from "./helpers.js";

describe("tooling: human amounts", () => {
  it("parses 12.5, 12.50 USDC and 1,000 into units and refuses other symbols and extra decimals", () => {
    expect(parseToken("12.5", 6)).to.equal(12_500_000n);
    expect(parseToken("12.50 USDC", 6)).to.equal(12_500_000n);
    expect(parseToken(" 1,000 usdc ", 6)).to.equal(1_000_000_000n);
    expect(() => parseToken("12 DAI", 6)).to.throw(/in DAI, but amounts here are in USDC/);
    expect(() => parseToken("0.0000001", 6)).to.throw(/7 decimals; USDC has 6/);
    expect(() => parseToken("twelve", 6)).to.throw(/not an amount/);
  });

  it("formats units with two decimals, keeping any finer digits, and draws progress and durations", () => {
    expect(formatToken(12_500_000n, 6, "USDC")).to.equal("12.50 USDC");
    expect(formatToken(355_000n * USDC, 6, "USDC")).to.equal("355,000.00 USDC");
    expect(formatToken(1_234_567n, 6, "USDC")).to.equal("1.234567 USDC");
    expect(progressBar(3n, 4n, 20)).to.equal("[###############·····]  75.0%");
    expect(formatDuration(3 * 86_400 + 4 * 3_600 + 12 * 60 + 5)).to.equal("3d 4h 12m");
  });

  it("decodes custom errors into a sentence that says how to fix them", () => {
    const usdc = new Interface(MockUSDC__factory.abi);
    const data = usdc.encodeErrorResult("ERC20InsufficientAllowance", ["0x5FbDB2315678afecb367f032d93F642f64180aa3", 0n, 25n * USDC]);
    expect(explain({ data })).to.equal(
      "insufficient allowance: 0x5FbD…0aa3 may spend 0.00 USDC but needs 25.00 USDC: approve it first (stake:buy --approve) or pay with a permit (--permit)",
    );
    expect(explain(new UserError("plain reason"))).to.equal("plain reason");
  });
});

describe("tooling: tasks on the in-process network", () => {
  let sys: System;
  let deployment: string;
  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(deployFixture);
    deployment = await sys.marketplace.getAddress();
  });

  describe("seller:verify", () => {
    it("verifies a seller once and says so when it already is", async () => {
      const first = await runTask("seller:verify", { seller: sys.carol.address, kycRef: "kyc:carol", deployment });
      expect(first.result.success).to.equal(true);
      expect(first.out).to.match(/✓ 0x15d3…6A65 is a verified seller \(KYC ref 0x/);
      expect(await sys.marketplace.isVerifiedSeller(sys.carol.address)).to.equal(true);
      const again = await runTask("seller:verify", { seller: sys.carol.address, deployment });
      expect(again.out).to.include("already a verified seller");
    });

    it("refuses an account without the verifier role, naming the role", async () => {
      const run = await runTask("seller:verify", { seller: sys.carol.address, from: sys.stranger.address, deployment });
      expectOneLineFailure(run, /lacks the VERIFIER_ROLE: run with --from an account that holds it/);
    });
  });

  describe("listing:create", () => {
    it("runs agreement I from human amounts and prints the listing and its terms", async () => {
      const run = await runTask("listing:create", {
        title: "Test watch",
        price: "1,000 USDC",
        stakePrice: "12.50",
        stakes: 100n,
        days: 7,
        deployment,
      });
      expect(run.result.success, run.err).to.equal(true);
      const value = (run.result as unknown as { value: { address: string; listingId: bigint } }).value;
      expect(run.out).to.include(`✓ listing #${value.listingId} at ${value.address}`);
      expect(run.out).to.include("price P     1,000.00 USDC");
      expect(run.out).to.include("stakes N    100 at s = 12.50 USDC");
      expect(run.out).to.include("threshold T 80 stakes"); // the fewest stakes that pay P by default
      expect(await sys.marketplace.isListing(value.address)).to.equal(true);
    });

    it("explains terms that could not pay the seller and an unverified seller", async () => {
      const low = await runTask("listing:create", { price: "1000", stakePrice: "10", stakes: 200n, threshold: 50n, deployment });
      expectOneLineFailure(low, /threshold 50 × 10.00 USDC = 500.00 USDC would not pay the price 1,000.00 USDC: use a threshold of at least 100/);
      const unverified = await runTask("listing:create", { price: "1000", stakePrice: "10", stakes: 200n, seller: "5", deployment });
      expectOneLineFailure(unverified, /is not a verified seller: run seller:verify 0x/);
      const badAmount = await runTask("listing:create", { price: "1000 EUR", stakePrice: "10", stakes: 200n, deployment });
      expectOneLineFailure(badAmount, /"1000 EUR" is in EUR, but amounts here are in USDC/);
    });
  });

  describe("listing:status", () => {
    it("shows terms, a progress bar, time left, state and an account's odds", async () => {
      const { listing } = await createListing(sys);
      await buy(sys, listing, sys.alice, 30n);
      await buy(sys, listing, sys.bob, 10n);
      const run = await runTask("listing:status", { listing: "1", account: sys.alice.address, deployment });
      expect(run.result.success, run.err).to.equal(true);
      expect(run.out).to.include(`Listing #1 at ${await listing.getAddress()} — Open`);
      expect(run.out).to.include("price P     1,000.00 USDC");
      expect(run.out).to.match(/sold +\[######·+\] +20\.0% {2}40 of 200 \(60 more needed for T\)/);
      expect(run.out).to.include("raised      400.00 USDC");
      expect(run.out).to.match(/time left   6d 23h 59m until Time-Date A/);
      expect(run.out).to.include("0x3C44…93BC: 30 stakes on 1 bid token(s) → 1 in 1.33 (75.00%) now, 1 in 6.67 (15.00%) if sold out");
    });

    it("names an unknown listing in one line", async () => {
      await createListing(sys);
      expectOneLineFailure(await runTask("listing:status", { listing: "9", deployment }), /^unknown listing #9: listings are #1…#1$/);
      expectOneLineFailure(
        await runTask("listing:status", { listing: sys.stranger.address, deployment }),
        /^unknown listing 0x.{4}….{4}: it is not a listing of the Marketplace at/,
      );
    });
  });

  describe("stake:buy", () => {
    it("refuses a short allowance with the fix, then buys with --approve or --permit", async () => {
      const { listing } = await createListing(sys);
      const short = await runTask("stake:buy", { listing: "1", stakes: 10n, deployment });
      expectOneLineFailure(short, /^insufficient allowance: the listing may spend 0.00 USDC of 0x3C44…93BC's USDC but needs 100.00 USDC: rerun with --approve/);

      const approved = await runTask("stake:buy", { listing: "1", stakes: 10n, approve: true, deployment });
      expect(approved.result.success, approved.err).to.equal(true);
      expect(approved.out).to.include("✓ 0x3C44…93BC bought 10 stakes #1–#10 for 100.00 USDC on new bid token #1");

      const permitted = await runTask("stake:buy", { listing: await listing.getAddress(), spend: "55 USDC", permit: true, from: "3", deployment });
      expect(permitted.result.success, permitted.err).to.equal(true);
      expect(permitted.out).to.include("55.00 USDC buys 5 whole stakes; 5.00 USDC is not spent");
      expect(permitted.out).to.include("bought 5 stakes #11–#15 for 50.00 USDC on new bid token #2");
      expect(permitted.out).to.include("token #2 holds 5 of 15 stakes sold → odds 1 in 3.00 (33.33%) now");
      expect((await listing.sales())[0]).to.equal(15n);
    });

    it("gives the reason for the seller buying, someone else's token, too many stakes and a closed sale", async () => {
      await createListing(sys);
      await runTask("stake:buy", { listing: "1", stakes: 1n, approve: true, deployment }); // alice: token #1
      expectOneLineFailure(await runTask("stake:buy", { listing: "1", stakes: 1n, approve: true, from: "1", deployment }), /seller 0x7099…79C8 cannot buy stakes of its own listing/);
      expectOneLineFailure(
        await runTask("stake:buy", { listing: "1", stakes: 1n, token: 1n, approve: true, from: "3", deployment }),
        /0x90F7…b906 neither owns bid token #1 nor is approved for it/,
      );
      expectOneLineFailure(await runTask("stake:buy", { listing: "1", stakes: 500n, deployment }), /asked for 500 stakes but only 199 remain: buy at most 199/);
      await networkHelpers.time.increase(8 * DAY);
      expectOneLineFailure(await runTask("stake:buy", { listing: "1", stakes: 1n, deployment }), /sales closed at Time-Date A/);
    });
  });

  describe("listing:settle, listing:finalize, escrow:release", () => {
    it("refuses to settle early, then settles, draws with the mock, names the winner and releases", async () => {
      const { listing, terms } = await createListing(sys);
      await buy(sys, listing, sys.alice, 80n);
      await buy(sys, listing, sys.bob, 40n);
      expectOneLineFailure(await runTask("listing:settle", { listing: "1", deployment }), /cannot settle before Time-Date A, .* UTC \(in 6d 23h/);
      expectOneLineFailure(await runTask("listing:finalize", { listing: "1", deployment }), /is Open: only a Drawing listing is finalized \(settle it first/);

      await networkHelpers.time.increaseTo(terms.deadline);
      const settled = await runTask("listing:settle", { listing: "1", fulfil: true, deployment });
      expect(settled.result.success, settled.err).to.equal(true);
      expect(settled.out).to.include("✓ listing #1 settled: 120 stakes sold ≥ T = 100 → Drawing");
      expect(settled.out).to.include("1,000.00 USDC and deed #1 are in escrow order #1");
      expect(settled.out).to.match(/✓ VRF mock answered request \d+: word 0x/);

      const finalized = await runTask("listing:finalize", { listing: "1", deployment });
      expect(finalized.result.success, finalized.err).to.equal(true);
      const winner = (finalized.result as unknown as { value: { winner: string } }).value.winner;
      expect(finalized.out).to.include(`✓ listing #1 Settled — WINNER ${winner}`);

      const notWinner = winner === sys.alice.address ? "3" : "2";
      expectOneLineFailure(await runTask("escrow:release", { listing: "1", from: notWinner, deployment }), /only the winner 0x.{4}….{4} can release escrow order #1, not/);
      const released = await runTask("escrow:release", { listing: "1", deployment });
      expect(released.result.success, released.err).to.equal(true);
      expect(released.out).to.match(/✓ escrow order #1 released by the winner .*: 1,000.00 USDC owed to the seller 0x7099…79C8/);
      expect(await sys.escrow.owedTo(sys.seller.address)).to.equal(1_000n * USDC);
    });

    it("draw formula: listing:finalize after a cancellation names stakes numbered over sold + cancelled, not word mod sold + 1", async () => {
      const { listing, terms } = await createListing(sys);
      await buy(sys, listing, sys.alice, 80n);
      await buy(sys, listing, sys.bob, 40n);
      await buy(sys, listing, sys.carol, 30n);
      await listing.connect(sys.carol).cancelPurchase(2n); // 120 held, 30 cancelled: 150 stake numbers
      await networkHelpers.time.increaseTo(terms.deadline);
      await runTask("listing:settle", { listing: "1", fulfil: true, deployment });
      const { word } = await sys.marketplace.randomWord(await listing.getAddress()).then(([, w]) => ({ word: w }));
      const finalized = await runTask("listing:finalize", { listing: "1", deployment });
      expect(finalized.result.success, finalized.err).to.equal(true);
      expect(finalized.out).to.include("drawn among stakes numbered 1 … 150 (120 sold + 30 cancelled): attempt 0 = word mod 150 + 1");
      expect(finalized.out).not.to.include("mod 120");
      // The stake it names is one the draw can return: attempt 0 when that lands on a held stake.
      const [, stake] = await listing.winningStake();
      const attempt0 = (word % 150n) + 1n;
      if (attempt0 <= 120n) expect(stake).to.equal(attempt0);
      expect(finalized.out).to.include(`stake #${stake} drawn among`);
    });

    it("escrow:ship, escrow:authorize, escrow:submit and escrow:withdraw run the delivery by signed authorization", async () => {
      const { listing, terms } = await createListing(sys);
      await buy(sys, listing, sys.alice, 150n);
      await networkHelpers.time.increaseTo(terms.deadline);
      await runTask("listing:settle", { listing: "1", fulfil: true, deployment });
      await runTask("listing:finalize", { listing: "1", deployment });

      expectOneLineFailure(await runTask("escrow:ship", { listing: "1", tracking: "DHL-1", from: "2", deployment }), /only the seller 0x7099…79C8 can mark escrow order #1 shipped/);
      const shipped = await runTask("escrow:ship", { listing: "1", tracking: "DHL-1", deployment });
      expect(shipped.result.success, shipped.err).to.equal(true);
      expect(shipped.out).to.match(/✓ escrow order #1 shipped \("DHL-1"\)/);
      expect((await sys.escrow.order(1n)).trackingHash).to.equal(hashText("DHL-1"));

      expectOneLineFailure(await runTask("escrow:authorize", { listing: "1", hours: 2, from: "1", deployment }), /only the winner 0x3C44…93BC can authorize escrow order #1/);
      const authorized = await runTask("escrow:authorize", { listing: "1", hours: 2, deployment });
      expect(authorized.result.success, authorized.err).to.equal(true);
      const { signature, deadline } = (authorized.result as unknown as { value: { signature: string; deadline: bigint } }).value;
      expect(authorized.out).to.include(`escrow:submit 1 --deadline ${deadline} --signature ${signature}`);

      expectOneLineFailure(
        await runTask("escrow:submit", { listing: "1", signature, deadline: deadline + 1n, deployment }),
        /the signature is not the authorization of 0x3C44…93BC for order #1/,
      );
      const submitted = await runTask("escrow:submit", { listing: "1", signature, deadline, deployment });
      expect(submitted.result.success, submitted.err).to.equal(true);
      expect(submitted.out).to.include("✓ escrow order #1 released by the winner's authorization: 1,000.00 USDC owed to the seller 0x7099…79C8");
      expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.alice.address);

      const withdrawn = await runTask("escrow:withdraw", { from: "1", deployment });
      expect(withdrawn.result.success, withdrawn.err).to.equal(true);
      expect(withdrawn.out).to.include("✓ withdrew 1,000.00 USDC owed to 0x7099…79C8 to 0x7099…79C8");
      expectOneLineFailure(await runTask("escrow:withdraw", { from: "1", deployment }), /the escrow owes 0x7099…79C8 nothing/);
    });

    it("fails a listing below T and refunds every token of a buyer with stake:refund", async () => {
      const { listing, terms } = await createListing(sys);
      await buy(sys, listing, sys.alice, 20n);
      await buy(sys, listing, sys.alice, 5n);
      expectOneLineFailure(await runTask("stake:refund", { listing: "1", deployment }), /listing #1 is Open: refunds open only when a listing fails or dissolves/);
      await networkHelpers.time.increaseTo(terms.deadline);
      const settled = await runTask("listing:settle", { listing: "1", deployment });
      expect(settled.out).to.include("settled and FAILED: threshold not met (25 of T = 100 stakes sold)");
      const refund = await runTask("stake:refund", { listing: "1", deployment });
      expect(refund.result.success, refund.err).to.equal(true);
      expect(refund.out).to.include("✓ refunded 200.00 USDC for bid token #1 to 0x3C44…93BC");
      expect(refund.out).to.include("✓ refunded 50.00 USDC for bid token #2 to 0x3C44…93BC");
      expect(refund.out).to.include("250.00 USDC in total");
      expectOneLineFailure(await runTask("stake:refund", { listing: "1", deployment }), /holds no bid token with stakes to refund on listing #1/);
    });
  });

  describe("stake:cancel and membership:status", () => {
    it("cancels the latest purchase with the refund the tier sets, and refuses a second time in one line", async () => {
      const { listing } = await createListing(sys);
      await buy(sys, listing, sys.alice, 5n);
      const cancelled = await runTask("stake:cancel", { listing: "1", deployment });
      expect(cancelled.result.success, cancelled.err).to.equal(true);
      expect(cancelled.out).to.include("✓ cancelled purchase #0 of bid token #1 (5 stakes): refunded 50.00 USDC to 0x3C44…93BC");
      expectOneLineFailure(await runTask("stake:cancel", { listing: "1", deployment }), /holds no bid token with stakes on listing #1/);
      expectOneLineFailure(await runTask("stake:cancel", { listing: "1", token: 1n, deployment }), /purchase #0 is already cancelled/);

      const status = await runTask("membership:status", { account: "2", deployment });
      expect(status.result.success, status.err).to.equal(true);
      expect(status.out).to.include("Membership of 0x3C44…93BC — tier #0 (default)");
      expect(status.out).to.include("1 stake cancellations");
      expect(status.out).to.include("refunds to the wallet");
    });

    it("names the missing conditions of the next tier", async () => {
      await sys.membership.setCondition(0, { kind: 1, threshold: 3 });
      await sys.membership.setCondition(1, { kind: 6, threshold: 0 });
      await sys.membership.setTier(1, 0b11, 10, { cancelWindow: 86_400, refundMode: 1, feeBps: 0, rewardBps: 100, autoRelist: false });
      await sys.membership.connect(sys.alice).register();
      const status = await runTask("membership:status", { account: "2", deployment });
      expect(status.out).to.include("meets       #1 registered");
      expect(status.out).to.include("next tier   #1: missing #0 completed orders ≥ 3");
    });
  });

  describe("the CLI", () => {
    it("exits with code 1 and one line, no stack trace, on bad input", function () {
      this.timeout(60_000);
      const run = spawnSync("npx", ["hardhat", "listing:status", "1", "--deployment", "0x000000000000000000000000000000000000dEaD"], {
        encoding: "utf8",
        env: { ...process.env, FORCE_COLOR: "0" },
      });
      expect(run.status).to.equal(1);
      const lines = run.stderr.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("npm warn"));
      expect(lines).to.deep.equal(["✗ no contract at 0x0000…dEaD (--deployment address) on default: wrong network, or the node was restarted since deploying"]);
    });
  });
});

