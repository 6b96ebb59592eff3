/**
 * Agreement III (listing DAO ↔ platform): settle at Time-Date A, the VRF word, finalize; prints the winner.
 * On local networks the clock is moved to Time-Date A and the official VRF mock answers.
 *   npx hardhat run scripts/flows/3-draw.ts [--network localhost]
 *   env: LISTING (address or id, default the newest)
 * On the in-process network, which starts empty, it runs agreements I and II first.
 */
import { flowContext, flowDraw, runFlow } from "../lib/flows.js";

await runFlow(async () => flowDraw(await flowContext()));
