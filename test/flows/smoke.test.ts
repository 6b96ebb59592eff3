import { expect } from "chai";
import { buy, createListing, deployFixture, fulfil, networkHelpers, USDC } from "../fixtures.js";

describe("smoke", () => {
  it("runs a listing from agreement I to a released delivery", async () => {
    const sys = await networkHelpers.loadFixture(deployFixture);
    const { listing, terms } = await createListing(sys);
    const a = await buy(sys, listing, sys.alice, 60n);
    const b = await buy(sys, listing, sys.bob, 50n);
    await buy(sys, listing, sys.alice, 10n, a);
    expect(await listing.oddsOf(a)).to.deep.equal([70n, 120n]);
    await networkHelpers.time.increaseTo(terms.deadline);
    const [needed, data] = await sys.marketplace.checkUpkeep.staticCall("0x");
    expect(needed).to.equal(true);
    await sys.marketplace.performUpkeep(data);
    expect(await listing.status()).to.equal(1n);
    await fulfil(sys, listing, 65n); // stake 65 % 120 + 1 = 66 → alice (1..60) ? no: 66 is bob's (61..110)
    await listing.finalize();
    const order = await sys.escrow.order(await listing.escrowOrderId());
    expect(order.buyer).to.equal(sys.bob.address);
    void b;
    await sys.escrow.connect(sys.bob).release(await listing.escrowOrderId());
    expect(await sys.deed.ownerOf(terms.deedId)).to.equal(sys.bob.address);
    await sys.escrow.connect(sys.seller).withdraw(sys.seller.address);
    expect(await sys.usdc.balanceOf(sys.seller.address)).to.equal(1_000n * USDC);
    await sys.vault.collect(await listing.getAddress());
    expect(await sys.vault.owedTo(sys.admin.address)).to.equal(200n * USDC);
  });
});
