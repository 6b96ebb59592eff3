/**
 * Operator, seller and buyer tasks, namespaced by what they act on. Amounts are human ("12.5" or "12.50 USDC"),
 * listings are given by address or id, accounts (--from, --seller, --operator) by index or address. Every task
 * takes --deployment (a Marketplace address, an Ignition deployment id, folder or deployed_addresses.json);
 * without it the task reads deploy/deployments/chain-<id>/ for the network.
 */
import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";

const deployment = {
  name: "deployment",
  description: "Marketplace address, Ignition deployment id, folder or deployed_addresses.json (default: the network's)",
  type: ArgumentType.STRING_WITHOUT_DEFAULT,
  defaultValue: undefined,
} as const;
const from = (who: string) =>
  ({
    name: "from",
    description: `The account that signs (index or address; default ${who})`,
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  }) as const;
const listing = { name: "listing", description: "The listing's address or id (1, 2, …)" } as const;
const tokenId = { name: "tokenId", description: "The bid token's number (e.g. 7)" } as const;

export const copurchaseTasks = [
  task("seller:verify", "Records a seller's off-chain KYC on chain (verifier role)")
    .addPositionalArgument({ name: "seller", description: "The seller's address or account index" })
    .addOption({ name: "kycRef", description: "Reference to the KYC record (text is hashed)", defaultValue: "kyc:manual" })
    .addOption(from("account #0"))
    .addOption(deployment)
    .setAction(() => import("./actions/seller-verify.js"))
    .build(),

  task("listing:create", "Agreement I: the seller submits an asset, the operator approves terms, the seller accepts")
    .addOption({ name: "title", description: "What is sold", defaultValue: "Untitled asset" })
    .addOption({ name: "uri", description: "Metadata URI (default derived from the title)", defaultValue: "" })
    .addOption({ name: "contentHash", description: "Hash of the asset's documents (default derived)", defaultValue: "" })
    .addOption({ name: "price", description: 'P, e.g. "355000" or "355,000.00 USDC"', type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption({ name: "stakePrice", description: 's, e.g. "10" or "12.50 USDC"', type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption({ name: "stakes", description: "N, the number of stakes", type: ArgumentType.BIGINT, defaultValue: 0n })
    .addOption({ name: "threshold", description: "T (default: the fewest stakes that pay P)", type: ArgumentType.BIGINT, defaultValue: 0n })
    .addOption({ name: "days", description: "Sale length up to Time-Date A", type: ArgumentType.FLOAT, defaultValue: 7 })
    .addOption({ name: "opensIn", description: "Seconds until sales open", type: ArgumentType.INT, defaultValue: 0 })
    .addOption({ name: "category", description: "Catalogue category", type: ArgumentType.INT, defaultValue: 1 })
    .addFlag({ name: "drawAtSellOut", description: "Settle as soon as all stakes are sold" })
    .addOption({ name: "seller", description: "The seller (index or address; default account #1)", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption({ name: "operator", description: "The operator (index or address; default account #0)", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption(deployment)
    .setAction(() => import("./actions/listing-create.js"))
    .build(),

  task("listing:status", "Shows a listing: terms, stakes sold, time left, state, odds of an account or token")
    .addPositionalArgument(listing)
    .addOption({ name: "account", description: "Show this account's stakes and odds (address or index)", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption({ name: "token", description: "Show this bid token's stakes and odds", type: ArgumentType.BIGINT, defaultValue: 0n })
    .addOption(deployment)
    .setAction(() => import("./actions/listing-status.js"))
    .build(),

  task("stake:buy", "Agreement II: buys stakes of a listing")
    .addPositionalArgument(listing)
    .addOption({ name: "stakes", description: "How many stakes", type: ArgumentType.BIGINT, defaultValue: 0n })
    .addOption({ name: "spend", description: 'Or how much to spend, e.g. "250 USDC"', type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption({ name: "token", description: "Your bid token (default: be issued a new one)", type: ArgumentType.BIGINT, defaultValue: 0n })
    .addFlag({ name: "approve", description: "Approve exactly the cost first if the allowance is short" })
    .addOption({ name: "allowance", description: 'With --approve: approve this much instead of exactly the cost (e.g. "500 USDC" for several purchases; with USDC an exact approval is cheapest)', type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addFlag({ name: "permit", description: "Pay with an EIP-2612 permit in the same transaction" })
    .addOption(from("account #2"))
    .addOption(deployment)
    .setAction(() => import("./actions/stake-buy.js"))
    .build(),

  task("token:faucet", "Local networks: mints test USDC (MockUSDC) to an account")
    .addPositionalArgument({ name: "account", description: "Address or account index" })
    .addOption({ name: "amount", description: 'e.g. "1,000 USDC"', defaultValue: "10,000 USDC" })
    .addOption(deployment)
    .setAction(() => import("./actions/token-faucet.js"))
    .build(),

  task("stake:refund", "Claims the refunds of a failed or dissolved listing")
    .addPositionalArgument(listing)
    .addOption({ name: "token", description: "One bid token (default: every token of --from with stakes)", type: ArgumentType.BIGINT, defaultValue: 0n })
    .addOption(from("account #2"))
    .addOption(deployment)
    .setAction(() => import("./actions/stake-refund.js"))
    .build(),

  task("stake:cancel", "Cancels a bid token's latest purchase in an open listing; refunded by the holder's membership tier")
    .addPositionalArgument(listing)
    .addOption({ name: "token", description: "The bid token (default: the only one of --from with stakes there)", type: ArgumentType.BIGINT, defaultValue: 0n })
    .addOption(from("account #2"))
    .addOption(deployment)
    .setAction(() => import("./actions/stake-cancel.js"))
    .build(),

  task("membership:status", "Shows a member's tier, policy, counters, conditions met and what the next tier needs")
    .addPositionalArgument({ name: "account", description: "Address or account index" })
    .addOption(deployment)
    .setAction(() => import("./actions/membership-status.js"))
    .build(),

  task("listing:settle", "Agreement III: settles a listing at Time-Date A (draw requested, or failed and refunds open)")
    .addPositionalArgument(listing)
    .addFlag({ name: "fulfil", description: "Local networks: answer the VRF request with the mock right away" })
    .addOption(from("account #0"))
    .addOption(deployment)
    .setAction(() => import("./actions/listing-settle.js"))
    .build(),

  task("listing:finalize", "Names the winner once the random word arrived")
    .addPositionalArgument(listing)
    .addOption(from("account #0"))
    .addOption(deployment)
    .setAction(() => import("./actions/listing-finalize.js"))
    .build(),

  task("token:topup", "Adds credit to a bid token from the wallet: spent first on the token's next stakes, never withdrawn")
    .addPositionalArgument(tokenId)
    .addOption({ name: "amount", description: 'How much, e.g. "25 USDC"', type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addFlag({ name: "approve", description: "Approve exactly the amount first if the allowance is short" })
    .addOption(from("account #2"))
    .addOption(deployment)
    .setAction(() => import("./actions/token-topup.js"))
    .build(),

  task("token:info", "Shows a bid token: owner, credit, open positions, whether it can be recycled, vanity flag")
    .addPositionalArgument(tokenId)
    .addOption(deployment)
    .setAction(() => import("./actions/token-info.js"))
    .build(),

  task("token:recycle", "Returns idle bid tokens (no credit, no open position) to the treasury; says why others were skipped")
    .addVariadicArgument({ name: "tokenIds", description: "The tokens, e.g. 1 2 3", defaultValue: [] })
    .addOption({ name: "ids", description: 'Or a comma list, e.g. "1,2,3"', type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption({ name: "scan", description: "Or find them: check every issued id, this many per page, and recycle those that qualify", type: ArgumentType.INT, defaultValue: 0 })
    .addOption(from("account #0"))
    .addOption(deployment)
    .setAction(() => import("./actions/token-recycle.js"))
    .build(),

  task("token:release", "Operator: releases bid-token ids up to a number, so that purchases may issue them")
    .addPositionalArgument({ name: "upTo", description: "The new highest issuable id (e.g. 200000)" })
    .addOption(from("account #0"))
    .addOption(deployment)
    .setAction(() => import("./actions/token-release.js"))
    .build(),

  task("token:reserve", "Operator: reserves vanity ids, which purchases never issue")
    .addVariadicArgument({ name: "ids", description: "The ids, e.g. 777 7777" })
    .addOption(from("account #0"))
    .addOption(deployment)
    .setAction(() => import("./actions/token-reserve.js"))
    .build(),

  task("token:grant", "Operator: gives a reserved vanity id to an account")
    .addPositionalArgument(tokenId)
    .addPositionalArgument({ name: "to", description: "The recipient (address or account index)" })
    .addOption(from("account #0"))
    .addOption(deployment)
    .setAction(() => import("./actions/token-grant.js"))
    .build(),

  task("escrow:release", "The winner authorizes delivery: the seller is paid P, the winner gets the deed")
    .addPositionalArgument(listing)
    .addOption(from("the winner's account"))
    .addOption(deployment)
    .setAction(() => import("./actions/escrow-release.js"))
    .build(),

  task("escrow:ship", "The seller marks the escrow order of a settled listing shipped")
    .addPositionalArgument(listing)
    .addOption({ name: "tracking", description: "The shipment's tracking reference (stored hashed)", defaultValue: "" })
    .addOption(from("the seller's account"))
    .addOption(deployment)
    .setAction(() => import("./actions/escrow-ship.js"))
    .build(),

  task("escrow:authorize", "The winner signs the EIP-712 delivery authorization it hands to the seller (no transaction)")
    .addPositionalArgument(listing)
    .addOption({ name: "hours", description: "How long the authorization stays valid", type: ArgumentType.FLOAT, defaultValue: 24 })
    .addOption(from("the winner's account"))
    .addOption(deployment)
    .setAction(() => import("./actions/escrow-authorize.js"))
    .build(),

  task("escrow:submit", "The seller or its delivery agent submits the winner's authorization: the seller is paid P")
    .addPositionalArgument(listing)
    .addOption({ name: "signature", description: "The winner's signature (escrow:authorize prints it)", defaultValue: "" })
    .addOption({ name: "deadline", description: "The deadline the winner signed", type: ArgumentType.BIGINT, defaultValue: 0n })
    .addOption(from("the seller's account"))
    .addOption(deployment)
    .setAction(() => import("./actions/escrow-submit.js"))
    .build(),

  task("escrow:withdraw", "Withdraws what the escrow owes the account (a seller's price, a buyer's refund)")
    .addOption({ name: "to", description: "Where to send it (default: the account)", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption(from("account #0"))
    .addOption(deployment)
    .setAction(() => import("./actions/escrow-withdraw.js"))
    .build(),
];
