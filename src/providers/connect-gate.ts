import { connect as netConnect } from "node:net";
import { UpstreamError } from "../util/errors.ts";
import type { FetchFn } from "../contracts/adapter.ts";

/** Opens a TCP connection to host:port and closes it again; rejects on failure. */
export type Connector = (host: string, port: number, signal: AbortSignal) => Promise<void>;

export interface ConnectGateOptions {
  /** How long a successful probe vouches for its origin. Default 60 s. */
  freshMs?: number;
  connect?: Connector;
  /** Proxy settings (HTTP_PROXY, HTTPS_PROXY, NO_PROXY): the probe goes to the proxy fetch would use. */
  env?: Record<string, string | undefined>;
  now?: () => number;
}

/**
 * Web fetch has no connect phase to time, so the connect timeout is enforced by a plain TCP
 * connect to the same host:port (or to the proxy fetch will use), run alongside the fetch.
 * When the probe cannot connect within the limit, the fetch is aborted and the attempt fails
 * with a retryable error. A successful probe is remembered per origin for `freshMs`, so a busy
 * provider is probed about once a minute; concurrent requests share one probe.
 */
export interface ConnectGate {
  wrap(fetch: FetchFn, timeoutMs: number): FetchFn;
  /** Resolves when host:port accepted a connection within `timeoutMs`; rejects with an UpstreamError. */
  probe(url: URL, timeoutMs: number): Promise<void>;
}

const tcpConnect: Connector = (host, port, signal) =>
  new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    const done = (err?: Error) => {
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    const onAbort = () => done(new Error("aborted"));
    signal.addEventListener("abort", onAbort);
    socket.once("connect", () => done());
    socket.once("error", (err) => done(err));
  });

function defaultPort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}

function bypassesProxy(host: string, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  return noProxy.split(/[,\s]+/).some((raw) => {
    const entry = raw.trim().toLowerCase().replace(/:\d+$/, "");
    if (!entry) return false;
    if (entry === "*") return true;
    const bare = entry.replace(/^\*?\./, "");
    return host === bare || host.endsWith(`.${bare}`);
  });
}

/** The host:port fetch actually opens a connection to for `url`. */
export function connectTarget(url: URL, env: Record<string, string | undefined> = {}): URL {
  const host = url.hostname.toLowerCase();
  const proxy = url.protocol === "https:" ? (env.HTTPS_PROXY ?? env.https_proxy) : (env.HTTP_PROXY ?? env.http_proxy);
  if (!proxy || bypassesProxy(host, env.NO_PROXY ?? env.no_proxy)) return url;
  try {
    return new URL(proxy);
  } catch {
    return url;
  }
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e?.code ?? e?.message ?? String(err);
}

/** One TCP connect to `target`, cut after `timeoutMs`, with ccmux's retryable errors. */
async function connectWithin(connect: Connector, target: URL, hostPort: string, timeoutMs: number): Promise<void> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  try {
    await connect(target.hostname.replace(/^\[|\]$/g, ""), defaultPort(target), ac.signal);
  } catch (err) {
    if (ac.signal.aborted) {
      throw new UpstreamError({
        status: 504,
        message: `could not connect to ${hostPort} within ${timeoutMs} ms`,
        retryable: true,
      });
    }
    throw new UpstreamError({
      status: 502,
      message: `could not connect to ${hostPort} (${describe(err)})`,
      retryable: true,
    });
  } finally {
    clearTimeout(timer);
  }
}

/** Runs the fetch and the probe side by side; a probe that fails first aborts the fetch. */
function gatedFetch(
  fetch: FetchFn,
  input: string | URL | Request,
  init: RequestInit | undefined,
  probe: Promise<void>,
): Promise<Response> {
  const gate = new AbortController();
  const signal = init?.signal ? AbortSignal.any([init.signal, gate.signal]) : gate.signal;
  let settled = false;
  const fetched = fetch(input, { ...init, signal }).finally(() => (settled = true));
  const refused = probe.then(
    () => fetched,
    (err) => {
      if (settled) return fetched;
      gate.abort(err);
      throw err;
    },
  );
  return Promise.race([fetched, refused]);
}

export function createConnectGate(opts: ConnectGateOptions = {}): ConnectGate {
  const freshMs = opts.freshMs ?? 60_000;
  const connect = opts.connect ?? tcpConnect;
  const now = opts.now ?? Date.now;
  const verified = new Map<string, number>();
  const inflight = new Map<string, Promise<void>>();

  // Upstream URLs repeat (one per provider): their host:port is worked out once.
  const targets = new Map<string, { target: URL; hostPort: string } | null>();
  function targetOf(input: string | URL | Request): { target: URL; hostPort: string } | null {
    const key = input instanceof Request ? input.url : String(input);
    let found = targets.get(key);
    if (found === undefined) {
      const url = new URL(key);
      const web = url.protocol === "http:" || url.protocol === "https:";
      const target = connectTarget(url, opts.env);
      found = web ? { target, hostPort: `${target.hostname}:${defaultPort(target)}` } : null;
      if (targets.size > 1024) targets.clear();
      targets.set(key, found);
    }
    return found;
  }

  const isFresh = (hostPort: string) => {
    const at = verified.get(hostPort);
    return at !== undefined && now() - at < freshMs;
  };

  function probeTarget(target: URL, hostPort: string, timeoutMs: number): Promise<void> {
    if (isFresh(hostPort)) return Promise.resolve();
    const running = inflight.get(hostPort);
    if (running) return running;
    const run = connectWithin(connect, target, hostPort, timeoutMs)
      .then(() => void verified.set(hostPort, now()))
      .finally(() => inflight.delete(hostPort));
    inflight.set(hostPort, run);
    return run;
  }

  function probe(url: URL, timeoutMs: number): Promise<void> {
    const found = targetOf(url);
    return found ? probeTarget(found.target, found.hostPort, timeoutMs) : Promise.resolve();
  }

  function wrap(fetch: FetchFn, timeoutMs: number): FetchFn {
    return (input, init) => {
      const found = targetOf(input);
      if (!found) return fetch(input, init);
      const { target, hostPort } = found;
      // A recently reached origin needs no probe: plain fetch, the common case on the hot path.
      const response = isFresh(hostPort)
        ? fetch(input, init)
        : gatedFetch(fetch, input, init, probeTarget(target, hostPort, timeoutMs));
      // An answer proves the origin reachable: no probe needed for a while.
      response.then(
        () => verified.set(hostPort, now()),
        () => {},
      );
      return response;
    };
  }

  return { wrap, probe };
}
