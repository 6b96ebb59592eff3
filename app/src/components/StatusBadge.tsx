/** What a buyer reads for each listing status: "Settled" means the draw named a winner. */
export const STATUS_LABEL: Record<string, string> = { Open: "Open", Drawing: "Drawing", Settled: "Won", Failed: "Failed", Dissolved: "Dissolved" };

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status.toLowerCase()}`} data-status={status}>{STATUS_LABEL[status] ?? status}</span>;
}
