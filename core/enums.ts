/** The contracts' enums by index, as people read them, and the recycling skip reasons as sentences. */

export const LISTING_STATUS = ["Open", "Drawing", "Settled", "Failed", "Dissolved"] as const;
export const FAILURE_REASON = [
  "threshold not met",
  "seller revoked",
  "randomness timed out",
  "randomness unavailable",
  "stalled: a transfer its settlement needed kept reverting past the grace period",
] as const;
export const APPLICATION_STATUS = ["None", "Pending", "Approved", "Rejected", "Listed"] as const;
export const ORDER_STATUS = [
  "None",
  "AwaitingDraw",
  "AwaitingShipment",
  "Shipped",
  "Released",
  "Refunded",
  "Voided",
  "Disputed",
  "Suspended",
  "Split",
  "CashedOut",
] as const;
/** What an order's `dueAt` means in each status that has a clock (IDeliveryEscrow.Order). */
export const ORDER_DUE_AT: Partial<Record<(typeof ORDER_STATUS)[number], string>> = {
  AwaitingShipment: "ship by",
  Shipped: "confirm by",
  Disputed: "arbiter decides by",
  Suspended: "refundable from",
};
export const UPKEEP_ACTION = ["None", "Settle", "Finalize", "Expire", "Retire", "OpenSeries"] as const;
export const SERIES_STATUS = ["None", "Proposed", "Approved", "Active", "Completed", "Cancelled"] as const;
/** IMembership.ConditionKind, RefundMode and IMembershipHooks.Party by index, as the contracts name them. */
export const CONDITION_KIND = [
  "Unset",
  "MinCompleted",
  "MaxCancellationRateBps",
  "MinCancellationRateBps",
  "MinRecentSales",
  "MinHelpfulReviews",
  "Registered",
  "MinOrders",
  "MaxStakeCancellations",
] as const;
export const REFUND_MODE = ["Wallet", "Credit", "WalletMinusFee"] as const;
export const PARTY = ["None", "Buyer", "Seller", "Both"] as const;
/** IBidToken.SkipReason, by index: why `recycle` leaves a token where it is. */
export const SKIP_REASON = ["None", "NotIssued", "InTreasury", "HasCredit", "OpenPosition", "Vanity"] as const;

/** Why a bid token is not recyclable, as a sentence (SkipReason by index; None means it is recyclable). */
export function skipSentence(reason: bigint | number): string {
  return (
    [
      "recyclable now: no credit and no open position",
      "never issued",
      "already in the treasury, waiting to be issued again",
      "it holds credit (keeping credit keeps the number)",
      "it has an open position: stakes in an Open or Drawing listing, or a refund not yet claimed",
      "it is a vanity id granted by the operator: never recycled",
    ][Number(reason)] ?? `skip reason ${reason}`
  );
}

/** IMembership.ConditionKind, by index, as the start of a sentence ("completed orders ≥ 5"). */
export const CONDITION_KINDS = [
  "unset",
  "completed orders ≥",
  "cancellation rate (bps) ≤",
  "cancellation rate (bps) ≥",
  "sales in 10 days ≥",
  "helpful reviews ≥",
  "registered",
  "orders ≥",
  "stake cancellations ≤",
] as const;
/** IMembership.RefundMode, by index: where a cancellation's refund goes. */
export const REFUND_MODES = ["to the wallet", "as bid-token credit", "to the wallet minus a fee"] as const;
