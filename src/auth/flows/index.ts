import type { Logger } from "../../util/log.ts";
import { decodeJwtClaims, OPENAI_AUTH_CLAIM } from "../jwt.ts";
import { OAUTH_KINDS, type Env, type OAuthFlow, type OAuthKind, type StoredToken } from "../types.ts";
import { createAnthropicFlow } from "./anthropic.ts";
import { createAnthropicConsoleFlow } from "./anthropic-console.ts";
import { createGoogleFlow } from "./google.ts";
import { createOpenAIFlow } from "./openai.ts";

export interface FlowRegistry {
  readonly kinds: readonly OAuthKind[];
  get(kind: OAuthKind): OAuthFlow;
  all(): OAuthFlow[];
}

export interface FlowRegistryOptions {
  env: Env;
  now?: () => number;
  log?: Logger;
  googlePollMs?: number;
}

/** All four flows, with the CCMUX_OAUTH_* overrides read from `env` now. */
export function createFlowRegistry(opts: FlowRegistryOptions): FlowRegistry {
  const base = { env: opts.env, now: opts.now };
  const flows: Record<OAuthKind, OAuthFlow> = {
    anthropic: createAnthropicFlow(base),
    "anthropic-console": createAnthropicConsoleFlow(base),
    openai: createOpenAIFlow(base),
    google: createGoogleFlow({ ...base, log: opts.log, pollMs: opts.googlePollMs }),
  };
  return { kinds: OAUTH_KINDS, get: (kind) => flows[kind], all: () => OAUTH_KINDS.map((k) => flows[k]) };
}

const ALIASES: Record<string, OAuthKind> = {
  anthropic: "anthropic",
  max: "anthropic",
  claude: "anthropic",
  "anthropic-console": "anthropic-console",
  console: "anthropic-console",
  openai: "openai",
  "openai-codex": "openai",
  codex: "openai",
  chatgpt: "openai",
  google: "google",
  gemini: "google",
};

/** A kind from user input, accepting claude-code-mux's oauth_type names (max, console, openai-codex, gemini). */
export function parseKind(input: string): OAuthKind | undefined {
  return ALIASES[input.trim().toLowerCase()];
}

/** What the token itself says: a Claude OAuth token, a Google access token, an OpenAI JWT. */
export function kindFromTokenShape(token: StoredToken): OAuthKind | undefined {
  const access = token.access_token ?? "";
  if (access.startsWith("sk-ant-oat") || (token.refresh_token ?? "").startsWith("sk-ant-ort")) return "anthropic";
  if (access.startsWith("ya29.")) return "google";
  const claims = decodeJwtClaims(access);
  if (claims && OPENAI_AUTH_CLAIM in claims) return "openai";
  return undefined;
}

/**
 * The kind of a stored token. Tokens copied from claude-code-mux have no `kind`: it comes from the
 * provider that uses the token (`usedBy`, from its provider_type), else from the token itself,
 * else (as claude-code-mux guessed) from its name, with a project id meaning Google.
 */
export function tokenKind(token: StoredToken, usedBy?: OAuthKind): OAuthKind {
  if (token.kind && (OAUTH_KINDS as readonly string[]).includes(token.kind)) return token.kind;
  if (token.api_key) return "anthropic-console";
  const known = usedBy ?? kindFromTokenShape(token);
  if (known) return known;
  const id = token.provider_id.toLowerCase();
  if (/openai|codex|chatgpt/.test(id)) return "openai";
  if (/gemini|google/.test(id) || token.project_id) return "google";
  return "anthropic";
}

export { createAnthropicFlow, createAnthropicConsoleFlow, createGoogleFlow, createOpenAIFlow };
