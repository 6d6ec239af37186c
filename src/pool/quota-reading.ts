import { RATE_LIMIT_FACTS } from "./rate-limit-facts.ts";

/** One quota window an account reported: how much of it is spent and when it reopens. */
export interface QuotaWindow {
  /** "5h", "7d", "7d_opus", ... (Codex windows are named from their length). */
  name: string;
  /** Spent fraction, 0..1 (above 1 when over). */
  utilization: number;
  /** Epoch ms; undefined when not reported. */
  resets_at?: number;
  status?: string;
}

/** What one upstream answer said about its account's quota. */
export interface QuotaReading {
  windows: QuotaWindow[];
  /** The service's own verdict, when it sends one ("allowed", "allowed_warning", "rejected"). */
  status?: string;
  /** Epoch ms until which the account is out of quota; set only when the answer says it is limited. */
  limited_until?: number;
  /** Why, for status and logs: "5h window", "usage_limit_reached", ... */
  cause?: string;
}

const { anthropic, codex } = RATE_LIMIT_FACTS;

const epochMs = (raw: string | null | undefined): number | undefined => {
  const n = Number(raw);
  return raw && Number.isFinite(n) && n > 0 ? n * 1000 : undefined;
};

function anthropicReading(headers: Headers): QuotaReading | undefined {
  const status = headers.get(anthropic.status) ?? undefined;
  const byName = new Map<string, QuotaWindow>();
  const metered = new Set<string>();
  headers.forEach((value, key) => {
    const m = anthropic.windowHeader.exec(key);
    if (!m) return;
    const w = byName.get(m[1]!) ?? { name: m[1]!, utilization: 0 };
    if (m[2] === "utilization") {
      w.utilization = Number(value) || 0;
      metered.add(w.name);
    } else if (m[2] === "reset") w.resets_at = epochMs(value);
    else w.status = value;
    byName.set(w.name, w);
  });
  // Only a name with a utilization is a window: `overage-status` / `overage-reset` are not one.
  const windows = [...byName.values()].filter((w) => metered.has(w.name));
  if (status === undefined && windows.length === 0) return undefined;
  const reading: QuotaReading = { windows, status };
  if (status !== anthropic.rejected) return reading;
  // AND-composed windows: the account reopens when the last rejected one does.
  const rejected = windows.filter((w) => w.status === anthropic.rejected && w.resets_at);
  const latest = rejected.reduce<QuotaWindow | undefined>(
    (a, w) => (!a || w.resets_at! > a.resets_at! ? w : a),
    undefined,
  );
  const claim = headers.get(anthropic.representativeClaim);
  reading.limited_until = latest?.resets_at ?? epochMs(headers.get(anthropic.reset));
  reading.cause = latest ? `${latest.name} window` : claim ? `${claim} window` : "quota";
  return reading;
}

function windowName(minutes: number | undefined, slot: string): string {
  if (!minutes) return slot;
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

function codexWindows(headers: Headers, now: number): QuotaWindow[] {
  const slots = new Map<string, Record<string, string>>();
  headers.forEach((value, key) => {
    const m = codex.windowHeader.exec(key);
    if (!m || value === "") return;
    slots.set(m[1]!, { ...slots.get(m[1]!), [m[2]!]: value });
  });
  return [...slots].map(([slot, f]) => {
    const after = Number(f["reset-after-seconds"]);
    const resets_at =
      epochMs(f["reset-at"]) ?? (Number.isFinite(after) && f["reset-after-seconds"] ? now + after * 1000 : undefined);
    const name = windowName(Number(f["window-minutes"]) || undefined, slot);
    return { name, utilization: (Number(f["used-percent"]) || 0) / 100, resets_at };
  });
}

/** `usage_limit_reached` in a Codex error body: when the account reopens. */
function usageLimitUntil(body: string | undefined, now: number): number | undefined {
  if (!body?.includes(codex.usageLimitType)) return undefined;
  try {
    const error = (JSON.parse(body) as { error?: { type?: string; resets_at?: number; resets_in_seconds?: number } })
      .error;
    if (error?.type !== codex.usageLimitType) return undefined;
    if (typeof error.resets_at === "number" && error.resets_at > 0) return error.resets_at * 1000;
    if (typeof error.resets_in_seconds === "number") return now + error.resets_in_seconds * 1000;
  } catch {
    return undefined;
  }
  return undefined;
}

function codexReading(
  headers: Headers,
  status: number,
  body: string | undefined,
  now: number,
): QuotaReading | undefined {
  const windows = codexWindows(headers, now);
  const until = status === 429 ? usageLimitUntil(body, now) : undefined;
  if (windows.length === 0 && until === undefined) return undefined;
  const reading: QuotaReading = { windows };
  if (until !== undefined) {
    reading.limited_until = Math.max(until, ...windows.filter((w) => w.utilization >= 1).map((w) => w.resets_at ?? 0));
    reading.cause = codex.usageLimitType;
    reading.status = "rejected";
  }
  return reading;
}

/**
 * Reads an upstream answer's quota: Anthropic's unified headers, Codex's usage headers and its
 * `usage_limit_reached` body. Undefined when the answer says nothing about quota.
 */
export function readQuota(
  headers: Headers,
  status: number,
  body: string | undefined,
  now: number,
): QuotaReading | undefined {
  return anthropicReading(headers) ?? codexReading(headers, status, body, now);
}

/** The fullest window that has not reset yet: what `least-used` and shedding act on (0 when unknown). */
export function tightest(windows: QuotaWindow[], now: number): QuotaWindow | undefined {
  return windows
    .filter((w) => w.resets_at === undefined || w.resets_at > now)
    .reduce<QuotaWindow | undefined>((a, w) => (!a || w.utilization > a.utilization ? w : a), undefined);
}
