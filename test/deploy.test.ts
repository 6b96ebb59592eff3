import { expect } from "chai";
import HandOverToSafe from "../deploy/modules/HandOverToSafe.js";
import { deployFixture, ignition, networkHelpers } from "./fixtures.js";

describe("deployment: hand-over to a Safe", () => {
  it("makes the Safe the only admin and leaves the deployer with no role", async () => {
    const sys = await networkHelpers.loadFixture(deployFixture);
    const safe = sys.carol.address; // stands in for the Safe's address: the module only needs an address
    const marketplace = await sys.marketplace.getAddress();
    const roles = {
      admin: await sys.marketplace.DEFAULT_ADMIN_ROLE(),
      operator: await sys.marketplace.OPERATOR_ROLE(),
      verifier: await sys.marketplace.VERIFIER_ROLE(),
      pauser: await sys.marketplace.PAUSER_ROLE(),
    };
    for (const role of Object.values(roles))
      expect(await sys.marketplace.hasRole(role, sys.admin.address)).to.equal(
        true,
      );

    await ignition.deploy(HandOverToSafe, {
      parameters: { HandOverToSafe: { marketplace, safe } },
    });

    for (const role of Object.values(roles))
      expect(await sys.marketplace.hasRole(role, sys.admin.address)).to.equal(
        false,
      );
    expect(await sys.marketplace.hasRole(roles.admin, safe)).to.equal(true);
    // The Safe now runs the roles: it can grant the operator role, the old deployer cannot.
    await expect(
      sys.marketplace
        .connect(sys.admin)
        .grantRole(roles.operator, sys.dave.address),
    )
      .to.be.revertedWithCustomError(
        sys.marketplace,
        "AccessControlUnauthorizedAccount",
      )
      .withArgs(sys.admin.address, roles.admin);
    await sys.marketplace
      .connect(sys.carol)
      .grantRole(roles.operator, sys.dave.address);
    expect(
      await sys.marketplace.hasRole(roles.operator, sys.dave.address),
    ).to.equal(true);
  });
});
