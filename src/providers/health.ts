import type { HealthConfig, ProviderConfig } from "../config/types.ts";
import { AuthError, CcmuxError, ClientAbort, ConfigError, RequestError, UpstreamError } from "../util/errors.ts";
import { redact } from "../util/log.ts";
import { DEFAULT_HEALTH } from "../config/schema.ts";

export type HealthState = "healthy" | "cooldown" | "half-open";

/** Health is kept per account; while a provider has one account, its key is the provider name. */
export function healthKey(provider: string, account?: string): string {
  return account ? `${provider}#${account}` : provider;
}

export type Admission = { ok: true; probe: boolean } | { ok: false; reason: string; until: number };

export interface HealthSnapshot {
  state: HealthState;
  consecutive_failures: number;
  cooldown_until: string | null;
  last_error: string | null;
  last_error_at: string | null;
}

interface Entry {
  failures: number;
  /** Cooldowns opened since the last success; each one doubles the next. */
  opens: number;
  /** Epoch ms when the cooldown ends; 0 when closed. */
  until: number;
  probing: boolean;
  cause: string;
  lastError?: string;
  lastErrorAt?: number;
}

/**
 * Provider health as a circuit breaker. Consecutive retryable failures (or one 429/529 with
 * retry-after) open a cooldown during which failover skips the provider; when it ends the
 * provider is half-open and exactly one request is let through as a probe: success closes the
 * circuit, failure re-opens it for twice as long (capped). Built once per server, so it
 * survives hot reload; `sync` forgets providers that were removed or changed.
 */
export interface ProviderHealth {
  admit(key: string): Admission;
  succeeded(key: string): void;
  /** `probe` is the admission's flag: only a probe's failure lengthens the cooldown. */
  failed(key: string, err: unknown, probe: boolean): void;
  /** A probe that ended without a verdict (the client went away). */
  released(key: string): void;
  snapshot(key: string): HealthSnapshot;
  sync(providers: ProviderConfig[], settings?: HealthConfig): void;
  reset(): void;
}

/** Whether an error says something about the provider (not the client, not our config). */
export function countsAgainstProvider(err: unknown): boolean {
  if (
    err instanceof ClientAbort ||
    err instanceof RequestError ||
    err instanceof AuthError ||
    err instanceof ConfigError
  )
    return false;
  if (err instanceof UpstreamError) return err.retryable;
  return true;
}

function causeOf(err: unknown): string {
  if (err instanceof CcmuxError) return String(err.status);
  return err instanceof Error ? err.name : "error";
}

function seconds(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))} s`;
}

const FRESH = (): Entry => ({ failures: 0, opens: 0, until: 0, probing: false, cause: "" });

class HealthTable implements ProviderHealth {
  private readonly entries = new Map<string, Entry>();
  /** Each provider's config as last synced, to notice a changed provider. */
  private readonly fingerprints = new Map<string, string>();

  constructor(
    private cfg: HealthConfig,
    private readonly now: () => number,
  ) {}

  admit(key: string): Admission {
    const e = this.entries.get(key);
    if (!e || e.until === 0) return { ok: true, probe: false };
    const left = e.until - this.now();
    if (left > 0) return { ok: false, reason: `cooling down for ${seconds(left)} after ${e.cause}`, until: e.until };
    if (e.probing) return { ok: false, reason: "half-open, a probe request is in flight", until: e.until };
    e.probing = true;
    return { ok: true, probe: true };
  }

  succeeded(key: string): void {
    const e = this.entries.get(key);
    if (e) Object.assign(e, { ...FRESH(), lastError: e.lastError, lastErrorAt: e.lastErrorAt });
  }

  failed(key: string, err: unknown, probe: boolean): void {
    if (!countsAgainstProvider(err)) return this.released(key);
    const e = this.entry(key);
    e.failures++;
    e.lastError = redact(err instanceof Error ? err.message : String(err));
    e.lastErrorAt = this.now();
    const retryAfter =
      err instanceof UpstreamError && (err.status === 429 || err.status === 529) ? err.retryAfter : undefined;
    if (retryAfter !== undefined && retryAfter > 0) {
      this.open(e, Math.min(retryAfter * 1000, this.cfg.max_cooldown_ms), causeOf(err));
    } else if (probe || (e.until === 0 && e.failures >= this.cfg.failure_threshold)) {
      const cause = probe
        ? `failed probe (${causeOf(err)})`
        : `${e.failures} consecutive failures (last: ${causeOf(err)})`;
      this.open(e, this.backoff(e.opens + 1), cause);
    }
  }

  released(key: string): void {
    const e = this.entries.get(key);
    if (e) e.probing = false;
  }

  snapshot(key: string): HealthSnapshot {
    const e = this.entries.get(key);
    const state: HealthState = !e || e.until === 0 ? "healthy" : e.until > this.now() ? "cooldown" : "half-open";
    return {
      state,
      consecutive_failures: e?.failures ?? 0,
      cooldown_until: e && e.until > 0 ? new Date(e.until).toISOString() : null,
      last_error: e?.lastError ?? null,
      last_error_at: e?.lastErrorAt ? new Date(e.lastErrorAt).toISOString() : null,
    };
  }

  sync(providers: ProviderConfig[], settings?: HealthConfig): void {
    if (settings) this.cfg = settings;
    const current = new Map(providers.map((p) => [p.name, JSON.stringify(p)]));
    for (const key of this.entries.keys()) {
      const name = key.split("#")[0]!;
      if (!current.has(name) || current.get(name) !== this.fingerprints.get(name)) this.entries.delete(key);
    }
    this.fingerprints.clear();
    for (const [name, print] of current) this.fingerprints.set(name, print);
  }

  reset(): void {
    this.entries.clear();
  }

  private entry(key: string): Entry {
    let e = this.entries.get(key);
    if (!e) this.entries.set(key, (e = FRESH()));
    return e;
  }

  /** Each cooldown opened since the last success doubles the next, up to the cap. */
  private backoff(opens: number): number {
    return Math.min(this.cfg.cooldown_ms * 2 ** Math.max(0, opens - 1), this.cfg.max_cooldown_ms);
  }

  private open(e: Entry, ms: number, cause: string): void {
    e.opens++;
    e.until = this.now() + ms;
    e.probing = false;
    e.cause = cause;
  }
}

export function createProviderHealth(
  settings: HealthConfig = DEFAULT_HEALTH,
  now: () => number = Date.now,
): ProviderHealth {
  return new HealthTable(settings, now);
}
