/**
 * One sentence per custom error of every contract of the system (OpenZeppelin's and Solady's inherited ones
 * included), shared by the tasks (decoded with ethers) and the page (decoded with viem): what is wrong and how to
 * fix it, in the words a person acting on it needs.
 */
import { keccak256, toHex } from "viem";
import { APPLICATION_STATUS, LISTING_STATUS, ORDER_STATUS, PARTY, SERIES_STATUS, UPKEEP_ACTION } from "./enums.js";
import { formatCount, formatDuration, formatTime, formatUnitsPlain, shortAddress } from "./format.js";

/** A failure the user caused and can fix; its message is the whole story, so no stack trace is shown. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}

/** How amounts in error arguments are shown; callers pass the payment token's own formatter. */
export type AmountFormatter = (units: bigint) => string;

/** A decoded error's arguments in ABI order (ethers' Result and viem's args array both fit). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- ABI-decoded values: each sentence knows its types
export type ErrorArgs = ArrayLike<any>;

/** Role ids as AccessControl stores them, by name, so that a missing role is named rather than shown as a hash. */
const ROLE_NAMES = new Map<string, string>([
  [`0x${"0".repeat(64)}`, "DEFAULT_ADMIN_ROLE"],
  ...["OPERATOR_ROLE", "VERIFIER_ROLE", "PAUSER_ROLE", "ARBITER_ROLE", "POLICY_ROLE", "REVIEWER_ROLE"].map(
    (r) => [keccak256(toHex(r)), r] as [string, string],
  ),
]);

const when = (t: bigint) => formatTime(t);
const inOrAgo = (t: bigint) => {
  const delta = Number(t) - Math.floor(Date.now() / 1000);
  return delta >= 0 ? `in ${formatDuration(delta)} by the wall clock` : `${formatDuration(-delta)} ago by the wall clock`;
};
const role = (id: string) => ROLE_NAMES.get(id.toLowerCase()) ?? id;

/** What USDC's reason strings mean for a user of this platform. */
const TOKEN_REASONS: Record<string, string> = {
  "Pausable: paused":
    "the payment token is paused by its issuer: no transfer, approval or permit goes through until it is unpaused (nothing is lost meanwhile)",
  "Blacklistable: account is blacklisted":
    "the payment token's issuer has frozen an account this transfer involves (the wallet, the recipient or one of the platform's contracts): it goes through only once the issuer unfreezes it",
  "ERC20: transfer amount exceeds balance":
    "the payer holds less than the amount: fund the wallet first (or, for a refund of a listing failed while the token refused transfers, run its recoverFunds first; stake:refund does)",
  "ERC20: transfer amount exceeds allowance":
    "insufficient allowance: approve exactly the cost first (stake:buy --approve) or pay with a permit (--permit)",
  "EIP2612: invalid signature": "the token rejected the permit signature: sign it again (stake:buy --permit reads the token's own domain)",
  "FiatTokenV2: permit is expired": "the permit expired: sign a new one",
};

