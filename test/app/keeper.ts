/**
 * What Chainlink Automation and VRF do on a live network, done for the browser tests on the local node with viem:
 * checkUpkeep → performUpkeep until the listing moved on, answering its VRF request with the official mock.
 */
import type { Address, Hex } from "viem";
import type { Stack } from "../../scripts/lib/stack.js";

const STATUS = ["Open", "Drawing", "Settled", "Failed", "Dissolved"] as const;

export async function statusOf(stack: Stack, listing: Address) {
  const { client, abis } = stack.chain;
  return STATUS[Number(await client.readContract({ address: listing, abi: abis.ListingAbi, functionName: "status" }))];
}

/** Runs upkeeps (and answers the listing's VRF request) until `listing` reaches one of `until`. */
export async function keepUntil(stack: Stack, listing: Address, until: (typeof STATUS)[number][], maxSteps = 40) {
  const { client, abis, send, accounts, marketplace } = stack.chain;
  const coordinator = stack.deployment.contracts.VRFCoordinatorV2_5Mock;
  for (let step = 0; step < maxSteps; step++) {
    const status = await statusOf(stack, listing);
    if (until.includes(status)) return status;
    if (status === "Drawing") {
      const draw = (await client.readContract({ address: marketplace, abi: abis.MarketplaceAbi, functionName: "drawOf", args: [listing] })) as { requestId: bigint; status: number };
      // DrawStatus Pending: the mock answers the request as the coordinator would.
      if (Number(draw.status) === 1) await send(accounts[0], coordinator, abis.VRFCoordinatorAbi, "fulfillRandomWords", [draw.requestId, marketplace]);
    }
    const [needed, performData] = (await client.readContract({ address: marketplace, abi: abis.MarketplaceAbi, functionName: "checkUpkeep", args: ["0x"] })) as [boolean, Hex];
    if (!needed) throw new Error(`no upkeep due while ${listing} is ${status}`);
    await send(accounts[0], marketplace, abis.MarketplaceAbi, "performUpkeep", [performData]);
  }
  throw new Error(`${listing} did not reach ${until.join(" or ")} in ${maxSteps} upkeeps`);
}
