import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { deploySystem } from "./system.js";

/**
 * The system on a live EVM network. Everything network-specific is a parameter (deploy/parameters/<network>.json):
 * the payment token, the VRF v2.5 coordinator, key hash and subscription, and the dispute arbiter (a Safe). After deployment, add the Marketplace
 * as a consumer of the subscription and register it as the Automation upkeep.
 */
export default buildModule("Copurchase", (m) => {
  const system = deploySystem(m, {
    paymentToken: m.getParameter("paymentToken"),
    vrfCoordinator: m.getParameter("vrfCoordinator"),
    subscriptionId: m.getParameter("subscriptionId"),
    keyHash: m.getParameter("keyHash"),
    // A Safe multisig (deploy/parameters/<network>.json); no default, so a live deployment cannot forget it.
    arbiter: m.getParameter("arbiter"),
  });
  return system;
});
