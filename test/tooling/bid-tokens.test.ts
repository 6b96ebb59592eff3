import { spawnSync } from "node:child_process";
import { expect } from "chai";
import { Interface } from "ethers";
import { buy, createListing, deployFixture, networkHelpers, USDC } from "../fixtures.js";
import type { System } from "../fixtures.js";
import type { Listing } from "../../typechain-types/index.js";
import { BidToken__factory } from "../../typechain-types/index.js";
import { describeCustomError } from "../../scripts/lib/errors.js";
import { expectOneLineFailure, runTask } from "./helpers.js";

// Accounts of the fixture: #0 admin (operator), #1 seller, #2 alice 0x3C44…93BC, #3 bob 0x90F7…b906, #4 carol, #6 stranger.
const ok = (run: Awaited<ReturnType<typeof runTask>>) => expect(run.result.success, `${run.out}\n${run.err}`).to.equal(true);

/** Fails `listing` at Time-Date A (threshold not met): its buyers' refunds open and their positions stay open until claimed. */
async function fail(listing: Listing) {
  await networkHelpers.time.increaseTo((await listing.charter())[1].deadline);
  await listing.settle();
}

describe("tooling: bid-token tasks", () => {
  let sys: System;
  let deployment: string;
  beforeEach(async () => {
    sys = await networkHelpers.loadFixture(deployFixture);
    deployment = await sys.marketplace.getAddress();
  });

  it("has a sentence, not a raw name, for every error the bid token can revert with", () => {
    const iface = new Interface(BidToken__factory.abi);
    const raw: string[] = [];
    iface.forEachError((error) => {
      const args = error.inputs.map((i) => (i.type === "address" ? sys.alice.address : 7n));
      const sentence = describeCustomError(iface.parseError(iface.encodeErrorResult(error, args))!);
      if (sentence.startsWith("reverted with")) raw.push(error.name);
    });
    expect(raw).to.deep.equal([]);
    const notOperator = iface.parseError(iface.encodeErrorResult("NotOperator", [sys.stranger.address]))!;
    expect(describeCustomError(notOperator)).to.match(/lacks the marketplace's OPERATOR_ROLE: run with --from/);
  });

  describe("token:topup", () => {
    it("refuses a short allowance with the fix, then adds exactly the amount with --approve", async () => {
      const { listing } = await createListing(sys);
      await buy(sys, listing, sys.alice, 3n); // token #1
      const short = await runTask("token:topup", { tokenId: "1", amount: "25 USDC", deployment });
      expectOneLineFailure(short, /^insufficient allowance: the bid token contract may spend 0.00 USDC of 0x3C44…93BC's USDC but the top-up is 25.00 USDC: rerun with --approve/);

      const run = await runTask("token:topup", { tokenId: "1", amount: "25 USDC", approve: true, deployment });
      ok(run);
      expect(run.out).to.include("approved the bid token contract to take exactly 25.00 USDC");
      expect(run.out).to.include("✓ 0x3C44…93BC added 25.00 USDC of credit to bid token #1");
      expect(run.out).to.include("credit now 25.00 USDC");
      expect(await sys.bidToken.creditOf(1n)).to.equal(25n * USDC);
      expect(await sys.usdc.allowance(sys.alice.address, await sys.bidToken.getAddress())).to.equal(0n);

      const gift = await runTask("token:topup", { tokenId: "#1", amount: "2.5", approve: true, from: "3", deployment });
      ok(gift);
      expect(gift.out).to.include("✓ 0x90F7…b906 added 2.50 USDC of credit to bid token #1 (held by 0x3C44…93BC)");
      expect(gift.out).to.include("credit now 27.50 USDC");
    });

    it("explains a token nobody holds, a bad id, a missing, zero or foreign amount, and an empty wallet", async () => {
      expectOneLineFailure(await runTask("token:topup", { tokenId: "5", amount: "1", deployment }), /^bid token #5 was never issued: credit can only be added to a token someone holds$/);
      expectOneLineFailure(await runTask("token:topup", { tokenId: "five", amount: "1", deployment }), /^"five" is not a bid token id: give a number like 7$/);
      const { listing } = await createListing(sys);
      await buy(sys, listing, sys.alice, 1n);
      expectOneLineFailure(await runTask("token:topup", { tokenId: "1", deployment }), /^say how much credit to add: --amount "25 USDC"$/);
      expectOneLineFailure(await runTask("token:topup", { tokenId: "1", amount: "0", deployment }), /^the amount must be above zero$/);
      expectOneLineFailure(await runTask("token:topup", { tokenId: "1", amount: "3 DAI", deployment }), /"3 DAI" is in DAI, but amounts here are in USDC/);
      expectOneLineFailure(
        await runTask("token:topup", { tokenId: "1", amount: "1", from: "1", approve: true, deployment }),
        /^0x7099…79C8 holds 0.00 USDC but the top-up is 1.00 USDC: fund the wallet first$/,
      );
    });
  });

  describe("token:info", () => {
    it("shows owner, credit, open positions with their state, recyclability and the vanity flag", async () => {
      const { listing } = await createListing(sys);
      await buy(sys, listing, sys.alice, 30n);
      await runTask("token:topup", { tokenId: "1", amount: "5", approve: true, deployment });
      const run = await runTask("token:info", { tokenId: "1", deployment });
      ok(run);
      expect(run.out).to.include("Bid token #1\n");
      expect(run.out).to.include(`owner       ${sys.alice.address}`);
      expect(run.out).to.include("vanity      no");
      expect(run.out).to.include("credit      5.00 USDC");
      expect(run.out).to.include("positions   1 open");
      const short = `${(await listing.getAddress()).slice(0, 6)}…${(await listing.getAddress()).slice(-4)}`;
      expect(run.out).to.match(new RegExp(`#1 +${short} +Open +30`));
      expect(run.out).to.include("recyclable  no: it holds credit (keeping credit keeps the number)");

      const vanity = await runTask("token:info", { tokenId: "333", deployment });
      ok(vanity);
      expect(vanity.out).to.include("Bid token #333 (vanity id)");
      expect(vanity.out).to.include("owner       nobody: a reserved vanity id not granted yet (token:grant 333 <to>)");
      expect(vanity.out).to.include("vanity      yes");
      expect(vanity.out).to.include("recyclable  no: never issued");
    });

    it("follows a token through a failed listing, its refund and recycling to the treasury", async () => {
      const { listing } = await createListing(sys);
      await buy(sys, listing, sys.alice, 20n);
      await fail(listing);
      const unclaimed = await runTask("token:info", { tokenId: "1", deployment });
      expect(unclaimed.out).to.match(/Failed \(refund unclaimed: stake:refund\) +20/);
      expect(unclaimed.out).to.include("recyclable  no: it has an open position");
      await listing.connect(sys.alice).claimRefund(1n);
      const idle = await runTask("token:info", { tokenId: "1", deployment });
      expect(idle.out).to.include("positions   none open");
      expect(idle.out).to.include("recyclable  yes, recyclable now: no credit and no open position");
      await runTask("token:recycle", { tokenIds: ["1"], deployment });
      const back = await runTask("token:info", { tokenId: "1", deployment });
      expect(back.out).to.include("owner       treasury: recycled, to be issued again");
      expect(back.out).to.include("recyclable  no: already in the treasury");
    });

    it("names ids that cannot exist and ids not released yet", async () => {
      expectOneLineFailure(await runTask("token:info", { tokenId: "0", deployment }), /^bid tokens are numbered #1…#7,777,777: #0 cannot exist$/);
      expectOneLineFailure(await runTask("token:info", { tokenId: "8,000,000", deployment }), /#8,000,000 cannot exist$/);
      const later = await runTask("token:info", { tokenId: "200000", deployment });
      expect(later.out).to.include("owner       nobody: not released yet (ids are released up to #100,000; token:release)");
    });
  });

  describe("token:recycle", () => {
    it("recycles idle tokens and says why each other one was skipped", async () => {
      const { listing } = await createListing(sys);
      await buy(sys, listing, sys.alice, 20n); // #1: refund claimed below → idle
      await buy(sys, listing, sys.bob, 5n); // #2: refund left unclaimed
      await buy(sys, listing, sys.carol, 5n); // #3: refund claimed, then credit
      await fail(listing);
      await listing.connect(sys.alice).claimRefund(1n);
      await listing.connect(sys.carol).claimRefund(3n);
      await runTask("token:topup", { tokenId: "3", amount: "1", from: "4", approve: true, deployment });

      const run = await runTask("token:recycle", { tokenIds: ["1", "2"], ids: "3,99999", from: "6", deployment });
      ok(run);
      expect(run.out).to.include("✓ recycled 1 bid token: #1; the treasury now holds 1 to issue again");
      expect(run.out).to.include("skipped 3:");
      expect(run.out).to.include("#2: it has an open position: stakes in an Open or Drawing listing, or a refund not yet claimed");
      expect(run.out).to.include("#3: it holds credit (keeping credit keeps the number)");
      expect(run.out).to.include("#99999: never issued");
      expect(await sys.bidToken.ownerOf(1n)).to.equal(await sys.bidToken.getAddress());

      // The next buyer without a token is issued the recycled number.
      const { listing: next } = await createListing(sys);
      expect(await buy(sys, next, sys.dave, 1n)).to.equal(1n);
    });

    it("--scan finds the recyclable issued ids page by page and recycles them", async () => {
      const { listing } = await createListing(sys);
      for (const buyer of [sys.alice, sys.bob, sys.carol, sys.dave]) await buy(sys, listing, buyer, 2n);
      await fail(listing);
      await listing.connect(sys.alice).claimRefund(1n);
      await listing.connect(sys.carol).claimRefund(3n);
      const run = await runTask("token:recycle", { tokenIds: [], scan: "3", deployment });
      ok(run);
      expect(run.out).to.match(/scan \[#+·*\] +75\.0% ids #1…#3 of #4: 2 recyclable/);
      expect(run.out).to.match(/scan \[#+\] 100\.0% ids #1…#4 of #4: 2 recyclable/);
      expect(run.out).to.include("✓ recycled 2 bid tokens: #1, #3");
      const again = await runTask("token:recycle", { tokenIds: [], scan: "100", deployment });
      expect(again.out).to.include("✓ nothing to recycle");
    });

    it("sends at most 100 ids per transaction, with progress", async () => {
      const ids = Array.from({ length: 150 }, (_, i) => String(5_000 + i));
      const run = await runTask("token:recycle", { tokenIds: ids, deployment });
      ok(run);
      expect(run.out).to.match(/batch 1\/2 .* 0 recycled, 100 skipped so far/);
      expect(run.out).to.match(/batch 2\/2 .* 0 recycled, 150 skipped so far/);
      expect(run.out).to.include("✓ nothing recycled (the treasury holds 0)");
      expect(run.out).to.include("… and 100 more");
    });

    it("asks for ids and refuses what is not one", async () => {
      expectOneLineFailure(await runTask("token:recycle", { tokenIds: [], deployment }), /^name the tokens to recycle: token:recycle 1 2 3, --ids 1,2,3, or --scan 500 to find them$/);
      expectOneLineFailure(await runTask("token:recycle", { tokenIds: ["1", "x2"], deployment }), /^"x2" is not a bid token id: give numbers like 1 2 3, or --ids 1,2,3$/);
      expectOneLineFailure(await runTask("token:recycle", { tokenIds: ["1"], scan: "10", deployment }), /^give ids or --scan, not both$/);
    });
  });

  describe("operator tasks: token:release, token:reserve, token:grant", () => {
    it("releases a tranche, reserves vanity ids and grants one", async () => {
      const release = await runTask("token:release", { upTo: "200,000", deployment });
      ok(release);
      expect(release.out).to.include("✓ bid tokens are released up to #200,000 (was #100,000): 100,000 more ids can be issued");
      expect(await sys.bidToken.releasedUpTo()).to.equal(200_000n);

      const reserve = await runTask("token:reserve", { ids: ["777", "7777"], deployment });
      ok(reserve);
      expect(reserve.out).to.include("✓ reserved vanity ids #777, #7777: purchases never issue them");
      expect(await sys.bidToken.isReserved(777n)).to.equal(true);

      const grant = await runTask("token:grant", { tokenId: "777", to: "3", deployment });
      ok(grant);
      expect(grant.out).to.include("✓ vanity bid token #777 granted to 0x90F7…b906");
      expect(await sys.bidToken.ownerOf(777n)).to.equal(sys.bob.address);
      const info = await runTask("token:info", { tokenId: "777", deployment });
      expect(info.out).to.include(`owner       ${sys.bob.address}`);
      expect(info.out).to.include("vanity      yes");
    });

    it("refuses a non-operator and decodes the contract's reasons in one line", async () => {
      expectOneLineFailure(await runTask("token:release", { upTo: "200000", from: "6", deployment }), /^0x976E…0aa9 lacks the marketplace's OPERATOR_ROLE: run with --from an account that holds it/);
      expectOneLineFailure(await runTask("token:release", { upTo: "50", deployment }), /^ids are already released up to #100,000: release a number above it, not #50$/);
      expectOneLineFailure(await runTask("token:release", { upTo: "7777778", deployment }), /^#7,777,778 is beyond the last bid token #7,777,777/);
      expectOneLineFailure(await runTask("token:reserve", { ids: ["333"], deployment }), /^id #333 cannot be reserved: it is 0, already issued or already reserved/);
      expectOneLineFailure(await runTask("token:reserve", { ids: [], deployment }), /^name the ids to reserve/);
      expectOneLineFailure(await runTask("token:grant", { tokenId: "778", to: "3", deployment }), /^id #778 cannot be granted: it is not reserved \(token:reserve 778 first\) or was already granted$/);
      await runTask("token:grant", { tokenId: "333", to: "3", deployment });
      expectOneLineFailure(await runTask("token:grant", { tokenId: "333", to: "4", deployment }), /^id #333 cannot be granted/);
      expectOneLineFailure(await runTask("token:grant", { tokenId: "334", to: "nobody", deployment }), /^"nobody" is neither an account index nor an address$/);
    });
  });

  describe("stake:buy with credit", () => {
    it("pulls only cost minus credit from the wallet and says how much came from each", async () => {
      await createListing(sys);
      ok(await runTask("stake:buy", { listing: "1", stakes: "2", approve: true, deployment })); // token #1
      ok(await runTask("token:topup", { tokenId: "1", amount: "30", approve: true, deployment }));

      // 5 stakes cost 50.00 USDC; 30.00 USDC of credit leaves 20.00 USDC for the wallet.
      const short = await runTask("stake:buy", { listing: "1", stakes: "5", token: "1", deployment });
      expectOneLineFailure(short, /^insufficient allowance: the listing may spend 0.00 USDC of 0x3C44…93BC's USDC but needs 20.00 USDC \(50.00 USDC minus 30.00 USDC of bid token #1's credit\): rerun with --approve/);

      const before = await sys.usdc.balanceOf(sys.alice.address);
      const run = await runTask("stake:buy", { listing: "1", stakes: "5", token: "1", approve: true, deployment });
      ok(run);
      expect(run.out).to.include("approved the listing to take exactly 20.00 USDC");
      expect(run.out).to.include("bought 5 stakes #3–#7 for 50.00 USDC on bid token #1");
      expect(run.out).to.include("paid 30.00 USDC from bid token #1's credit (0.00 USDC left) and 20.00 USDC from the wallet");
      expect(before - (await sys.usdc.balanceOf(sys.alice.address))).to.equal(20n * USDC);
      expect(await sys.bidToken.creditOf(1n)).to.equal(0n);

      // Credit that covers the whole cost needs no allowance at all.
      ok(await runTask("token:topup", { tokenId: "1", amount: "100", approve: true, deployment }));
      const covered = await runTask("stake:buy", { listing: "1", stakes: "4", token: "1", deployment });
      ok(covered);
      expect(covered.out).to.include("paid 40.00 USDC from bid token #1's credit (60.00 USDC left) and 0.00 USDC from the wallet");

      // With a permit: the permit covers the cost, the wallet still pays only the rest.
      const permitted = await runTask("stake:buy", { listing: "1", stakes: "10", token: "1", permit: true, deployment });
      ok(permitted);
      expect(permitted.out).to.include("paid 60.00 USDC from bid token #1's credit (0.00 USDC left) and 40.00 USDC from the wallet");

      const plain = await runTask("stake:buy", { listing: "1", stakes: "1", approve: true, from: "3", deployment });
      expect(plain.out).to.include("paid 10.00 USDC from the wallet");
    });
  });

  describe("the CLI", () => {
    it("exits with code 1 and one line on a bad bid-token id", function () {
      this.timeout(60_000);
      const run = spawnSync("npx", ["hardhat", "token:recycle", "1", "two"], { encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" }, timeout: 55_000 });
      expect(run.status).to.equal(1);
      const lines = run.stderr.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("npm warn"));
      expect(lines).to.deep.equal(['✗ "two" is not a bid token id: give numbers like 1 2 3, or --ids 1,2,3']);
    });
  });
});
