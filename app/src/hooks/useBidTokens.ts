/** The connected wallet's bid tokens (from the account API) and which one a purchase uses by default. */
import { useConnection } from "wagmi";
import { useAccountView } from "./useCatalog";

export function useBidTokens() {
  const { address } = useConnection();
  const account = useAccountView(address);
  const tokens = (account.data?.tokens ?? []).map((t) => ({ tokenId: BigInt(t.tokenId), credit: BigInt(t.credit), positions: t.positions }));
  // Keeping one number is the point of a bid token: the default is the one with the most credit, else the first.
  const preferred = [...tokens].sort((a, b) => (b.credit > a.credit ? 1 : b.credit < a.credit ? -1 : 0))[0];
  return { tokens, preferred, isLoading: account.isLoading };
}
