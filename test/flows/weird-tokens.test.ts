import { expect } from "chai";
import {
  buy,
  createListing,
  deployFixture,
  deployWithToken,
  ethers,
  networkHelpers,
  USDC,
} from "../fixtures.js";
import { FalseToken__factory } from "../../typechain-types/index.js";

/** The system on a token that can be switched to answer transfers with `false`. */
async function falseTokenSystem() {
  const base = await deployFixture();
  const token = await new FalseToken__factory(base.admin).deploy();
  const sys = await deployWithToken(base, await token.getAddress());
  return { sys, token };
}

describe("weird ERC-20s (A19)", () => {
  it("a token that answers false is treated as a failure: no stakes without payment, no refund lost", async () => {
    const { sys, token } = await networkHelpers.loadFixture(falseTokenSystem);
    const { listing, terms } = await createListing(sys);
    const address = await listing.getAddress();
    const id = await buy(sys, listing, sys.alice, 10n);

    await token.setFailing(true);
    await token.connect(sys.bob).approve(address, 100n * USDC);
    await expect(listing.connect(sys.bob).buy(0, 10))
      .to.be.revertedWithCustomError(listing, "SafeERC20FailedOperation")
      .withArgs(await token.getAddress());
    expect(await listing.sales()).to.deep.equal([10n, 1n]);

    await networkHelpers.time.increaseTo(terms.deadline);
    await listing.settle();
    // A refund the token refuses to pay reverts whole: the claim stays open instead of being marked paid.
    await expect(
      listing.connect(sys.alice).claimRefund(id),
    ).to.be.revertedWithCustomError(listing, "SafeERC20FailedOperation");
    expect(await listing.oddsOf(id)).to.deep.equal([10n, 10n]);
    await token.setFailing(false);
    await expect(
      listing.connect(sys.alice).claimRefund(id),
    ).to.changeTokenBalance(ethers, token, sys.alice, 100n * USDC);
    expect(await token.balanceOf(address)).to.equal(await listing.owed());
  });
});
