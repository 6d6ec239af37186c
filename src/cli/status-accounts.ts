import type { AccountStatus } from "../pool/account-status.ts";

const hhmm = (iso: string) => {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
};

function stateText(a: AccountStatus): string {
  if (a.state === "limited" || a.state === "cooling")
    return `${a.state} until ${a.until ? hhmm(a.until) : "?"}${a.reason ? ` (${a.reason})` : ""}`;
  return a.state;
}

/** `ccmux status` lines for one provider's pool accounts, from /api/status. */
export function accountLines(provider: unknown): string[] {
  const accounts = (provider as { accounts?: AccountStatus[] } | null)?.accounts;
  if (!Array.isArray(accounts)) return [];
  return accounts.map((a) => {
    const windows = a.windows.map(
      (w) => `${w.name} ${Math.round(w.utilization * 100)}%${w.resets_at ? ` (resets ${hhmm(w.resets_at)})` : ""}`,
    );
    const today = `${a.requests_today} req, ${a.input_tokens_today} in / ${a.output_tokens_today} out today`;
    return `    ${a.name}: ${[stateText(a), ...windows, today, `${a.sessions} sessions`].join("; ")}`;
  });
}
