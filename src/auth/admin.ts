import type { FetchFn } from "../contracts/adapter.ts";
import { RequestError } from "../util/errors.ts";
import type { Logger } from "../util/log.ts";
import { handleCallback } from "./callback.ts";
import { describeToken, type TokenSummary } from "./describe.ts";
import { parseKind, tokenKind, type FlowRegistry } from "./flows/index.ts";
import { renderPage } from "./html.ts";
import { parsePasted, tokenFromGrant } from "./login.ts";
import { createPkce, createState } from "./pkce.ts";
import { oauthCredentialSource } from "./refresh.ts";
import type { OAuthKind, Pkce, TokenStore } from "./types.ts";

/**
 * Pure handlers behind the admin OAuth routes (claude-code-mux's /api/oauth/*). Each takes the
 * parsed JSON body and returns a plain JSON object, or throws a RequestError/AuthError for the
 * route's error handler. No response ever carries a token, refresh token, API key or PKCE verifier:
 * the verifier stays here, keyed by the random `state`.
 */
export interface OAuthAdminDeps {
  store: TokenStore;
  flows: FlowRegistry;
  fetch: FetchFn;
  log?: Logger;
  now?: () => number;
  /** The port `serve` listens on; Google's loopback redirect points there (`/oauth2callback`). */
  port?: number;
  sessionTtlMs?: number;
}

interface Session {
  kind: OAuthKind;
  pkce: Pkce;
  redirectUri: string;
  providerId?: string;
  expires: number;
}

type Body = Record<string, unknown> | undefined | null;

const MAX_SESSIONS = 32;

function str(body: Body, key: string): string | undefined {
  const v = body?.[key];
  return typeof v === "string" && v.trim() ? v.trim() : undefined;
}

function kindOf(body: Body, fallback?: OAuthKind): OAuthKind {
  const raw = str(body, "oauth_type") ?? str(body, "kind");
  if (!raw) return fallback ?? "anthropic";
  const kind = parseKind(raw);
  if (!kind)
    throw new RequestError(
      `Invalid oauth_type "${raw}". Use anthropic (max), anthropic-console (console), openai (openai-codex) or google (gemini).`,
    );
  return kind;
}

export interface AdminCtx {
  deps: OAuthAdminDeps;
  sessions: Map<string, Session>;
  now: () => number;
}

function redirectFor(ctx: AdminCtx, kind: OAuthKind): string {
  const flow = ctx.deps.flows.get(kind);
  return kind === "google" && ctx.deps.port ? flow.redirectUri(ctx.deps.port) : flow.redirectUri();
}

async function exchangeSession(ctx: AdminCtx, state: string, code: string, providerId: string) {
  const session = ctx.sessions.get(state);
  if (!session || session.expires < ctx.now())
    throw new RequestError("Unknown or expired login; start again with /api/oauth/authorize.");
  ctx.sessions.delete(state);
  const flow = ctx.deps.flows.get(session.kind);
  const grant = await flow.exchange(
    { code, pkce: session.pkce, state, redirectUri: session.redirectUri },
    ctx.deps.fetch,
  );
  const token = tokenFromGrant(providerId, session.kind, grant);
  await ctx.deps.store.set(token);
  return token;
}

/** POST /api/oauth/authorize {oauth_type?, provider_id?} → {url, state, oauth_type, instructions}. */
export async function adminAuthorize(ctx: AdminCtx, body: Body) {
  for (const [state, s] of ctx.sessions)
    if (s.expires < ctx.now() || ctx.sessions.size > MAX_SESSIONS) ctx.sessions.delete(state);
  const kind = kindOf(body);
  const pkce = await createPkce();
  const state = createState();
  const redirectUri = redirectFor(ctx, kind);
  const expires = ctx.now() + (ctx.deps.sessionTtlMs ?? 15 * 60_000);
  ctx.sessions.set(state, { kind, pkce, redirectUri, providerId: str(body, "provider_id"), expires });
  const url = ctx.deps.flows.get(kind).authorizeUrl(pkce, state, redirectUri);
  const instructions =
    kind === "anthropic" || kind === "anthropic-console"
      ? "Approve in the browser, then paste the code shown (code#state)."
      : "Approve in the browser; if the page it lands on does not finish the login, paste its address.";
  return { url, state, oauth_type: kind, instructions };
}

