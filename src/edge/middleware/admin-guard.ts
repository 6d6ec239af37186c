import type { Context, MiddlewareHandler } from "hono";
import { AuthError, RequestError } from "../../util/errors.ts";
import type { AppDeps, DepsHolder } from "../../proxy/deps.ts";
import { safeEqual } from "../../util/safe-equal.ts";
import { cookieSession, type UiSessions } from "../ui/sessions.ts";

/** The admin page's policy: its own script and style only, no inline code, no other origin. */
export const ADMIN_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]"];

/** Lower-cased `host:port`, brackets kept around IPv6 literals; port 80 when the header omits it. */
export function normalizeHost(value: string): string | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]\s/@]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!m) return undefined;
  return `${m[1]!.toLowerCase()}:${Number(m[2] ?? 80)}`;
}

function bracketed(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

const WILDCARDS = new Set(["0.0.0.0", "::", "[::]", ""]);

/**
 * Pages a browser reaches through a cross-site redirect from an OAuth provider: the Host check
 * applies, the cross-site and token checks cannot (the login's random `state` protects them).
 */
const CALLBACK_PATHS = new Set(["/api/oauth/callback"]);

/** The one-time link `ccmux ui` opens: its code stands in for the admin token. */
const LINK_PATH = "/ui/login";

/** The address ccmux is bound to: set after bind; the configured one when the port is fixed. */
function boundAddress(deps: AppDeps): { host: string; port: number } | undefined {
  if (deps.bound) return deps.bound;
  const { host, port } = deps.config.server;
  return port > 0 ? { host, port } : undefined;
}

/** Host header values the admin API answers to: the loopback names on the bound port, and the bound address itself. */
export function allowedHosts(bound: { host: string; port: number }): Set<string> {
  const hosts = LOOPBACK_NAMES.map((name) => `${name}:${bound.port}`);
  if (!WILDCARDS.has(bound.host)) hosts.push(`${bracketed(bound.host).toLowerCase()}:${bound.port}`);
  return new Set(hosts);
}

function refuse(message: string): never {
  throw new RequestError(message, 403, "permission_error");
}

function checkHost(c: Context, deps: AppDeps): Set<string> {
  const bound = boundAddress(deps);
  if (!bound) refuse("The admin API is unavailable until ccmux knows the address it is bound to");
  const allowed = allowedHosts(bound);
  const host = normalizeHost(c.req.header("host") ?? "");
  if (!host || !allowed.has(host)) {
    refuse(`The admin API only answers to ${[...allowed].join(", ")} (DNS-rebinding protection)`);
  }
  return allowed;
}

function checkSameOrigin(c: Context, allowed: Set<string>): void {
  const site = c.req.header("sec-fetch-site")?.toLowerCase();
  if (site && site !== "same-origin" && site !== "none")
    refuse(`Cross-site requests are refused (Sec-Fetch-Site: ${site})`);
  const origin = c.req.header("origin");
  if (origin === undefined) return;
  const m = /^http:\/\/([^/]+)$/i.exec(origin.trim());
  const host = m ? normalizeHost(m[1]!) : undefined;
  if (!host || !allowed.has(host)) refuse(`Cross-origin requests are refused (Origin: ${origin.slice(0, 100)})`);
}

function givenToken(c: Context): string | undefined {
  const auth = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "");
  return c.req.header("x-admin-token") ?? auth?.[1]?.trim();
}

function checkToken(c: Context, deps: AppDeps, sessions?: UiSessions): void {
  const expected = deps.config.server.admin_token;
  const bound = boundAddress(deps);
  const exposed = bound !== undefined && !isLoopbackHost(bound.host);
  if (!expected) {
    if (exposed) refuse("ccmux is bound to a non-loopback address: set server.admin_token to use the admin API");
    return;
  }
  const session = cookieSession(c.req.header("cookie"));
  if (session && sessions?.valid(session, expected)) return;
  const given = givenToken(c);
  if (!given) throw new AuthError("The admin API requires server.admin_token (Authorization: Bearer or x-admin-token)");
  if (!safeEqual(given, expected)) throw new AuthError("Invalid admin token");
}

/**
 * Guards the admin routes (`GET /`, `/api/*`): the Host header must name the bound loopback
 * address, cross-site and cross-origin requests are refused, CORS preflights get a 403, and
 * `server.admin_token` is required when set (and must be set on a non-loopback bind).
 * `HEAD /` stays open: it is Claude Code's preconnect probe and carries no data. A browser
 * proves the token with the session cookie a one-time `ccmux ui` link set.
 */
export function adminGuard(holder: DepsHolder, sessions?: UiSessions): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === "HEAD" && c.req.path === "/") return next();
    const deps = holder.current();
    const allowed = checkHost(c, deps);
    if (c.req.method === "GET" && CALLBACK_PATHS.has(c.req.path)) return next();
    if (c.req.method === "OPTIONS") refuse("CORS is not supported by the admin API");
    checkSameOrigin(c, allowed);
    if (!(c.req.method === "GET" && c.req.path === LINK_PATH)) checkToken(c, deps, sessions);
    await next();
    c.header("cache-control", "no-store");
    c.header("x-content-type-options", "nosniff");
    c.header("x-frame-options", "DENY");
    c.header("content-security-policy", ADMIN_CSP);
    c.header("referrer-policy", "no-referrer");
  };
}

/**
 * The proxy routes answer to any Host (Claude Code may use any name), but not to web pages: a
 * request with a foreign `Origin`, or `Sec-Fetch-Site` cross-site/same-site, is refused. That stops
 * a DNS-rebinding page (whose POSTs carry its own Origin) from spending the user's keys and
 * subscriptions. Command-line clients and SDKs send neither header.
 */
export function browserGuard(holder: DepsHolder): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.header("origin") !== undefined || c.req.header("sec-fetch-site") !== undefined) {
      const bound = boundAddress(holder.current());
      checkSameOrigin(c, bound ? allowedHosts(bound) : new Set());
    }
    await next();
  };
}

/** Host check only, for pages a browser reaches by a cross-site redirect (OAuth callbacks). */
export function hostGuard(holder: DepsHolder): MiddlewareHandler {
  return async (c, next) => {
    checkHost(c, holder.current());
    await next();
  };
}
