import type { Scrub } from "../util/errors.ts";
import { redact } from "../util/log.ts";
import type { AppDeps } from "./deps.ts";

/** Header names whose values are treated as credentials. */
export const SECRET_HEADER = /auth|key|token|secret|passw|cookie|session|credential|signature/i;

/** Shorter values are not scrubbed: replacing them would mangle ordinary words. */
const MIN_LENGTH = 8;

function configSecrets(deps: AppDeps): string[] {
  const { server, providers } = deps.config;
  const values = [server.api_key, server.admin_token, server.metrics_token];
  for (const p of providers) {
    values.push(p.api_key);
    for (const [name, value] of Object.entries(p.headers)) if (SECRET_HEADER.test(name)) values.push(value);
  }
  return values.filter((v): v is string => typeof v === "string");
}

function tokenSecrets(deps: AppDeps): string[] {
  const tokens = deps.auth?.store.list() ?? [];
  return tokens
    .flatMap((t) => [t.access_token, t.refresh_token, t.api_key])
    .filter((v): v is string => typeof v === "string");
}

/** Every credential ccmux knows of: configured keys and headers, the admin token, stored OAuth tokens. */
export function knownSecrets(deps: AppDeps): string[] {
  let tokens: string[] = [];
  try {
    tokens = tokenSecrets(deps);
  } catch {
    // A store that cannot be read holds nothing to scrub.
  }
  const all = [...configSecrets(deps), ...tokens].filter((v) => v.length >= MIN_LENGTH);
  return [...new Set(all)].sort((a, b) => b.length - a.length);
}

/**
 * Replaces every known credential in `text`. Pattern-based redaction (util/log.ts) catches
 * key-shaped strings; this catches the configured ones whatever their shape, e.g. an upstream
 * error that echoes the header it was sent.
 */
export function scrubSecrets(text: string, deps: AppDeps): string {
  let out = text;
  for (const secret of knownSecrets(deps)) if (out.includes(secret)) out = out.split(secret).join("[redacted]");
  return out;
}

/**
 * The one scrubber for text leaving ccmux: the configured credentials (read when it runs, so a
 * hot reload or a new login is seen), then every key-shaped string.
 */
export function secretScrubber(deps: AppDeps): Scrub {
  return (text) => redact(scrubSecrets(text, deps));
}

/** Drops every header whose value carries a known credential (an upstream may echo what it was sent). */
export function dropSecretHeaders(headers: Headers, deps: AppDeps): Headers {
  const secrets = knownSecrets(deps);
  const leaking: string[] = [];
  headers.forEach((value, name) => {
    if (secrets.some((secret) => value.includes(secret))) leaking.push(name);
  });
  for (const name of leaking) headers.delete(name);
  return headers;
}

/** Scrubs an error's message in place before it is logged or answered. */
export function scrubError<T>(err: T, deps: AppDeps): T {
  if (err instanceof Error) err.message = scrubSecrets(err.message, deps);
  return err;
}
