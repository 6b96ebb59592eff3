/**
 * Operator, seller and buyer tasks, namespaced by what they act on. Amounts are human ("12.5" or "12.50 USDC"),
 * listings are given by address or id, accounts (--from, --seller, --operator) by index or address. Every task
 * takes --deployment (a Marketplace address, an Ignition deployment id, folder or deployed_addresses.json);
 * without it the task reads deploy/deployments/chain-<id>/ for the network. Numbers are taken as text and parsed
 * by the actions (scripts/lib/args.ts), so that bad input fails with a sentence rather than Hardhat's HHE500.
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
    .addOption({ name: "uri", description: "Metadata URI (default: ERC-721 metadata from the title, category, sub-category and keywords, as a data: URI)", defaultValue: "" })
    .addOption({ name: "description", description: "The asset's description in its metadata (default: the title)", defaultValue: "" })
    .addOption({ name: "subcategory", description: 'Catalogue sub-category, e.g. "SUVs"', defaultValue: "" })
    .addOption({ name: "keywords", description: 'Search key words, comma-separated, e.g. "G-Class,Geländewagen"', defaultValue: "" })
    .addOption({ name: "contentHash", description: "Hash of the asset's documents (default derived)", defaultValue: "" })
    .addOption({ name: "price", description: 'P, e.g. "355000" or "355,000.00 USDC"', type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption({ name: "stakePrice", description: 's, e.g. "10" or "12.50 USDC"', type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption({ name: "stakes", description: "N, the number of stakes", defaultValue: "0" })
    .addOption({ name: "threshold", description: "T (default: the fewest stakes that pay P)", defaultValue: "0" })
    .addOption({ name: "days", description: "Sale length up to Time-Date A", defaultValue: "7" })
    .addOption({ name: "opensIn", description: "Seconds until sales open", defaultValue: "0" })
    .addOption({ name: "category", description: "Catalogue category: 1 Cars, 2 Watches, 3 Real estate, 4 Jewelry, 5 Art, 6 Yachts, 7 Aircraft, 8 Collectibles", defaultValue: "1" })
    .addFlag({ name: "drawAtSellOut", description: "Settle as soon as all stakes are sold" })
    .addOption({ name: "seller", description: "The seller (index or address; default account #1)", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption({ name: "operator", description: "The operator (index or address; default account #0)", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption(deployment)
    .setAction(() => import("./actions/listing-create.js"))
    .build(),

  task("listing:status", "Shows a listing: terms, stakes sold, time left, state, odds of an account or token")
    .addPositionalArgument(listing)
    .addOption({ name: "account", description: "Show this account's stakes and odds (address or index)", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption({ name: "token", description: "Show this bid token's stakes and odds", defaultValue: "0" })
    .addOption(deployment)
    .setAction(() => import("./actions/listing-status.js"))
    .build(),

  task("stake:buy", "Agreement II: buys stakes of a listing")
    .addPositionalArgument(listing)
    .addOption({ name: "stakes", description: "How many stakes", defaultValue: "0" })
    .addOption({ name: "spend", description: 'Or how much to spend, e.g. "250 USDC"', type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption({ name: "token", description: "Your bid token (default: be issued a new one)", defaultValue: "0" })
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
    .addOption({ name: "token", description: "One bid token (default: every token of --from with stakes)", defaultValue: "0" })
    .addOption(from("account #2"))
    .addOption(deployment)
    .setAction(() => import("./actions/stake-refund.js"))
    .build(),

  task("stake:cancel", "Cancels a bid token's latest purchase in an open listing; refunded by the holder's membership tier")
    .addPositionalArgument(listing)
    .addOption({ name: "token", description: "The bid token (default: the only one of --from with stakes there)", defaultValue: "0" })
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
    .addOption({ name: "scan", description: "Or find them: check every issued id, this many per page, and recycle those that qualify", defaultValue: "0" })
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
    .addOption({ name: "hours", description: "How long the authorization stays valid", defaultValue: "24" })
    .addOption(from("the winner's account"))
    .addOption(deployment)
    .setAction(() => import("./actions/escrow-authorize.js"))
    .build(),

  task("escrow:submit", "The seller or its delivery agent submits the winner's authorization: the seller is paid P")
    .addPositionalArgument(listing)
    .addOption({ name: "signature", description: "The winner's signature (escrow:authorize prints it)", defaultValue: "" })
    .addOption({ name: "deadline", description: "The deadline the winner signed", defaultValue: "0" })
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
  task("listing:list", "Browses listings: by state, category and key words, sorted by odds or price (catalog API if an indexer runs, else the chain)")
    .addOption({ name: "q", description: 'Key words, e.g. "porsche 911" (prefix match)', type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption({ name: "status", description: "Open, Drawing, Settled, Failed or Dissolved", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption({ name: "category", description: 'Category by name, e.g. "Watches" (the API and the chain fallback both match names)', type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption({ name: "sort", description: "odds, stakePrice, price, endingSoon, mostSold or newest", defaultValue: "odds" })
    .addOption({ name: "limit", description: "At most this many rows (1 … 100)", defaultValue: "20" })
    .addOption({ name: "api", description: 'The catalog API (default $COPURCHASE_API or http://127.0.0.1:42069; "none": chain only)', type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption(deployment)
    .setAction(() => import("./actions/listing-list.js"))
    .build(),

  task("chain:advance", "Local networks: moves the chain's clock to the next thing due (--to deadline) or by a duration (--to 30d)")
    .addOption({ name: "to", description: '"deadline" (the next Time-Date A, draw expiry or series opening) or a duration: 30d, 12h, 90m, seconds', defaultValue: "deadline" })
    .addOption(deployment)
    .setAction(() => import("./actions/chain-advance.js"))
    .build(),

  task("vault:status", "Shows the revenue vault: recipients, shares and what each can withdraw")
    .addOption(deployment)
    .setAction(() => import("./actions/vault-status.js"))
    .build(),

  task("vault:recipients", 'Admin: sets the revenue recipients and shares (--set "2:70%,3:30%"); without --set, shows them')
    .addOption({ name: "set", description: 'account:share pairs, shares in % or bps summing to 100%, e.g. "0:70%,3:30%"', type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption(from("account #0"))
    .addOption(deployment)
    .setAction(() => import("./actions/vault-recipients.js"))
    .build(),

  task("vault:collect", "Collects a settled listing's markup into the revenue vault, split by share (anyone; the keeper does it on retiring)")
    .addPositionalArgument(listing)
    .addOption(from("account #0"))
    .addOption(deployment)
    .setAction(() => import("./actions/vault-collect.js"))
    .build(),

  task("vault:withdraw", "A revenue recipient withdraws its whole balance from the vault")
    .addOption({ name: "to", description: "Where to send it (default: the recipient)", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption(from("account #0"))
    .addOption(deployment)
    .setAction(() => import("./actions/vault-withdraw.js"))
    .build(),

  task("dissolve:vote", "Votes to dissolve an open listing with all of a bid token's stakes; unanimity dissolves it (refunds, deed back)")
    .addPositionalArgument(listing)
    .addOption({ name: "token", description: "The bid token (default: the only one of --from with stakes there)", defaultValue: "0" })
    .addOption(from("account #2"))
    .addOption(deployment)
    .setAction(() => import("./actions/dissolve-vote.js"))
    .build(),

  task("dissolve:withdraw", "Withdraws a bid token's dissolution vote")
    .addPositionalArgument(listing)
    .addOption({ name: "token", description: "The bid token (default: the only one of --from with stakes there)", defaultValue: "0" })
    .addOption(from("account #2"))
    .addOption(deployment)
    .setAction(() => import("./actions/dissolve-withdraw.js"))
    .build(),

  task("dissolve:status", "Shows how many stakes vote to dissolve a listing, and which tokens")
    .addPositionalArgument(listing)
    .addOption(deployment)
    .setAction(() => import("./actions/dissolve-status.js"))
    .build(),

  task("series:propose", "A verified seller proposes a series of identical assets (submitted now by title, or applications already submitted)")
    .addOption({ name: "titles", description: 'Assets to submit now, e.g. "Car 1,Car 2,Car 3"', type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption({ name: "applications", description: 'Or application ids already submitted, ascending, e.g. "4,5,6"', type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption(from("account #1"))
    .addOption(deployment)
    .setAction(() => import("./actions/series-propose.js"))
    .build(),

  task("series:approve", "Operator: approves a proposed series' template (the terms of every listing in it)")
    .addPositionalArgument({ name: "seriesId", description: "The series (e.g. 1)" })
    .addOption({ name: "price", description: 'P of each listing, e.g. "1,000 USDC"', type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption({ name: "stakePrice", description: 's, e.g. "10"', type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption({ name: "stakes", description: "N per listing", defaultValue: "0" })
    .addOption({ name: "threshold", description: "T (default: the fewest stakes that pay P)", defaultValue: "0" })
    .addOption({ name: "days", description: "Each sale's length", defaultValue: "7" })
    .addOption({ name: "gapDays", description: "Days between one Time-Date A and the next opening", defaultValue: "0" })
    .addOption({ name: "startsIn", description: "Seconds until the first opening (0: at acceptance)", defaultValue: "0" })
    .addOption({ name: "category", description: "Catalogue category", defaultValue: "1" })
    .addFlag({ name: "drawAtSellOut", description: "Settle each listing as soon as it sells out" })
    .addOption(from("account #0"))
    .addOption(deployment)
    .setAction(() => import("./actions/series-approve.js"))
    .build(),

  task("series:accept", "The seller accepts the approved template: every deed is deposited; the first listing opens when due")
    .addPositionalArgument({ name: "seriesId", description: "The series (e.g. 1)" })
    .addOption(from("the series' seller"))
    .addOption(deployment)
    .setAction(() => import("./actions/series-accept.js"))
    .build(),

  task("series:status", "Shows a series: state, template, schedule and its listings")
    .addPositionalArgument({ name: "seriesId", description: "The series (e.g. 1)" })
    .addOption(deployment)
    .setAction(() => import("./actions/series-status.js"))
    .build(),

  task("series:cancel", "The seller or an operator cancels a series: nothing more opens, undeposited deeds return")
    .addPositionalArgument({ name: "seriesId", description: "The series (e.g. 1)" })
    .addOption({ name: "reason", description: "Why (text is hashed)", defaultValue: "cancelled by the seller" })
    .addOption(from("the series' seller"))
    .addOption(deployment)
    .setAction(() => import("./actions/series-cancel.js"))
    .build(),

  task("membership:configure", "Admin: conditions, tiers, policies and reasons from a JSON file, validated; --dry-run shows who changes tier")
    .addOption({ name: "file", description: "The configuration (JSON; shape in scripts/lib/membership-config.ts)", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addFlag({ name: "dryRun", description: "Validate and show the changes without sending anything" })
    .addOption(from("account #0"))
    .addOption(deployment)
    .setAction(() => import("./actions/membership-configure.js"))
    .build(),
];