/** Sentences for the custom errors, by name. Arguments come in ABI order. */
export const SENTENCES: Record<string, (a: ErrorArgs, fmt: AmountFormatter) => string> = {
  // ---- Listing
  ImplementationNotUsable: () => "that address is the Listing implementation, not a listing: use a listing's own address or id",
  WrongStatus: (a) => `the listing is ${LISTING_STATUS[Number(a[0])] ?? a[0]}, so this action is not possible now (see listing:status)`,
  NotOpenYet: (a) => `sales open at ${when(a[0])} (${inOrAgo(a[0])}); buy after that`,
  SalesClosed: (a) => `sales closed at Time-Date A, ${when(a[0])}; the listing can only be settled now`,
  ZeroStakes: () => "buy at least one stake",
  ExceedsRemaining: (a) => `asked for ${formatCount(a[0])} stakes but only ${formatCount(a[1])} remain: buy at most ${formatCount(a[1])}`,
  SellerCannotBuy: (a) => `the seller ${shortAddress(a[0])} cannot buy stakes of its own listing: use another account (--from)`,
  SettlementNotDue: (a) =>
    `settlement is not due before Time-Date A, ${when(a[0])} (${formatCount(a[1])} stakes held so far); try again after it`,
  RandomnessPending: (a) =>
    `the random word for VRF request ${a[0]} has not arrived yet: wait for the coordinator (locally: npm run keeper, or listing:settle --fulfil)`,
  RandomnessArrived: (a) => `the random word for request ${a[0]} already arrived: finalize the listing instead (listing:finalize)`,
  DrawNotExpired: (a) => `the draw may only be expired after ${when(a[0])}`,
  WrongHint: (a) => `purchase #${a[0]} does not hold the winning stake #${formatCount(a[1])}: finalize without a hint`,
  CancellationUnavailable: () => "stake cancellation is not available on this listing (it was created without a membership contract)",
  UnknownPurchase: (a) => `there is no purchase #${a[0]} on this listing`,
  PurchaseAlreadyCancelled: (a) => `purchase #${a[0]} is already cancelled`,
  NotLatestPurchase: (a) =>
    `purchase #${a[0]} is not this token's latest purchase here (#${a[1]} is): only the latest can be cancelled`,
  CancellationCapReached: (a) =>
    `this listing already has ${formatCount(a[0])} stakes cancelled against ${formatCount(a[1])} held: cancelling more would leave cancelled stakes outnumbering both the held stakes and T`,
  CancellationClosed: (a) => `cancellations closed at ${when(a[0])}, the cut-off before Time-Date A`,
  OrderNotCancellable: (a) =>
    `escrow order #${a[0]} is ${ORDER_STATUS[Number(a[1])] ?? a[1]}: only an order awaiting shipment can be cancelled alone (the parties can still agree to cancel, or dispute)`,
  CancellationWindowPassed: (a) =>
    `your tier's cancellation window for this purchase ended at ${when(a[0])} (membership:status shows your tier's window)`,
  NothingToRefund: (a) => `bid token #${a[0]} has nothing to refund on this listing (it never bought here, or was already refunded)`,
  NoStakes: (a) => `bid token #${a[0]} holds no stakes of this listing`,
  VoteUnchanged: (a) => `bid token #${a[0]} has no vote to change`,
  NotStalledYet: (a) =>
    `the listing may be failed as stalled only from ${when(a[0])} (Time-Date A or the draw's expiry, plus the settlement grace); until then settle, expire or wait for the token`,
  NothingToRecover: () => "nothing of this listing is left at the bid token or in the escrow: claim the refund directly (stake:refund)",
  MarkupUnavailable: (a) => `${shortAddress(a[0])} cannot take the markup (only the revenue vault, once, after settlement)`,
  // ---- Marketplace
  ModulesAlreadySet: () => "the marketplace's modules are already wired",
  InvalidModule: (a) => `${shortAddress(a[0])} is not a module of this marketplace`,
  ModulesNotSet: () => "the marketplace's modules are not wired yet: finish the deployment (setModules)",
  ZeroAddress: () => "an address is zero: give a real address",
  NotVerifiedSeller: (a) => `${shortAddress(a[0])} is not a verified seller: verify it first (seller:verify ${a[0]})`,
  NotApplicationSeller: (a) => `application #${a[0]} belongs to another seller than ${shortAddress(a[1])}`,
  WrongApplicationStatus: (a) => `application #${a[0]} is ${APPLICATION_STATUS[Number(a[1])] ?? a[1]}, not in the state this step needs`,
  TermsMismatch: () => "the terms differ from those the operator approved: accept exactly the approved terms",
  ZeroPrice: () => "price, stake price and number of stakes must all be above zero",
  StakesBelowPrice: (a, fmt) =>
    `the stakes would raise ${fmt(a[0])}, less than the price ${fmt(a[1])}: raise the stake price, the number of stakes or the threshold`,
  TooManyStakes: (a) => `${formatCount(a[0])} stakes is more than the ${formatCount(a[1])} a listing can number`,
  InvalidThreshold: (a) => `threshold ${formatCount(a[0])} must be between 1 and the number of stakes (${formatCount(a[1])})`,
  InvalidSchedule: (a) =>
    `the sale must open before Time-Date A and end in the future (opens ${when(a[0])}, Time-Date A ${when(a[1])})`,
  SaleTooLong: (a) => `a sale of ${formatDuration(a[0])} is too long: at most 366 days`,
  TermsForAnotherAsset: () => "the terms name another seller or deed than the application's",
  UnknownListing: (a) => `${shortAddress(a[0])} is not a listing of this marketplace`,
  RandomnessAlreadyRequested: (a) => `randomness for ${shortAddress(a[0])} was already requested (request ${a[1]}); it is never requested twice`,
  NoPendingRandomness: (a) => `${shortAddress(a[0])} has no pending randomness request`,
  VrfNotConfigured: () => "VRF is not configured on the marketplace: the admin must call setVrfConfig",
  DrawsInFlight: (a) => `${a[0]} draws still wait for their word: change VRF settings after they arrive`,
  InvalidVrfConfig: () => "these VRF settings cannot work (coordinator, key hash, subscription and gas limit must be set)",
  OnlyCoordinatorCanFulfill: (a) => `only the coordinator ${shortAddress(a[1])} may deliver random words, not ${shortAddress(a[0])}`,
  UnknownRequest: (a) => `the marketplace never made VRF request ${a[0]}`,
  SettlementGraceOutOfRange: (a) => `a settlement grace of ${formatDuration(a[0])} is outside 1 day … 30 days`,
  DrawTimeoutOutOfRange: (a) => `a draw timeout of ${formatDuration(a[0])} is outside 1 hour … 30 days`,
  UpkeepNotNeeded: (a) => `the upkeep's ${UPKEEP_ACTION[Number(a[1])] ?? a[1]} for ${shortAddress(a[0])} is no longer due (stale data; check again)`,
  NotSeriesModule: (a) => `${shortAddress(a[0])} is not the marketplace's series module`,
  // ---- ListingSeries
  EmptySeries: () => "a series needs at least one submitted asset",
  SeriesTooLong: (a) => `a series of ${a[0]} listings is too long: at most ${a[1]}`,
  ApplicationsNotAscending: (a) => `application ids must be strictly ascending (position ${a[0]} is not)`,
  ApplicationOfAnotherSeller: (a) => `application #${a[0]} belongs to ${shortAddress(a[1])}`,
  ApplicationNotOpen: (a) => `application #${a[0]} is ${APPLICATION_STATUS[Number(a[1])] ?? a[1]}: only pending or approved assets can form a series`,
  NotSeriesSeller: (a) => `series #${a[0]} is not ${shortAddress(a[1])}'s`,
  WrongSeriesStatus: (a) => `series #${a[0]} is ${SERIES_STATUS[Number(a[1])] ?? a[1]}, not in the state this step needs`,
  TemplateMismatch: () => "the template differs from the one the operator approved: accept exactly the approved template",
  GapTooLong: (a) => `a gap of ${formatDuration(a[0])} between listings is too long: at most ${formatDuration(a[1])}`,
  StartTooLate: (a) => `a series cannot start as late as ${when(a[0])}: at most ${when(a[1])}`,
  SeriesExhausted: (a) => `every one of the ${a[1]} listings of series #${a[0]} has opened`,
  PreviousListingRunning: (a) =>
    `series #${a[0]}'s listing ${shortAddress(a[1])} is still ${LISTING_STATUS[Number(a[2])] ?? a[2]}: the next opens once it ends`,
  ScheduleNotReached: (a) => `series #${a[0]}'s next listing may open from ${when(a[1])}`,
  SellerRevoked: (a) => `series #${a[0]} is stopped: its seller ${shortAddress(a[1])} is no longer verified`,
  MarketplacePaused: () => "the marketplace is paused: series deposits and openings wait until it resumes",
  // ---- BidToken, AssetDeed, DeliveryEscrow, RevenueVault
  OnlyMarketplace: (a) => `${shortAddress(a[0])} is not the marketplace`,
  NotAListing: (a) => `${shortAddress(a[0])} is not a listing of this marketplace`,
  SalesPaused: () => "purchases are paused by the marketplace's pauser; try again after it resumes sales",
  SupplyExhausted: (a) => `every bid token up to #${formatCount(a[0])} has been issued`,
  NotTokenHolder: (a) =>
    `${shortAddress(a[1])} neither owns bid token #${a[0]} nor is approved for it: use a token you own (--token) or none to be issued one`,
  // ---- BidToken: supply, credit, recycling
  NotOperator: (a) =>
    `${shortAddress(a[0])} lacks the marketplace's OPERATOR_ROLE: run with --from an account that holds it (the admin grants roles)`,
  NoTokenAvailable: (a) =>
    `no bid token left to issue: every released id up to #${formatCount(a[0])} is taken and the treasury is empty; the operator releases more (token:release) or idle tokens are recycled (token:recycle)`,
  ReleaseMustGrow: (a) =>
    `ids are already released up to #${formatCount(a[0])}: release a number above it, not #${formatCount(a[1])}`,
  BeyondMaxSupply: (a) => `#${formatCount(a[0])} is beyond the last bid token #${formatCount(a[1])}: use at most ${formatCount(a[1])}`,
  NotReservable: (a) =>
    `id #${formatCount(a[0])} cannot be reserved: it is 0, already issued or already reserved (check it with token:info ${a[0]})`,
  NotGrantable: (a) =>
    `id #${formatCount(a[0])} cannot be granted: it is not reserved (token:reserve ${a[0]} first) or was already granted`,
  ZeroInput: () => "an amount is zero or an address is the zero address: give a positive amount and a real address",
  TokenNotHeld: (a) =>
    `bid token #${a[0]} is not held by anyone (never issued, or in the treasury): credit can only be added to a held token`,
  TooManyOpenPositions: (a) =>
    `bid token #${a[0]} already has ${a[1]} open positions, the most a token can hold: buy with another token, or none to be issued one`,
  TooManyListings: () => "the bid token cannot number more listings",
  TreasuryOnlyByRecycling: () => "tokens enter the treasury only by recycling (token:recycle), never by a transfer or a grant",
  EmptyMetadata: () => "the asset needs a metadata URI and a content hash",
  NoOrderForListing: (a) => `${shortAddress(a[0])} has no escrow order`,
  OrderAlreadyOpened: (a) => `${shortAddress(a[0])} already opened escrow order #${a[1]}`,
  NotBuyer: (a) => `only the winner of order #${a[0]} can do this, and ${shortAddress(a[1])} is not the winner: use --from with the winner's account`,
  NotSeller: (a) => `only the seller of order #${a[0]} can do this, not ${shortAddress(a[1])}`,
  WrongOrderStatus: (a) => `escrow order #${a[0]} is ${ORDER_STATUS[Number(a[1])] ?? a[1]}, not in the state this step needs`,
  ShipByPassed: (a) => `order #${a[0]} had to ship by ${when(a[1])}`,
  ShipByNotPassed: (a) => `order #${a[0]} can be refunded as unshipped only after ${when(a[1])}`,
  InvalidOrder: () => "the order needs a buyer, a seller other than the buyer, an amount and a tracking hash",
  WindowOutOfRange: (a) => `${formatDuration(a[0])} is outside ${formatDuration(a[1])} … ${formatDuration(a[2])}`,
  NotSellerOrAgent: (a) => `only the seller of order #${a[0]} or a delivery agent it named can submit an authorization, not ${shortAddress(a[1])}`,
  NotAParty: (a) => `${shortAddress(a[1])} is neither the buyer nor the seller of order #${a[0]}`,
  NotAVoter: (a) => `${shortAddress(a[1])} is not the buyer, the seller or the arbiter of order #${a[0]}`,
  ConfirmWindowOpen: (a) => `order #${a[0]} can be released without the buyer only after ${when(a[1])}`,
  SuspensionNotOver: (a) => `suspended order #${a[0]} can be refunded only after ${when(a[1])}`,
  CodeTooShort: (a) => `a one-time code of ${a[0]} bytes is too short: use at least ${a[1]} random bytes (128 bits)`,
  NoCodeCommitted: (a) => `the buyer of order #${a[0]} committed no one-time code`,
  BalanceDue: (a, fmt) => `order #${a[0]} still has ${fmt(a[1])} due: the buyer pays the balance first`,
  AuthorizationExpired: (a) => `the authorization expired at ${when(a[0])}: ask the buyer for a new one`,
  InvalidAuthorization: (a) => `the signature is not the authorization of ${shortAddress(a[1])} for order #${a[0]}`,
  NotASettlementOrder: (a) => `order #${a[0]} is a direct order: only a settlement order's winner can take cash instead`,
  InvalidVote: (a) => `a dispute vote needs an outcome (release, refund or split) and a seller share of at most 10,000 bps, not ${a[1]}`,
  ReasonReserved: (a) => `reason code ${a[0]} is reserved for the escrow's own cancellations: use 16 or above`,
  MaxAttemptsOutOfRange: (a) => `${a[0]} failed attempts is outside 1 … 20`,
  NothingDue: (a) => `order #${a[0]} is paid in full already`,
  InvalidCodeHash: () => "the code's hash must not be zero",
  UpfrontShareOutOfRange: (a) => `an upfront share of ${a[0]} bps is outside 1 … 10,000, or rounds the deposit to nothing`,
  ShipWindowOutOfRange: (a) => `an offer's ship window of ${formatDuration(a[0])} must be positive and at most ${formatDuration(a[1])}`,
  OfferExpired: (a) => `the seller's offer expired at ${when(a[0])}: ask the seller for a new one`,
  OfferNotForCaller: (a) => `this offer is reserved for ${shortAddress(a[0])}, not ${shortAddress(a[1])}`,
  OfferNonceUsed: (a) => `offer #${a[1]} of seller ${shortAddress(a[0])} was already taken or cancelled: ask the seller for a new one`,
  InvalidOfferSignature: (a) =>
    `the signature is not ${shortAddress(a[0])}'s offer of these terms under its counter ${a[1]}: only an order the seller signed can be opened`,
  DirectFeeTooHigh: (a) => `a direct-order fee of ${a[0]} bps is above the ${a[1]} bps allowed`,
  AlreadyShipped: (a) => `order #${a[0]} was marked shipped: the cash option is closed once the asset is on its way`,
  CodeLocked: (a) => `order #${a[0]} is shipped: its one-time code can no longer be changed`,
  DisputeWindowClosed: (a) => `order #${a[0]} could be disputed only until ${when(a[1])}: its own clock now ends it`,
  NoArbiter: () => "no arbiter is set, so disputes are refused: the admin sets one first (a Safe on live networks)",
  DisputeNotExpired: (a) => `the arbiter has until ${when(a[1])} to decide order #${a[0]}; only then does its default outcome apply`,
  NoFailedReport: (a) => `no failed membership report ${String(a[0]).slice(0, 10)}… awaits replay (never failed, or already replayed)`,
  ReportReplayFailed: (a) => `membership report ${String(a[0]).slice(0, 10)}… failed again: send it with more gas`,
  NotMarketplace: (a) => `${shortAddress(a[0])} is not the marketplace: modules are wired only by setModules`,
  NoFees: () => "the escrow holds no platform fees to sweep",
  ModuleMismatch: (a) => `${shortAddress(a[0])} was built against ${shortAddress(a[2])}, not ${shortAddress(a[1])}: deploy the modules against each other`,
  ShipByOutOfRange: (a) => `the ship-by time ${when(a[0])} must be in the future and no later than ${when(a[1])}`,
  AmountTooLarge: (a, fmt) => `${fmt(a[0])} does not fit the escrow's books`,
  GasTooLowForReport: (a) => `the transaction left ${a[0]} gas for the membership report, which needs ${a[1]}: send it with a higher gas limit`,
  NotAContract: (a) => `${shortAddress(a[0])} is not a contract`,
  TransferAmountMismatch: (a, fmt) => `the token delivered ${fmt(a[1])} instead of ${fmt(a[0])}: fee-on-transfer tokens are not supported`,
  NothingToWithdraw: (a) => `${shortAddress(a[0])} has nothing to withdraw`,
  SharesMustSumTo10000: (a) => `revenue shares sum to ${a[0]} bps; they must sum to 10,000`,
  InvalidRecipient: (a) => `revenue recipient #${a[0]} is zero, has a zero share or is repeated`,
  RecipientCount: (a) => `${a[0]} revenue recipients is not allowed`,
  NoRecipients: () => "the revenue vault has no recipients yet: the admin must set them",
  // ---- Membership: configuration, registration, unilateral cancellation, rewards
  ConditionOutOfRange: (a) => `condition #${a[0]} is outside 0 … 31, unset, or required by a tier while unset: set the condition first`,
  TierOutOfRange: (a) => `tier #${a[0]} is outside the tiers: tiers are added in order (at most 16), the next new one right after the last`,
  DuplicatePriority: (a) => `priority ${a[0]} is already tier #${a[1]}'s: every tier needs its own priority`,
  BpsTooHigh: (a) => `${formatCount(a[0])} bps is more than 10,000 (100%)`,
  ThresholdTooLarge: (a) => `a condition threshold of ${formatCount(a[0])} does not fit (at most 16,777,215)`,
  DefaultTierHasConditions: () => "tier 0 is the default tier: it cannot require conditions",
  NotAReporter: (a) => `${shortAddress(a[0])} is not the escrow or a listing, which alone report orders and cancellations`,
  CutoffTooLong: (a) => `a stake-cancellation cut-off of ${formatDuration(a[0])} is too long: at most 30 days`,
  AlreadyRegistered: (a) => `${shortAddress(a[0])} is already registered`,
  HelpfulnessOutOfRange: (a) => `a helpfulness of ${a[0]} is outside 0 … 100`,
  ReasonOutOfRange: (a) => `reason code ${a[0]} is reserved: configurable reasons start at 16`,
  UnknownReason: (a) => `reason code ${a[0]} is not enabled for cancellations: pick an enabled reason (membership:status) or ask the admin`,
  ReasonBlamesOtherParty: (a) => `reason ${a[0]} charges ${PARTY[Number(a[1])] ?? a[1]} (the party it blames), not the party asking: pick a reason that charges you`,
  CancelWindowClosed: (a) => `order #${a[0]}'s cancellation window for your tier closed at ${when(a[1])}: ask the other party to agree, or open a dispute`,
  NothingToClaim: (a) => `${shortAddress(a[0])} has no rewards to claim`,
  RewardPoolShort: (a, fmt) => `the reward pool holds ${fmt(a[1])} but the claim needs ${fmt(a[0])}: try again once it is funded`,
  CreditTokenNotHeld: (a) => `the refund goes as credit to bid token #${a[0]}, which ${shortAddress(a[1])} does not hold: name a token the buyer holds`,
  DeedIdTooLarge: (a) => `deed #${a[0]} does not fit the escrow's books`,
  FeeTooHigh: (a) => `a fee of ${formatCount(a[0])} bps is more than 10,000 (100%)`,
  ZeroAmount: () => "the amount is zero: give a positive amount",
  // ---- OpenZeppelin internals of the deployed contracts (EIP-712 names, clones, roles, pause, ERC-20/721 input)
  InvalidShortString: () => "an EIP-712 name or version is not a valid short string",
  StringTooLong: (a) => `"${a[0]}" is too long for an EIP-712 name or version`,
  AccessControlBadConfirmation: () => "renouncing a role needs the caller's own address as confirmation",
  CloneArgumentsTooLong: () => "the listing's charter is too long to be stored in its clone",
  FailedDeployment: () => "the listing clone could not be deployed",
  InsufficientBalance: (a) => `the marketplace holds ${a[0]} wei but needs ${a[1]}`,
  ExpectedPause: () => "the marketplace is not paused, so it cannot be unpaused",
  ERC721InvalidApprover: (a) => `${shortAddress(a[0])} cannot approve for this deed`,
  ERC721InvalidOperator: (a) => `${shortAddress(a[0])} cannot be an operator`,
  ERC721InvalidOwner: (a) => `${shortAddress(a[0])} cannot own a deed`,
  ERC721InvalidReceiver: (a) => `${shortAddress(a[0])} cannot receive a deed (the zero address, or a contract that refuses ERC-721 tokens)`,
  ERC721InvalidSender: (a) => `${shortAddress(a[0])} cannot send this deed`,
  ERC20InvalidApprover: (a) => `${shortAddress(a[0])} cannot approve spending`,
  ERC20InvalidReceiver: (a) => `${shortAddress(a[0])} cannot receive tokens (the zero address)`,
  ERC20InvalidSender: (a) => `${shortAddress(a[0])} cannot send tokens (the zero address)`,
  ERC20InvalidSpender: (a) => `${shortAddress(a[0])} cannot be a spender (the zero address)`,
  ECDSAInvalidSignature: () => "the signature is invalid: sign again",
  ECDSAInvalidSignatureLength: (a) => `a signature of ${a[0]} bytes is not a signature (65 bytes expected)`,
  ECDSAInvalidSignatureS: () => "the signature is malleable (high s): sign again with a standard wallet",
  InvalidAccountNonce: (a) => `the permit's nonce is stale: ${shortAddress(a[0])}'s nonce is now ${a[1]}; sign a new permit`,
  // ---- OpenZeppelin and the token
  // Reason strings (Error(string)): Circle's USDC (and the USDC-like test token) reverts with these.
  Error: (a) => TOKEN_REASONS[String(a[0])] ?? `reverted: "${a[0]}"`,
  AccessControlUnauthorizedAccount: (a) =>
    `${shortAddress(a[0])} lacks the ${role(a[1])}: run with --from an account that holds it (the admin grants roles)`,
  EnforcedPause: () => "the marketplace is paused: listing creation and purchases resume when the pauser unpauses",
  ERC20InsufficientAllowance: (a, fmt) =>
    `insufficient allowance: ${shortAddress(a[0])} may spend ${fmt(a[1])} but needs ${fmt(a[2])}: approve it first (stake:buy --approve) or pay with a permit (--permit)`,
  ERC20InsufficientBalance: (a, fmt) => `${shortAddress(a[0])} holds ${fmt(a[1])} but needs ${fmt(a[2])}: fund the wallet first`,
  ERC2612ExpiredSignature: (a) => `the permit expired at ${when(a[0])}: sign a new one`,
  ERC2612InvalidSigner: (a) => `the permit was signed by ${shortAddress(a[0])}, not by the owner ${shortAddress(a[1])}`,
  SafeERC20FailedOperation: (a) => `the payment token ${shortAddress(a[0])} refused the transfer`,
  ReentrancyGuardReentrantCall: () => "re-entrant call refused",
  ERC721NonexistentToken: (a) => `bid token #${a[0]} does not exist`,
  ERC721InsufficientApproval: (a) => `${shortAddress(a[0])} is not approved for token #${a[1]}`,
  ERC721IncorrectOwner: (a) => `${shortAddress(a[0])} does not own token #${a[1]}`,
  // Solady's ERC-721 (the bid token) reverts without arguments.
  TokenDoesNotExist: () => "that bid token does not exist (never issued): check the id with token:info",
  NotOwnerNorApproved: () => "the account neither owns that bid token nor is approved for it",
  TransferFromIncorrectOwner: () => "the token is not owned by the account it is sent from",
  TransferToZeroAddress: () => "a token cannot be sent to the zero address",
  TokenAlreadyExists: () => "that token id already exists",
  TransferToNonERC721ReceiverImplementer: () => "the recipient is a contract that does not accept ERC-721 tokens",
  AccountBalanceOverflow: () => "the recipient holds too many bid tokens to receive another",
  BalanceQueryForZeroAddress: () => "the zero address holds no tokens: give a real address",
};

/** The one-line sentence for a custom error by name and arguments (falls back to its name and arguments). */
export function describeError(name: string, args: ErrorArgs, fmt: AmountFormatter = formatUnitsPlain): string {
  const sentence = SENTENCES[name];
  if (sentence) return sentence(args, fmt);
  return `reverted with ${name}(${Array.from(args, (a) => String(a)).join(", ")})`;
}
