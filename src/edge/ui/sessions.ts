import { safeEqual } from "../../util/safe-equal.ts";

/** The cookie that carries a page session when `server.admin_token` is set. */
export const SESSION_COOKIE = "ccmux_session";

const LINK_TTL_MS = 120_000;
const SESSION_TTL_MS = 12 * 3600_000;
const MAX_ENTRIES = 64;

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, (c) => ({ "+": "-", "/": "_", "=": "" })[c]!);
}

interface Entry {
  expires: number;
  /** The admin token it was issued under: a changed token ends the session. */
  token: string;
}

function prune(map: Map<string, Entry>, now: number): void {
  for (const [id, e] of map) if (e.expires < now || map.size > MAX_ENTRIES) map.delete(id);
}

function take(map: Map<string, Entry>, id: string, token: string, now: number, consume: boolean): boolean {
  for (const [key, entry] of map) {
    if (!safeEqual(key, id)) continue;
    if (consume) map.delete(key);
    return entry.expires >= now && safeEqual(entry.token, token);
  }
  return false;
}

/**
 * One-time login links (`ccmux ui` asks for one with the admin token and opens it) and the
 * browser sessions they start. Held by the app, not by a config load, so they survive hot reload.
 */
export function createUiSessions(now: () => number = Date.now) {
  const links = new Map<string, Entry>();
  const sessions = new Map<string, Entry>();
  return {
    createLink(token: string): string {
      prune(links, now());
      const code = randomId();
      links.set(code, { token, expires: now() + LINK_TTL_MS });
      return code;
    },
    /** Consumes the link; a session id when it was valid. */
    redeem(code: string, token: string): string | undefined {
      if (!take(links, code, token, now(), true)) return undefined;
      prune(sessions, now());
      const id = randomId();
      sessions.set(id, { token, expires: now() + SESSION_TTL_MS });
      return id;
    },
    valid(id: string, token: string): boolean {
      return take(sessions, id, token, now(), false);
    },
  };
}

export type UiSessions = ReturnType<typeof createUiSessions>;

export function sessionCookie(id: string): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_TTL_MS / 1000}`;
}

/** The session id the browser sent, if any. */
export function cookieSession(header: string | undefined): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === SESSION_COOKIE) return rest.join("=");
  }
  return undefined;
}
