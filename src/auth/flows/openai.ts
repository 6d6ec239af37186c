import type { FetchFn } from "../../contracts/adapter.ts";
import { chatgptAccountId } from "../jwt.ts";
import type { ExchangeInput, OAuthFlow, Pkce, StoredToken, TokenGrant } from "../types.ts";
import {
  callbackPort,
  codeGrant,
  envOverride,
  grantFrom,
  postToken,
  requireRefreshToken,
  withQuery,
  type FlowOptions,
} from "./common.ts";

export const OPENAI_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";
export const OPENAI_AUTHORIZE_URL = "https://auth.openai.com/oauth/authorize";
export const OPENAI_TOKEN_URL = "https://auth.openai.com/oauth/token";
export const OPENAI_SCOPES = "openid profile email offline_access";
/** Fixed by OpenAI's registration of the Codex client: http://localhost:1455/auth/callback. */
export const OPENAI_CALLBACK_PORT = 1455;

function withAccount(grant: TokenGrant, data: Record<string, unknown>, previous?: StoredToken): TokenGrant {
  const idToken = typeof data.id_token === "string" ? data.id_token : undefined;
  const account = chatgptAccountId(idToken, grant.access_token) ?? previous?.account_id;
  return account ? { ...grant, account_id: account } : grant;
}

/** ChatGPT Plus/Pro (Codex): loopback callback, form-encoded token calls, account id from the JWT claims. */
export function createOpenAIFlow(opts: FlowOptions): OAuthFlow {
  const now = opts.now ?? Date.now;
  const authorizeUrl = envOverride(opts.env, "openai", "AUTHORIZE_URL", OPENAI_AUTHORIZE_URL);
  const tokenUrl = envOverride(opts.env, "openai", "TOKEN_URL", OPENAI_TOKEN_URL);
  const port = callbackPort(opts.env, "openai", OPENAI_CALLBACK_PORT);
  return {
    kind: "openai",
    label: "ChatGPT Plus/Pro (Codex)",
    callback: { port, path: "/auth/callback", host: "localhost" },
    redirectUri: (bound = port) => `http://localhost:${bound}/auth/callback`,
    authorizeUrl: (pkce: Pkce, state: string, redirectUri: string) =>
      withQuery(authorizeUrl, {
        response_type: "code",
        client_id: OPENAI_CLIENT_ID,
        redirect_uri: redirectUri,
        scope: OPENAI_SCOPES,
        code_challenge: pkce.challenge,
        code_challenge_method: pkce.method,
        id_token_add_organizations: "true",
        codex_cli_simplified_flow: "true",
        state,
        originator: "codex_cli_rs",
      }),
    async exchange(input: ExchangeInput, fetch: FetchFn): Promise<TokenGrant> {
      const form = codeGrant(input, OPENAI_CLIENT_ID);
      const data = await postToken(tokenUrl, { form }, fetch, "Token exchange");
      return withAccount(grantFrom(data, now()), data);
    },
    async refresh(token: StoredToken, fetch: FetchFn): Promise<TokenGrant> {
      const form = {
        grant_type: "refresh_token",
        refresh_token: requireRefreshToken(token),
        client_id: OPENAI_CLIENT_ID,
      };
      const data = await postToken(tokenUrl, { form }, fetch, "Token refresh");
      return withAccount(grantFrom(data, now(), token), data, token);
    },
  };
}
