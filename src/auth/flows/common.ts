import type { FetchFn } from "../../contracts/adapter.ts";
import { AuthError } from "../../util/errors.ts";
import { redact } from "../../util/log.ts";
import { isRedirect, NO_REDIRECTS, refusedRedirect } from "../../util/redirect.ts";
import { jwtExpiryMs } from "../jwt.ts";
import type { Env, ExchangeInput, OAuthKind, StoredToken, TokenGrant } from "../types.ts";

export interface FlowOptions {
  /** Read once, when the flow is built: the CCMUX_OAUTH_* URL overrides. */
  env: Env;
  now?: () => number;
}

/** `CCMUX_OAUTH_<KIND>_<NAME>` (kind upper-cased, dashes as underscores), else the default. */
export function envOverride(env: Env, kind: OAuthKind, name: string, fallback: string): string {
  const value = env[`CCMUX_OAUTH_${kind.toUpperCase().replace(/-/g, "_")}_${name}`];
  return value ? value : fallback;
}

export function withQuery(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

export type TokenRequestBody = { json: Record<string, string> } | { form: Record<string, string> };

async function errorDetail(res: Response): Promise<string> {
  const text = await res.text().catch(() => "");
  return redact(text.slice(0, 300)).trim();
}

/**
 * POSTs to a token endpoint and returns the parsed JSON; non-2xx becomes an AuthError with the (redacted)
 * body. `clientHeaders` are the native client's (wire-profiles.ts), set over the defaults.
 */
export async function postToken(
  url: string,
  body: TokenRequestBody,
  fetch: FetchFn,
  what: string,
  clientHeaders: Readonly<Record<string, string>> = {},
): Promise<Record<string, unknown>> {
  const isJson = "json" in body;
  let res: Response;
  try {
    res = await fetch(url, {
      ...NO_REDIRECTS,
      method: "POST",
      headers: {
        "content-type": isJson ? "application/json" : "application/x-www-form-urlencoded",
        accept: "application/json",
        ...clientHeaders,
      },
      body: isJson ? JSON.stringify(body.json) : new URLSearchParams(body.form).toString(),
    });
  } catch (err) {
    throw new AuthError(`${what} failed: cannot reach ${new URL(url).host} (${(err as Error).message})`, 502);
  }
  if (isRedirect(res)) throw new AuthError(`${what} failed: ${refusedRedirect(res, url, new URL(url).host)}`, 502);
  if (!res.ok)
    throw new AuthError(
      `${what} failed: ${res.status} ${await errorDetail(res)}`.trim(),
      res.status === 401 ? 401 : 502,
    );
  const data: unknown = await res.json().catch(() => undefined);
  if (!data || typeof data !== "object") throw new AuthError(`${what} failed: the response is not a JSON object`, 502);
  return data as Record<string, unknown>;
}

/** Access/refresh token and expiry from a token response; a missing refresh token keeps the previous one. */
export function grantFrom(data: Record<string, unknown>, now: number, previous?: StoredToken): TokenGrant {
  const access = data.access_token;
  if (typeof access !== "string" || !access) throw new AuthError("The token response has no access_token", 502);
  const refresh =
    typeof data.refresh_token === "string" && data.refresh_token ? data.refresh_token : (previous?.refresh_token ?? "");
  const expiresIn = typeof data.expires_in === "number" ? data.expires_in : Number(data.expires_in);
  const expiresMs =
    Number.isFinite(expiresIn) && expiresIn > 0 ? now + expiresIn * 1000 : (jwtExpiryMs(access) ?? now + 3600_000);
  return {
    access_token: access,
    refresh_token: refresh,
    expires_at: new Date(expiresMs).toISOString(),
    project_id: previous?.project_id,
    enterprise_url: previous?.enterprise_url,
    scope: typeof data.scope === "string" && data.scope ? data.scope : previousScope(previous),
  };
}

function previousScope(previous: StoredToken | undefined): string | undefined {
  return typeof previous?.scope === "string" ? previous.scope : undefined;
}

export function requireRefreshToken(token: StoredToken): string {
  if (!token.refresh_token) throw new AuthError(`The token "${token.provider_id}" has no refresh token`);
  return token.refresh_token;
}

export function callbackPort(env: Env, kind: OAuthKind, fallback: number): number {
  const raw = envOverride(env, kind, "CALLBACK_PORT", "");
  const port = raw === "" ? fallback : Number(raw);
  return Number.isInteger(port) && port >= 0 && port < 65536 ? port : fallback;
}

/** The authorization_code grant fields every flow sends (PKCE: the verifier proves we started the login). */
export function codeGrant(input: ExchangeInput, clientId: string): Record<string, string> {
  return {
    grant_type: "authorization_code",
    code: input.code,
    redirect_uri: input.redirectUri,
    client_id: clientId,
    code_verifier: input.pkce.verifier,
  };
}
