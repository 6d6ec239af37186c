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
import type { PoolSnapshot, PoolStore } from "./pool-store.ts";

const SAVE_DELAY_MS = 1000;

/**
 * Per-server account pool state: quota windows and parks, today's counters, round-robin scores
 * and session bindings. Built once by `serve` beside provider health, so it outlives a config
 * reload; `sync` forgets accounts that left the config.
 */
export class AccountPools {
  readonly affinity = new SessionAffinity();
  /** Smooth weighted round-robin scores by account key. */
  readonly scores = new Map<string, number>();
  private readonly states = new Map<string, AccountState & { updated_at?: number }>();
  /** Probe locks this process holds in the store. */
  private readonly claimed = new Set<string>();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Requests waiting for the verdict of a probe in flight, by account key. */
  private readonly probeWaiters = new Map<string, (() => void)[]>();

  constructor(
    readonly now: () => number = Date.now,
    private readonly store?: PoolStore,
  ) {}

  /** Restores what a previous run (or another process) left in the store. */
  async load(): Promise<void> {
    if (!this.store) return;
    const snap = await this.store.read(this.now());
    for (const [key, s] of Object.entries(snap.accounts)) this.states.set(key, { ...s, probing: false });
    this.affinity.restore(snap.sessions.filter(([, b]) => b.expires > this.now()));
  }

  snapshot(): PoolSnapshot {
    return { accounts: Object.fromEntries(this.states), sessions: this.affinity.entries(this.now()) };
  }

  /** Writes the state now (at shutdown, and in tests); changes are otherwise saved within a second. */
  async flush(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.store?.write(this.snapshot(), this.now());
  }

  private changed(key: string): void {
    const s = this.states.get(key);
    if (s) s.updated_at = Date.now();
    if (!this.store || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.store?.write(this.snapshot(), this.now()).catch(() => undefined);
    }, SAVE_DELAY_MS);
    (this.saveTimer as { unref?: () => void }).unref?.();
  }

  /**
   * Before this process probes an account whose park ended: adopt a newer park another process
   * recorded, and take the cross-process probe lock. False means someone else has it covered.
   */
  async claimProbe(key: string): Promise<boolean> {
    if (!this.store) return true;
    const theirs = (await this.store.read(this.now())).accounts[key];
    const mine = this.states.get(key);
    if (theirs && theirs.limited_until > this.now() && (theirs.updated_at ?? 0) > (mine?.updated_at ?? 0)) {
      this.states.set(key, { ...theirs, probing: false });
      return false;
    }
    if (!(await this.store.claimProbe(key))) return false;
    this.claimed.add(key);
    return true;
  }

  private dropClaim(key: string): void {
    if (!this.claimed.delete(key)) return;
    this.store?.releaseProbe(key).catch(() => undefined);
  }

  state(key: string): AccountState {
    let s = this.states.get(key);
    if (!s) this.states.set(key, (s = freshState(this.now())));
    return s;
  }

  peek(key: string): AccountState | undefined {
    return this.states.get(key);
  }

  /** Resolves once the probe in flight on `key` has its verdict (or was given up); at once when there is none. */
  probeSettled(key: string): Promise<void> {
    if (!this.states.get(key)?.probing) return Promise.resolve();
    return new Promise((resolve) => this.probeWaiters.set(key, [...(this.probeWaiters.get(key) ?? []), resolve]));
  }

  private probeEnded(key: string): void {
    const waiters = this.probeWaiters.get(key);
    this.probeWaiters.delete(key);
    for (const wake of waiters ?? []) wake();
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
    this.dropClaim(key);
    this.probeEnded(key);
    this.changed(key);
  }

  /** Parks an account (or provider) for `ms` on ccmux's own say (an error rule); returns until when. */
  park(key: string, ms: number, cause: string): number {
    const s = this.state(key);
    Object.assign(s, { limited_until: this.now() + ms, cause, probing: false });
    this.dropClaim(key);
    this.probeEnded(key);
    this.changed(key);
    return s.limited_until;
  }

  /** A probe ended without a verdict (the client left, or the upstream failed in a way health handles). */
  release(key: string): void {
    const s = this.states.get(key);
    if (s) s.probing = false;
    this.dropClaim(key);
    this.probeEnded(key);
  }

  counted(key: string, tokens?: { input?: number; output?: number }): void {
    countRequest(this.state(key), this.now(), tokens);
    this.changed(key);
  }

  sync(providers: ProviderConfig[]): void {
    const live = new Set(providers.flatMap((p) => (p.accounts ?? []).map((a) => healthKey(p.name, a.name))));
    for (const key of [...this.states.keys(), ...this.scores.keys()]) {
      if (live.has(key)) continue;
      this.probeEnded(key);
      this.states.delete(key);
      this.scores.delete(key);
    }
    const pooled = new Set(providers.filter((p) => p.accounts).map((p) => p.name));
    for (const p of providers) if (!pooled.has(p.name)) this.affinity.forget(p.name);
  }

  reset(): void {
    for (const key of [...this.probeWaiters.keys()]) this.probeEnded(key);
    this.states.clear();
    this.scores.clear();
    this.affinity.clear();
  }
}

export function createAccountPools(now?: () => number, store?: PoolStore): AccountPools {
  return new AccountPools(now, store);
}
