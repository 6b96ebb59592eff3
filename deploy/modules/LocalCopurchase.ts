import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { ContractFuture, IgnitionModuleBuilder } from "@nomicfoundation/ignition-core";
import { deploySystem } from "./system.js";

/** Base fee, gas price and LINK price of the official VRF v2.5 mock, as in Chainlink's own examples. */
const VRF_MOCK_BASE_FEE = 100_000_000_000_000_000n; // 0.1 LINK
const VRF_MOCK_GAS_PRICE = 1_000_000_000n; // 1 gwei
const VRF_MOCK_WEI_PER_UNIT_LINK = 4_000_000_000_000_000n;
const SUBSCRIPTION_FUNDING = 1_000_000n * 10n ** 18n; // LINK units in the mock

/**
 * The whole system on the in-process network or a local `hardhat node`: a 6-decimals USDC mock with permit, the
 * official Chainlink VRFCoordinatorV2_5Mock with a funded subscription, and the Marketplace as its consumer.
 */
export default buildModule("LocalCopurchase", (m) => {
  const usdc = m.contract("MockUSDC");
  return { usdc, ...localSystem(m, usdc) };
});

/** The official VRF v2.5 mock with a funded subscription, and the whole system on `usdc` as its consumer. */
export function localSystem(m: IgnitionModuleBuilder, usdc: ContractFuture<string>) {
  const coordinator = m.contract("VRFCoordinatorV2_5Mock", [
    VRF_MOCK_BASE_FEE,
    VRF_MOCK_GAS_PRICE,
    VRF_MOCK_WEI_PER_UNIT_LINK,
  ]);
  const createSubscription = m.call(coordinator, "createSubscription", []);
  const subscriptionId = m.readEventArgument(createSubscription, "SubscriptionCreated", "subId");
  m.call(coordinator, "fundSubscription", [subscriptionId, SUBSCRIPTION_FUNDING]);

  // The mock accepts any key hash; this is Sepolia's 750 gwei lane, for realism.
  const keyHash = m.getParameter("keyHash", "0x787d74caea10b2b357790d5b5247c2f63d1d91572a9846f780606e4d953677ae");
  // The operator arbitrates locally unless a test Safe is given (`arbiter` parameter; see test/safe.ts).
  const arbiter = m.getParameter("arbiter", m.getAccount(0));
  const system = deploySystem(m, { paymentToken: usdc, vrfCoordinator: coordinator, subscriptionId, keyHash, arbiter });
  m.call(coordinator, "addConsumer", [subscriptionId, system.marketplace]);
  return { coordinator, ...system };
}
