import type { FetchFn } from "../../contracts/adapter.ts";
import { AuthError } from "../../util/errors.ts";
import { isRedirect, NO_REDIRECTS, refusedRedirect } from "../../util/redirect.ts";
import type { ExchangeInput, OAuthFlow, TokenGrant } from "../types.ts";
import { ANTHROPIC_CLIENT_HEADERS, anthropicFlowParts } from "./anthropic.ts";
import { envOverride, type FlowOptions } from "./common.ts";

export const CONSOLE_AUTHORIZE_URL = "https://platform.claude.com/oauth/authorize";
export const CONSOLE_API_KEY_URL = "https://api.anthropic.com/api/oauth/claude_cli/create_api_key";

/** Says what to do next: the login itself worked, only the key could not be made. */
export function apiKeyFailure(status: number): string {
  const why =
    status === 404 || status === 403
      ? "this Console account or organisation cannot create API keys this way"
      : status === 401
        ? "the Console did not accept the new login"
        : "the Console could not create one right now";
  return [
    `Creating an API key failed: ${status} (${why}).`,
    'Create a key at https://console.anthropic.com/settings/keys and put it in config.toml as api_key = "$ANTHROPIC_API_KEY",',
    "or, with a Claude Pro/Max plan, run `ccmux auth login anthropic` instead.",
  ].join("\n");
}

async function createApiKey(url: string, accessToken: string, fetch: FetchFn): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, {
      ...NO_REDIRECTS,
      method: "POST",
      headers: { ...ANTHROPIC_CLIENT_HEADERS, authorization: `Bearer ${accessToken}` },
    });
  } catch (err) {
    throw new AuthError(`Creating an API key failed: ${(err as Error).message}`, 502);
  }
  if (isRedirect(res))
    throw new AuthError(`Creating an API key failed: ${refusedRedirect(res, url, new URL(url).host)}`, 502);
  if (!res.ok) throw new AuthError(apiKeyFailure(res.status), 502);
  const data = (await res.json().catch(() => undefined)) as { raw_key?: unknown } | undefined;
  if (typeof data?.raw_key !== "string" || !data.raw_key)
    throw new AuthError("Creating an API key failed: no raw_key in the response", 502);
  return data.raw_key;
}

/** Anthropic Console: the Claude Pro/Max flow on the Console host, then an API key is created and stored. */
export function createAnthropicConsoleFlow(opts: FlowOptions): OAuthFlow {
  const parts = anthropicFlowParts("anthropic-console", CONSOLE_AUTHORIZE_URL, opts);
  const apiKeyUrl = envOverride(opts.env, "anthropic-console", "API_KEY_URL", CONSOLE_API_KEY_URL);
  return {
    kind: "anthropic-console",
    label: "Anthropic Console (creates an API key)",
    redirectUri: parts.redirectUri,
    authorizeUrl: parts.authorizeUrl,
    async exchange(input: ExchangeInput, fetch: FetchFn): Promise<TokenGrant> {
      const grant = await parts.exchangeTokens(input, fetch);
      return { ...grant, api_key: await createApiKey(apiKeyUrl, grant.access_token, fetch) };
    },
    refresh: parts.refresh,
  };
}
