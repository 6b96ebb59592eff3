/** An escrow order as the chain holds it, and what the connected wallet may do with it. */
import { useConnection, useReadContract } from "wagmi";
import type { Address, Hex } from "viem";
import { ORDER_STATUS } from "../../../core/enums";
import { ABI } from "../lib/abis";
import { useDeployment } from "./useDeployment";

export interface Order {
  buyer: Address;
  status: number;
  /** When the current status's time runs out (ORDER_DUE_AT names it per status). */
  dueAt: number;
  nonce: number;
  seller: Address;
  amount: bigint;
  listing: Address;
  paid: bigint;
  deedId: bigint;
  trackingHash: Hex;
}

export function useOrder(orderId: bigint | undefined) {
  const { data: deployment } = useDeployment();
  const { address } = useConnection();
  const read = useReadContract({
    address: deployment?.escrow,
    abi: ABI.escrow,
    functionName: "order",
    args: [orderId ?? 0n],
    query: { enabled: !!deployment && !!orderId, refetchInterval: 4_000 },
  });
  const order = read.data as unknown as Order | undefined;
  const me = address?.toLowerCase();
  return {
    ...read,
    order,
    statusName: order ? ORDER_STATUS[order.status] : undefined,
    isBuyer: !!order && order.buyer.toLowerCase() === me,
    isSeller: !!order && order.seller.toLowerCase() === me,
  };
}

/** What the escrow owes an account (released payments, refunds), withdrawn by pull. */
export function useOwed(account: Address | undefined) {
  const { data: deployment } = useDeployment();
  return useReadContract({
    address: deployment?.escrow,
    abi: ABI.escrow,
    functionName: "owedTo",
    args: [account ?? "0x0000000000000000000000000000000000000000"],
    query: { enabled: !!deployment && !!account },
  });
}
