/** A member's tier, policy, what the next tier needs, and reward credit — read from Membership on chain. */
import { useQuery } from "@tanstack/react-query";
import { useConfig } from "wagmi";
import { readContract } from "wagmi/actions";
import type { Address } from "viem";
import { CONDITION_KINDS } from "../../../core/enums";
import { formatCount } from "../../../core/format";
import { ABI } from "../lib/abis";
import { useDeployment } from "./useDeployment";

interface Policy {
  cancelWindow: number;
  refundMode: number;
  feeBps: number;
  rewardBps: number;
}

export function useMembership(member: Address | undefined) {
  const config = useConfig();
  const { data: deployment } = useDeployment();
  return useQuery({
    queryKey: ["membership", member, deployment?.membership],
    enabled: !!member && !!deployment?.membership,
    queryFn: async () => {
      const membership = deployment!.membership;
      const read = (functionName: string, args: unknown[]) => readContract(config, { address: membership, abi: ABI.membership, functionName, args } as never) as Promise<unknown>;
      const [status, policy, rewards] = (await Promise.all([read("status", [member]), read("policyOf", [member]), read("claimableRewards", [member])])) as [
        [bigint, bigint, bigint, bigint],
        Policy,
        bigint,
      ];
      const [tier, , nextTier, missing] = status;
      const needs: string[] = [];
      for (let i = 0n; missing >> i > 0n; i++) {
        if (((missing >> i) & 1n) === 0n) continue;
        const c = (await read("condition", [i])) as { kind: number; threshold: bigint };
        needs.push(Number(c.kind) === 6 ? "being registered" : `${CONDITION_KINDS[Number(c.kind)] ?? `condition ${c.kind}`} ${formatCount(c.threshold)}`);
      }
      return { tier, nextTier, needs, policy, rewards };
    },
  });
}
