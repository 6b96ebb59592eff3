import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Optional last deployment step: makes a Safe multisig the Marketplace's admin and removes every role the deployer
 * holds, admin last, so the deployer key is worthless afterwards. The operator, verifier and pauser roles are then
 * granted by the Safe to whoever runs the day-to-day work.
 *
 *   npx hardhat ignition deploy deploy/modules/HandOverToSafe.ts --network sepolia \
 *       --parameters '{"HandOverToSafe":{"marketplace":"0x…","safe":"0x…"}}'
 */
export default buildModule("HandOverToSafe", (m) => {
  const deployer = m.getAccount(0);
  const marketplace = m.contractAt(
    "Marketplace",
    m.getParameter<string>("marketplace"),
  );
  const safe = m.getParameter<string>("safe");

  const adminRole = m.staticCall(marketplace, "DEFAULT_ADMIN_ROLE", [], 0, {
    id: "admin_role",
  });
  const granted = m.call(marketplace, "grantRole", [adminRole, safe], {
    id: "grant_admin_to_safe",
  });
  const renounced = [];
  for (const role of [
    "OPERATOR_ROLE",
    "VERIFIER_ROLE",
    "PAUSER_ROLE",
  ] as const) {
    const roleId = m.staticCall(marketplace, role, [], 0, { id: `${role}_id` });
    renounced.push(
      m.call(marketplace, "renounceRole", [roleId, deployer], {
        id: `renounce_${role}`,
        after: [granted],
      }),
    );
  }
  m.call(marketplace, "renounceRole", [adminRole, deployer], {
    id: "renounce_admin",
    after: renounced,
  });
  return { marketplace };
});
