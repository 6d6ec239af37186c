import type { FetchFn } from "../../contracts/adapter.ts";
import { WIRE_PROFILES } from "../../catalog/wire-profiles.ts";
import type { ExchangeInput, OAuthFlow, Pkce, StoredToken, TokenGrant } from "../types.ts";
import {
  codeGrant,
  envOverride,
  grantFrom,
  postToken,
  requireRefreshToken,
  withQuery,
  type FlowOptions,
} from "./common.ts";

/**
 * Current Claude Code constants (protocol.md §2.10); claude-code-mux 0.6.3 still used the older
 * claude.ai / console.anthropic.com hosts, which now redirect. Scopes are Claude Code's full login set.
 */
/** What Claude Code's own HTTP client (axios) sends to the token endpoint and create_api_key. */
export const ANTHROPIC_CLIENT_HEADERS = WIRE_PROFILES["anthropic-token-endpoint"].markers.value;
export const ANTHROPIC_CLIENT_ID = "9d1c250a-e61b-44d9-88ed-5944d1962f5e";
export const ANTHROPIC_AUTHORIZE_URL = "https://claude.com/cai/oauth/authorize";
export const ANTHROPIC_TOKEN_URL = "https://platform.claude.com/v1/oauth/token";
export const ANTHROPIC_REDIRECT_URI = "https://platform.claude.com/oauth/code/callback";
export const ANTHROPIC_SCOPES =
  "org:create_api_key user:profile user:inference user:sessions:claude_code user:mcp_servers user:file_upload";
/** Claude Code's refresh asks for the token's granted scopes, else this set (2.1.112 and 2.1.332, checked 2026-12-06). */
export const ANTHROPIC_REFRESH_SCOPES =
  "user:profile user:inference user:sessions:claude_code user:mcp_servers user:file_upload";

/** Shared by `anthropic` and `anthropic-console`: paste `code#state`, JSON token exchange. */
export function anthropicFlowParts(
  kind: "anthropic" | "anthropic-console",
  authorizeDefault: string,
  opts: FlowOptions,
) {
  const now = opts.now ?? Date.now;
  const authorizeUrl = envOverride(opts.env, kind, "AUTHORIZE_URL", authorizeDefault);
  const tokenUrl = envOverride(opts.env, kind, "TOKEN_URL", ANTHROPIC_TOKEN_URL);
  return {
    redirectUri: () => ANTHROPIC_REDIRECT_URI,
    authorizeUrl: (pkce: Pkce, state: string, redirectUri: string) =>
      withQuery(authorizeUrl, {
        code: "true",
        client_id: ANTHROPIC_CLIENT_ID,
        response_type: "code",
        redirect_uri: redirectUri,
        scope: ANTHROPIC_SCOPES,
        code_challenge: pkce.challenge,
        code_challenge_method: pkce.method,
        state,
      }),
    async exchangeTokens(input: ExchangeInput, fetch: FetchFn): Promise<TokenGrant> {
      const json = { ...codeGrant(input, ANTHROPIC_CLIENT_ID), state: input.state };
      return grantFrom(await postToken(tokenUrl, { json }, fetch, "Token exchange", ANTHROPIC_CLIENT_HEADERS), now());
    },
    async refresh(token: StoredToken, fetch: FetchFn): Promise<TokenGrant> {
      const json = {
        grant_type: "refresh_token",
        refresh_token: requireRefreshToken(token),
        client_id: ANTHROPIC_CLIENT_ID,
        scope: typeof token.scope === "string" && token.scope ? token.scope : ANTHROPIC_REFRESH_SCOPES,
      };
      return grantFrom(
        await postToken(tokenUrl, { json }, fetch, "Token refresh", ANTHROPIC_CLIENT_HEADERS),
        now(),
        token,
      );
    },
  };
}

/** Claude Pro/Max subscription. */
export function createAnthropicFlow(opts: FlowOptions): OAuthFlow {
  const parts = anthropicFlowParts("anthropic", ANTHROPIC_AUTHORIZE_URL, opts);
  return {
    kind: "anthropic",
    label: "Claude Pro/Max subscription",
    redirectUri: parts.redirectUri,
    authorizeUrl: parts.authorizeUrl,
    exchange: parts.exchangeTokens,
    refresh: parts.refresh,
  };
}
