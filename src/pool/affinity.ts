/** Where a session was last served, within one provider. */
interface Binding {
  account: string;
  expires: number;
}

/**
 * Session → account bindings: a TTL per binding and a bound on their number, the least recently
 * used dropped first (a Map keeps insertion order, and every use re-inserts).
 */
export class SessionAffinity {
  private readonly bindings = new Map<string, Binding>();

  constructor(private readonly max = 10_000) {}

  get(provider: string, session: string, now: number): string | undefined {
    const key = `${provider}\u0000${session}`;
    const b = this.bindings.get(key);
    if (!b) return undefined;
    this.bindings.delete(key);
    if (b.expires <= now) return undefined;
    this.bindings.set(key, b);
    return b.account;
  }

  bind(provider: string, session: string, account: string, ttlMs: number, now: number): void {
    const key = `${provider}\u0000${session}`;
    this.bindings.delete(key);
    this.bindings.set(key, { account, expires: now + ttlMs });
    while (this.bindings.size > this.max) this.bindings.delete(this.bindings.keys().next().value!);
  }

  /** Live bindings per `provider#account`, for status. */
  counts(now: number): Map<string, number> {
    const out = new Map<string, number>();
    for (const [key, b] of this.bindings) {
      if (b.expires <= now) continue;
      const id = `${key.slice(0, key.indexOf("\u0000"))}#${b.account}`;
      out.set(id, (out.get(id) ?? 0) + 1);
    }
    return out;
  }

  /** Every live binding, for persisting. */
  entries(now: number): [key: string, binding: Binding][] {
    return [...this.bindings].filter(([, b]) => b.expires > now);
  }

  restore(entries: [string, Binding][]): void {
    for (const [key, b] of entries) this.bindings.set(key, b);
  }

  forget(provider: string): void {
    for (const key of this.bindings.keys()) if (key.startsWith(`${provider}\u0000`)) this.bindings.delete(key);
  }

  clear(): void {
    this.bindings.clear();
  }
}