/** POST /api/oauth/exchange {code, provider_id, state?} (code may be code#state or the redirect URL). */
export async function adminExchange(ctx: AdminCtx, body: Body) {
  const raw = str(body, "code");
  const providerId = str(body, "provider_id");
  if (!raw || !providerId) throw new RequestError("code and provider_id are required");
  const pasted = parsePasted(raw);
  const state = str(body, "state") ?? pasted.state;
  if (!state) throw new RequestError("state is required (send it, or paste the code as code#state)");
  const token = await exchangeSession(ctx, state, pasted.code, providerId);
  return {
    success: true,
    message: "OAuth authentication successful! Token saved.",
    provider_id: providerId,
    expires_at: token.expires_at,
  };
}

/** GET /api/oauth/tokens → summaries only. */
export async function adminListTokens(ctx: AdminCtx): Promise<TokenSummary[]> {
  await ctx.deps.store.reload();
  return ctx.deps.store.list().map((t) => describeToken(t, ctx.now()));
}

/** POST /api/oauth/tokens/refresh {provider_id}: uses the token's own kind, not its name. */
export async function adminRefreshToken(ctx: AdminCtx, body: Body) {
  const id = str(body, "provider_id");
  if (!id) throw new RequestError("provider_id is required");
  const { store, flows, fetch, log } = ctx.deps;
  await store.reload();
  const token = store.get(id);
  if (!token) throw new RequestError(`No OAuth token "${id}"`, 404);
  await oauthCredentialSource({ store, id, flows, fetch, log, now: ctx.now, defaultKind: tokenKind(token) }).refresh!();
  return {
    success: true,
    message: "Token refreshed successfully",
    ...describeToken(store.get(id) ?? token, ctx.now()),
  };
}

/** POST /api/oauth/tokens/delete {provider_id}. */
export async function adminDeleteToken(ctx: AdminCtx, body: Body) {
  const id = str(body, "provider_id");
  if (!id) throw new RequestError("provider_id is required");
  const deleted = await ctx.deps.store.delete(id);
  return { success: true, deleted, message: deleted ? `Token for '${id}' deleted` : `No token named '${id}'` };
}

/**
 * The callback pages (GET /api/oauth/callback, /auth/callback, /oauth2callback): finishes the
 * login when the session named a provider_id, else shows `code#state` to paste. HTML-escaped.
 */
export async function adminCallbackPage(ctx: AdminCtx, url: URL): Promise<{ status: number; html: string }> {
  const state = url.searchParams.get("state") ?? "";
  const session = ctx.sessions.get(state);
  const checked = handleCallback(url, session ? state : createState());
  const code = url.searchParams.get("code");
  if (!session || !code || !checked.outcome || "error" in checked.outcome) {
    return { status: checked.response.status, html: await checked.response.text() };
  }
  if (!session.providerId) {
    const html = renderPage({
      title: "Authorization received",
      message: "Paste this into the ccmux admin page:",
      detail: `${code}#${state}`,
    });
    return { status: 200, html };
  }
  try {
    await exchangeSession(ctx, state, code, session.providerId);
    return {
      status: 200,
      html: renderPage({
        title: "Logged in",
        message: `Saved the token "${session.providerId}". You can close this tab.`,
      }),
    };
  } catch (err) {
    return { status: 502, html: renderPage({ title: "Login failed", message: (err as Error).message }) };
  }
}

/** The handlers bound to one set of deps and one table of pending logins (state → verifier). */
export function createOAuthAdmin(deps: OAuthAdminDeps) {
  const ctx: AdminCtx = { deps, sessions: new Map(), now: deps.now ?? Date.now };
  return {
    authorize: (body: Body) => adminAuthorize(ctx, body),
    exchange: (body: Body) => adminExchange(ctx, body),
    listTokens: () => adminListTokens(ctx),
    refreshToken: (body: Body) => adminRefreshToken(ctx, body),
    deleteToken: (body: Body) => adminDeleteToken(ctx, body),
    callbackPage: (url: URL) => adminCallbackPage(ctx, url),
  };
}

export type OAuthAdmin = ReturnType<typeof createOAuthAdmin>;
