import { expect } from "chai";
import { Interface } from "ethers";
import type { Address, Hex } from "viem";
import { connection, createListing, DAY, deployFixture, deployUsdcLikeFixture, ethers, networkHelpers, USDC } from "../fixtures.js";
import { resolvePermitDomain, separatorOf, viemPermitReader } from "../../core/permit.js";
import type { PermitTokenReader } from "../../core/permit.js";
import { ethersPermitReader } from "../../scripts/lib/authorization.js";
import { explain } from "../../scripts/lib/errors.js";
import { runTask } from "./helpers.js";

/** Permit signing on tokens that publish their EIP-712 domain differently (issue 17 item 1). */
describe("tooling: the permit domain of any token", () => {
  const refuse = () => Promise.reject(new Error("no such function"));

  async function readerFor(token: { getAddress(): Promise<string> }): Promise<PermitTokenReader> {
    const { chainId } = await ethers.provider.getNetwork();
    return ethersPermitReader(await token.getAddress(), ethers.provider, chainId);
  }

  it("reads USDC's domain from name() and version() (it has no eip712Domain()) and checks it against DOMAIN_SEPARATOR()", async () => {
    const sys = await networkHelpers.loadFixture(deployUsdcLikeFixture);
    const resolved = await resolvePermitDomain(await readerFor(sys.usdc));
    expect(resolved.source).to.equal("name() and version()");
    expect(resolved.checked).to.equal(true);
    expect([resolved.domain.name, resolved.domain.version]).to.deep.equal(["USD Coin", "2"]);
    expect(separatorOf(resolved.domain)).to.equal(await sys.usdcLike.DOMAIN_SEPARATOR());
  });

  it("reads an OpenZeppelin token's domain from ERC-5267 eip712Domain()", async () => {
    const sys = await networkHelpers.loadFixture(deployFixture);
    const resolved = await resolvePermitDomain(await readerFor(sys.usdc));
    expect(resolved.source).to.equal("eip712Domain()");
    expect(resolved.domain.name).to.equal("Mock USD Coin");
    expect(resolved.checked).to.equal(true);
  });

  it("gives the same answer through viem (what the page uses)", async () => {
    const sys = await networkHelpers.loadFixture(deployUsdcLikeFixture);
    const client = await connection.viem.getPublicClient();
    const address = (await sys.usdc.getAddress()) as Address;
    const resolved = await resolvePermitDomain(viemPermitReader(client as never, address, BigInt(await client.getChainId())));
    expect(resolved.source).to.equal("name() and version()");
    expect(separatorOf(resolved.domain)).to.equal(await sys.usdcLike.DOMAIN_SEPARATOR());
  });

  it("falls back to the network's permitDomain parameter when the token has no version()", async () => {
    const sys = await networkHelpers.loadFixture(deployUsdcLikeFixture);
    const reader = { ...(await readerFor(sys.usdc)), version: refuse };
    const error = await resolvePermitDomain(reader).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.match(/^the token at 0x.{4}….{4} publishes no permit domain/);
    const resolved = await resolvePermitDomain(reader, { version: "2" });
    expect(resolved.source).to.equal("the network's permitDomain parameter");
    expect(resolved.checked).to.equal(true);
  });

  it("refuses to sign, in one sentence, when the domain does not hash to the token's DOMAIN_SEPARATOR()", async () => {
    const sys = await networkHelpers.loadFixture(deployUsdcLikeFixture);
    const reader = { ...(await readerFor(sys.usdc)), name: () => Promise.resolve("USDC") };
    const separator = (await sys.usdcLike.DOMAIN_SEPARATOR()) as Hex;
    const error = await resolvePermitDomain(reader).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.match(
      new RegExp(`^the token's DOMAIN_SEPARATOR\\(\\) is ${separator} but the domain from its name\\(\\) and version\\(\\) \\("USDC", version "2", chain 31337, 0x.{4}….{4}\\) hashes to 0x[0-9a-f]{64}, so a permit signed with it would be rejected and none was signed`),
    );
    expect(error?.message).to.not.include("\n");
  });

  it("stake:buy --permit buys on the USDC-like token in one transaction, and stake:refund recovers a stalled listing's funds first", async () => {
    const sys = await networkHelpers.loadFixture(deployUsdcLikeFixture);
    const deployment = await sys.marketplace.getAddress();
    const { listing, terms } = await createListing(sys);
    const address = await listing.getAddress();
    const run = await runTask("stake:buy", { listing: address, stakes: "100", permit: true, from: "2", deployment });
    expect(run.result.success, run.err).to.equal(true);
    expect(await sys.usdc.balanceOf(address)).to.equal(1_000n * USDC);
    // Settled, then the token is paused past the draw's expiry and the grace: the listing is failed as stalled with P
    // still in its escrow order; once unpaused, stake:refund brings P back before claiming.
    await networkHelpers.time.increaseTo(terms.deadline);
    await listing.settle();
    await sys.usdcLike.pause();
    await networkHelpers.time.increase(8 * DAY);
    await listing.failStalled();
    await sys.usdcLike.unpause();
    const refund = await runTask("stake:refund", { listing: address, from: "2", deployment });
    expect(refund.result.success, refund.err).to.equal(true);
    expect(refund.out).to.include("recovered 0.00 USDC of spent credit from the bid token and 1,000.00 USDC from the escrow order");
    expect(refund.out).to.include("refunded 1,000.00 USDC");
  });

  it("stake:buy --approve approves exactly what the purchase pays, or the --allowance asked for", async () => {
    const sys = await networkHelpers.loadFixture(deployUsdcLikeFixture);
    const deployment = await sys.marketplace.getAddress();
    const { listing } = await createListing(sys);
    const address = await listing.getAddress();
    const exact = await runTask("stake:buy", { listing: address, stakes: "5", approve: true, from: "2", deployment });
    expect(exact.out).to.include("approved the listing to take exactly 50.00 USDC");
    expect(await sys.usdc.allowance(sys.alice.address, address)).to.equal(0n); // used up, slot cleared
    const more = await runTask("stake:buy", { listing: address, stakes: "5", approve: true, allowance: "500 USDC", from: "3", deployment });
    expect(more.out).to.include("approved the listing to take up to 500.00 USDC (this purchase pays 50.00 USDC)");
    expect(await sys.usdc.allowance(sys.bob.address, address)).to.equal(450n * USDC);
  });

  it("explains USDC's reason strings in a sentence", () => {
    const data = new Interface(["error Error(string)"]).encodeErrorResult("Error", ["Pausable: paused"]);
    expect(explain({ data })).to.match(/^the payment token is paused by its issuer/);
  });
});
