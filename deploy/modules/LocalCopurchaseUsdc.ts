import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { localSystem } from "./LocalCopurchase.js";

/** Units the deployer may mint as the USDC-like token's minter (tests and the local faucet): effectively unlimited. */
const MINTER_ALLOWANCE = 2n ** 200n;

/**
 * The whole local system on a token that behaves like Circle's USDC (FiatTokenV2_2 behind FiatTokenProxy): the
 * `UsdcLike` logic behind `UsdcLikeProxy`, initialized as "USD Coin" / "USDC" / 6 decimals with the deployer as owner,
 * master minter, minter, pauser and blacklister. The proxy admin is a separate account (parameter `proxyAdmin`,
 * default account #19) because, as with FiatTokenProxy, the admin can never use the token through the proxy.
 *   npx hardhat ignition deploy deploy/modules/LocalCopurchaseUsdc.ts --network localhost
 */
export default buildModule("LocalCopurchaseUsdc", (m) => {
  const deployer = m.getAccount(0);
  const logic = m.contract("UsdcLike", [], { id: "UsdcLikeLogic" });
  const proxy = m.contract("UsdcLikeProxy", [logic, m.getAccount(19)]);
  const usdc = m.contractAt("UsdcLike", proxy, { id: "UsdcLike" });
  const init = m.call(usdc, "initialize", ["USD Coin", "USDC", "USD", 6, deployer, deployer, deployer, deployer]);
  m.call(usdc, "configureMinter", [deployer, MINTER_ALLOWANCE], { after: [init] });
  return { usdc, proxy, ...localSystem(m, usdc) };
});
