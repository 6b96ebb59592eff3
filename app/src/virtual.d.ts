declare module "virtual:abis" {
  import type { Abi } from "viem";
  const abis: {
    listing: Abi;
    marketplace: Abi;
    bidToken: Abi;
    escrow: Abi;
    membership: Abi;
    erc20: Abi;
    coordinator: Abi;
    errors: Abi;
  };
  export default abis;
}
