/** What GET /health answers. */
export interface Health {
  status: string;
  service: string;
  version: string;
  runtime?: string;
  pid?: number;
  uptime_s?: number;
}

function isHealth(value: unknown): value is Health {
  const v = value as Health | null;
  return typeof v === "object" && v !== null && v.service === "ccmux" && typeof v.version === "string";
}

/** The /health answer of a ccmux at `url`; undefined when nothing (or something else) answers. */
export async function probeHealth(url: string, timeoutMs = 1500): Promise<Health | undefined> {
  try {
    const res = await fetch(`${url}/health`, {
      headers: { connection: "close" },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body: unknown = await res.json();
    return res.ok && isHealth(body) ? body : undefined;
  } catch {
    return undefined;
  }
}

/** GET /api/status, when this server has it and lets us in; undefined otherwise. */
export function fetchStatus(url: string, adminToken?: string, timeoutMs = 3000) {
  return fetchAdmin(url, "/api/status", adminToken, timeoutMs);
}

/** A JSON object from the admin API (`path` under `url`), when it answers 200; undefined otherwise. */
export async function fetchAdmin(
  url: string,
  path: string,
  adminToken?: string,
  timeoutMs = 3000,
): Promise<Record<string, unknown> | undefined> {
  const headers: Record<string, string> = adminToken ? { authorization: `Bearer ${adminToken}` } : {};
  try {
    const res = await fetch(`${url}${path}`, { headers, signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) {
      await res.body?.cancel();
      return undefined;
    }
    const body: unknown = await res.json();
    return typeof body === "object" && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export interface WaitOptions {
  timeoutMs: number;
  /** Stop early (e.g. the child exited). */
  abandon?: () => boolean;
  /** Only a server with this pid counts. */
  pid?: number;
}

/** Polls /health until a ccmux (with `pid`, when given) answers. */
export async function waitForHealth(url: string, opts: WaitOptions): Promise<Health | undefined> {
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline) {
    const health = await probeHealth(url, 1000);
    if (health && (opts.pid === undefined || health.pid === opts.pid)) return health;
    if (opts.abandon?.()) return undefined;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}
