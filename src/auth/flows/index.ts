import type { Logger } from "../../util/log.ts";
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

/**
 * The kind of a stored token. Tokens copied from claude-code-mux have no `kind`; guess it the
 * way it did (by provider id), with a project id meaning Google.
 */
export function tokenKind(token: StoredToken): OAuthKind {
  if (token.kind && (OAUTH_KINDS as readonly string[]).includes(token.kind)) return token.kind;
  const id = token.provider_id.toLowerCase();
  if (/openai|codex|chatgpt/.test(id)) return "openai";
  if (/gemini|google/.test(id) || token.project_id) return "google";
  return "anthropic";
}

export { createAnthropicFlow, createAnthropicConsoleFlow, createGoogleFlow, createOpenAIFlow };
