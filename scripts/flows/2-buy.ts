/**
 * Agreement II (buyers ↔ listing DAO): buyers buy stakes with a permit; prints stake numbers and odds.
 *   npx hardhat run scripts/flows/2-buy.ts [--network localhost]
 *   env: LISTING (address or id, default the newest), BUYS="2:60,3:40,4:25" (account:stakes)
 * On the in-process network, which starts empty, it runs agreement I first.
 */
import { flowBuy, flowContext, runFlow } from "../lib/flows.js";

await runFlow(async () => flowBuy(await flowContext()));
