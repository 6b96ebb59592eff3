/** The contracts' ABIs, from the compiled artifacts at build time (see vite.config.ts `virtual:abis`). */
import abis from "virtual:abis";

export const ABI = {
  ...abis,
  // Calls carry every contract's errors, so viem decodes a revert wherever it comes from (a listing reverting with
  // the token's ERC20InsufficientBalance, say).
  listing: [...abis.listing, ...abis.errors],
  marketplace: [...abis.marketplace, ...abis.errors],
  bidToken: [...abis.bidToken, ...abis.errors],
  escrow: [...abis.escrow, ...abis.errors],
  membership: [...abis.membership, ...abis.errors],
  erc20: [...abis.erc20, ...abis.errors],
};
