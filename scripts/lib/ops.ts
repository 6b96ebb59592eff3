/**
 * The operations behind the tasks, the flow scripts, the keeper and the demo, by domain (each checks its preconditions
 * first, sends the transactions, prints what happened in human units and returns the facts a caller may chain on).
 * This index re-exports them for callers that want them all.
 */
export * from "./tx.js";
export * from "./listing.js";
export * from "./stakes.js";
export * from "./membership.js";
export * from "./bid-tokens.js";
export * from "./escrow.js";
export * from "./keeper.js";
