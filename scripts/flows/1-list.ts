/**
 * Agreement I (platform ↔ seller): verify the seller, submit the asset, approve terms, accept them.
 *   npx hardhat run scripts/flows/1-list.ts [--network localhost]
 *   env: SELLER (account index or address, default 1), TITLE, PRICE ("1,000 USDC"), STAKE_PRICE, STAKES, THRESHOLD, DAYS
 */
import { flowContext, flowList, runFlow } from "../lib/flows.js";

await runFlow(async () => flowList(await flowContext()));
