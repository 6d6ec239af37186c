import { tightest, type QuotaReading, type QuotaWindow } from "./quota-reading.ts";

/** What ccmux knows about one account of a pool, kept per server so it outlives a config reload. */
export interface AccountState {
  windows: QuotaWindow[];
  /** The service's last verdict ("allowed", "allowed_warning", "rejected"). */
  status?: string;
  /** Epoch ms until which the account is out of quota; 0 when it is not. */
  limited_until: number;
  cause: string;
  /** A probe is in flight after a quota park ended: nothing else is sent until it answers. */
  probing: boolean;
  observed_at?: number;
  /** Local calendar day the counters below belong to. */
  day: string;
  requests: number;
  input_tokens: number;
  output_tokens: number;
}

export type QuotaAdmission = { ok: true; probe: boolean } | { ok: false; reason: string; until: number };

export const localDay = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};

export const freshState = (now: number): AccountState => ({
  windows: [],
  limited_until: 0,
  cause: "",
  probing: false,
  day: localDay(now),
  requests: 0,
  input_tokens: 0,
  output_tokens: 0,
});

/** Until when, by the clock, an account is parked; 0 once its park has ended (a probe may go). */
export function parkedUntil(s: AccountState | undefined, now: number): number {
  return s && s.limited_until > now ? s.limited_until : 0;
}

/** Whether a request may go to this account now, by its quota. Only a park's end lets one probe through. */
export function admitQuota(s: AccountState | undefined, now: number, take: boolean): QuotaAdmission {
  if (!s || s.limited_until === 0) return { ok: true, probe: false };
  if (s.limited_until > now)
    return {
      ok: false,
      reason: `limited (${s.cause}) until ${new Date(s.limited_until).toISOString()}`,
      until: s.limited_until,
    };
  if (s.probing) return { ok: false, reason: "quota park ended; a probe request is in flight", until: s.limited_until };
  if (take) s.probing = true;
  return { ok: true, probe: true };
}

/** Records an answer's quota reading; a limited one parks the account until its reset. */
export function observeQuota(s: AccountState, reading: QuotaReading | undefined, now: number): void {
  s.probing = false;
  if (!reading) {
    s.limited_until = 0;
    return;
  }
  s.windows = reading.windows;
  s.status = reading.status;
  s.observed_at = now;
  const until = reading.limited_until;
  if (until !== undefined && until > now) {
    s.limited_until = until;
    s.cause = reading.cause ?? "quota";
  } else s.limited_until = 0;
}

/** Spent fraction of the tightest live window; 0 when nothing is known. */
export function utilization(s: AccountState | undefined, now: number): number {
  return s ? (tightest(s.windows, now)?.utilization ?? 0) : 0;
}

export function countRequest(s: AccountState, now: number, tokens?: { input?: number; output?: number }): void {
  const day = localDay(now);
  if (s.day !== day) Object.assign(s, { day, requests: 0, input_tokens: 0, output_tokens: 0 });
  if (!tokens) {
    s.requests++;
    return;
  }
  s.input_tokens += tokens.input ?? 0;
  s.output_tokens += tokens.output ?? 0;
}
