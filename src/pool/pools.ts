import type { ProviderConfig } from "../config/types.ts";
import { healthKey } from "../providers/health.ts";
import {
  admitQuota,
  countRequest,
  freshState,
  observeQuota,
  parkedUntil,
  utilization,
  type AccountState,
  type QuotaAdmission,
} from "./account-state.ts";
import { SessionAffinity } from "./affinity.ts";
import type { QuotaReading } from "./quota-reading.ts";

/**
 * Per-server account pool state: quota windows and parks, today's counters, round-robin scores
 * and session bindings. Built once by `serve` beside provider health, so it outlives a config
 * reload; `sync` forgets accounts that left the config.
 */
export class AccountPools {
  readonly affinity = new SessionAffinity();
  /** Smooth weighted round-robin scores by account key. */
  readonly scores = new Map<string, number>();
  private readonly states = new Map<string, AccountState>();

  constructor(readonly now: () => number = Date.now) {}

  state(key: string): AccountState {
    let s = this.states.get(key);
    if (!s) this.states.set(key, (s = freshState(this.now())));
    return s;
  }

  peek(key: string): AccountState | undefined {
    return this.states.get(key);
  }

  /** Takes the one probe slot when a park has just ended. */
  admit(key: string): QuotaAdmission {
    return admitQuota(this.states.get(key), this.now(), true);
  }

  parkedUntil(key: string): number {
    return parkedUntil(this.states.get(key), this.now());
  }

  utilization(key: string): number {
    return utilization(this.states.get(key), this.now());
  }

  /** An answer came back (any status): its quota headers update the account, a limited one parks it. */
  observe(key: string, reading: QuotaReading | undefined): void {
    observeQuota(this.state(key), reading, this.now());
  }

  /** Parks an account (or provider) for `ms` on ccmux's own say (an error rule); returns until when. */
  park(key: string, ms: number, cause: string): number {
    const s = this.state(key);
    Object.assign(s, { limited_until: this.now() + ms, cause, probing: false });
    return s.limited_until;
  }

  /** A probe ended without a verdict (the client left, or the upstream failed in a way health handles). */
  release(key: string): void {
    const s = this.states.get(key);
    if (s) s.probing = false;
  }

  counted(key: string, tokens?: { input?: number; output?: number }): void {
    countRequest(this.state(key), this.now(), tokens);
  }

  sync(providers: ProviderConfig[]): void {
    const live = new Set(providers.flatMap((p) => (p.accounts ?? []).map((a) => healthKey(p.name, a.name))));
    for (const key of [...this.states.keys(), ...this.scores.keys()]) {
      if (live.has(key)) continue;
      this.states.delete(key);
      this.scores.delete(key);
    }
    const pooled = new Set(providers.filter((p) => p.accounts).map((p) => p.name));
    for (const p of providers) if (!pooled.has(p.name)) this.affinity.forget(p.name);
  }

  reset(): void {
    this.states.clear();
    this.scores.clear();
    this.affinity.clear();
  }
}

export function createAccountPools(now?: () => number): AccountPools {
  return new AccountPools(now);
}
