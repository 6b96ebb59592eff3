import type { ArgumentType, IgnitionModuleBuilder } from "@nomicfoundation/ignition-core";

/**
 * The inputs every deployment of the system needs. On local networks they come from mocks deployed in the same
 * module; on live networks from per-network parameters (deploy/parameters/<network>.json).
 */
export interface SystemInputs {
  paymentToken: ArgumentType;
  vrfCoordinator: ArgumentType;
  subscriptionId: ArgumentType;
  /** The VRF gas lane; required on live networks (no default that could be another network's). */
  keyHash: ArgumentType;
  /**
   * The dispute arbiter, required: a Safe multisig on live networks (no default), locally the operator or a test
   * Safe. Disputes are refused without one, and every dispute it leaves undecided ends by default after 30 days.
   */
  arbiter: ArgumentType;
}

/**
 * Deploys Marketplace, its modules, the Listing implementation and the recurring-listings module, wires them and sets
 * the Chainlink config.
 */
export function deploySystem(m: IgnitionModuleBuilder, inputs: SystemInputs) {
  const deployer = m.getAccount(0);

  const marketplace = m.contract("Marketplace", [deployer, inputs.paymentToken]);
  // Ids are released in tranches (token:release task); the vanity ids are reserved before any is issued.
  const bidToken = m.contract("BidToken", [
    marketplace,
    inputs.paymentToken,
    m.getParameter("firstTranche", 100_000),
    m.getParameter("vanityIds", [333, 7_777_777]),
  ]);
  const assetDeed = m.contract("AssetDeed", [marketplace]);
  const escrow = m.contract("DeliveryEscrow", [marketplace, inputs.paymentToken, assetDeed]);
  const revenueVault = m.contract("RevenueVault", [marketplace, inputs.paymentToken]);
  // Tier 0, the default policy until the operator configures conditions and tiers (membership tasks/tests).
  const membership = m.contract("Membership", [
    marketplace,
    bidToken,
    escrow,
    [
      m.getParameter("defaultCancelWindow", 3_600),
      m.getParameter("defaultRefundMode", 0), // 0 wallet, 1 bid-token credit, 2 wallet minus a fee
      m.getParameter("defaultFeeBps", 0),
      m.getParameter("defaultRewardBps", 0),
      false,
    ],
  ]);
  const listingImplementation = m.contract("Listing", [
    marketplace,
    inputs.paymentToken,
    bidToken,
    assetDeed,
    escrow,
    revenueVault,
    membership,
  ]);

  // One module graph, wired once: setModules checks every module (code, marketplace, the membership's escrow, the
  // listing implementation's modules) and binds the escrow to the membership the listings use.
  const wired = m.call(marketplace, "setModules", [
    [bidToken, assetDeed, escrow, revenueVault, listingImplementation, membership],
  ]);
  // Recurring listings: deployed once the modules are wired (it reads the deed collection from the marketplace).
  const listingSeries = m.contract("ListingSeries", [marketplace], { after: [wired] });
  const seriesWired = m.call(marketplace, "setSeriesModule", [listingSeries]);
  const vrf = m.call(
    marketplace,
    "setVrfConfig",
    [
      [
        inputs.vrfCoordinator,
        inputs.keyHash,
        inputs.subscriptionId,
        m.getParameter("callbackGasLimit", 100_000),
        m.getParameter("requestConfirmations", 3),
        m.getParameter("nativePayment", false),
      ],
    ],
    { after: [wired] },
  );
  const timeout = m.call(marketplace, "setDrawTimeout", [m.getParameter("drawTimeout", 86_400)], { after: [vrf] });

  const roleCalls = [];
  for (const [role, param] of [
    ["OPERATOR_ROLE", "operator"],
    ["VERIFIER_ROLE", "verifier"],
    ["PAUSER_ROLE", "pauser"],
  ] as const) {
    const roleId = m.staticCall(marketplace, role, [], 0, { id: `${role}_id` });
    roleCalls.push(
      m.call(marketplace, "grantRole", [roleId, m.getParameter(param, deployer)], { id: `grant_${role}`, after: [timeout] }),
    );
  }

  // One revenue recipient takes 100% at first; the admin splits it later (RevenueVault.setRecipients: there is no task for it).
  const recipients = m.call(
    revenueVault,
    "setRecipients",
    [[[m.getParameter("revenueRecipient", deployer), 10_000]]],
    { after: [wired] },
  );

  // Every dispute has a third voter; without one, disputes are refused.
  m.call(escrow, "setArbiter", [inputs.arbiter], { after: [wired] });
  // The platform fee of direct orders (bps): rewards on direct orders never exceed it (README "Rewards").
  m.call(escrow, "setDirectFee", [m.getParameter("directFeeBps", 0)], { after: [wired] });
  // The membership cancels orders by tier policy (requestCancellation → escrow.cancelByPolicy).
  const policyRole = m.staticCall(escrow, "POLICY_ROLE", [], 0, { id: "POLICY_ROLE_id" });
  m.call(marketplace, "grantRole", [policyRole, membership], { id: "grant_POLICY_ROLE", after: [timeout] });

  void recipients;
  void seriesWired;
  return { marketplace, bidToken, assetDeed, escrow, revenueVault, membership, listingImplementation, listingSeries };
}
