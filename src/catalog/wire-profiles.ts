/**
 * What each upstream kind expects on the wire, as data: one table per kind, every fact with the date
 * it was last checked and the reference it was checked against. A rule change upstream is an edit
 * here (or, for a user, `headers` / `drop_headers` / `allowed_betas` / `drop_body_fields` in the
 * provider's config), not new code. `test/fixtures/wire/` records what these tables produce.
 */

/** One fact: its value, when it was last checked (UTC date) and against what. */
export interface WireFact<T> {
  value: T;
  checked: string;
  ref: string;
}

export interface WireProfile {
  /** Inbound header names relayed as the client sent them (lower case). */
  forward?: WireFact<readonly string[]>;
  /** Headers ccmux sets itself when the client is not the native one. */
  markers?: WireFact<Readonly<Record<string, string>>>;
  /** Betas that open the `anthropic-beta` list, in this order. */
  leadingBetas?: WireFact<readonly string[]>;
  /** The only betas the upstream accepts; absent = any. */
  allowedBetas?: WireFact<readonly string[]>;
  /** Betas the upstream refuses, removed unless the provider's `allowed_betas` names them. */
  deniedBetas?: WireFact<readonly string[]>;
  /** Top-level body fields the upstream rejects ("Extra inputs are not permitted"). */
  dropBodyFields?: WireFact<readonly string[]>;
  /** Query parameters on every model call. */
  query?: WireFact<Readonly<Record<string, string>>>;
  /** Tool names the upstream accepts as they are; others are renamed with `toolPrefix` and restored in the answer. */
  nativeTools?: WireFact<readonly string[]>;
  toolPrefix?: WireFact<string>;
  /** Longest tool name / call id the upstream accepts; longer ones are shortened reversibly. */
  maxToolName?: WireFact<number>;
}

const fact = <T>(value: T, checked: string, ref: string): WireFact<T> => ({ value, checked, ref });

/**
 * The Claude Code release named in the user agent ccmux sends for non-Claude-Code clients: the npm
 * registry's latest on 2026-12-05. The header format is the one 2.1.112, 2.1.197 and 2.1.332 send
 * (2.1.332's native binary through ccmux's e2e suites, 2026-12-06).
 */
export const CLAUDE_CODE_VERSION = "2.1.332";
const CLAUDE_CODE_REF = "@anthropic-ai/claude-code 2.1.112 cli.js; shared/reference/protocol.md §2.3, §2.10";

/**
 * Claude Pro/Max subscription (OAuth) on api.anthropic.com.
 *
 * `forward` was checked on 2026-12-06 against the client itself: 2.1.112's cli.js and the JS bundle
 * inside 2.1.332's native binary (@anthropic-ai/claude-code-linux-x64). Both build the API client's
 * default headers from x-app, User-Agent, X-Claude-Code-Session-Id, x-claude-remote-container-id /
 * x-claude-remote-session-id (set from CLAUDE_CODE_CONTAINER_ID / CLAUDE_CODE_REMOTE_SESSION_ID),
 * x-client-app (CLAUDE_AGENT_SDK_CLIENT_APP) and x-anthropic-additional-protection
 * (CLAUDE_CODE_ADDITIONAL_PROTECTION); the SDK adds x-stainless-*, x-stainless-helper on its helper
 * calls. 2.1.332 adds x-claude-code-agent-id / x-claude-code-parent-agent-id on subagent calls, and
 * sends x-client-request-id only when its base URL is first-party (so through ccmux only with
 * _CLAUDE_CODE_ASSUME_FIRST_PARTY_BASE_URL). Not forwarded: x-stainless-async, which neither version
 * sends (the Python SDK does), and 2.1.332's other per-request headers (x-claude-code-request-class,
 * -agent-type, -auxiliary-type, -prompt-id, x-claude-1p-request-class, x-claude-remote-session-origin,
 * …), which its own relay's pass-through set leaves out too (accept, user-agent, anthropic-beta,
 * x-app, the session, agent and parent-agent ids, x-client-request-id, additional-protection,
 * x-stainless-*). CLIProxyAPI's claude_executor_headers.go relays the same six extra headers.
 */
const CLAUDE_OAUTH: WireProfile = {
  forward: fact(
    [
      "user-agent",
      "x-app",
      "anthropic-dangerous-direct-browser-access",
      "x-claude-code-session-id",
      "x-claude-code-agent-id",
      "x-claude-code-parent-agent-id",
      "x-claude-remote-container-id",
      "x-claude-remote-session-id",
      "x-client-app",
      "x-client-request-id",
      "x-anthropic-additional-protection",
      "x-stainless-lang",
      "x-stainless-os",
      "x-stainless-arch",
      "x-stainless-runtime",
      "x-stainless-runtime-version",
      "x-stainless-package-version",
      "x-stainless-retry-count",
      "x-stainless-timeout",
      "x-stainless-helper",
      "x-stainless-helper-method",
    ],
    "2026-12-06",
    "@anthropic-ai/claude-code 2.1.112 cli.js and 2.1.332 (native binary's bundle); router-for-me/CLIProxyAPI claude_executor_headers.go",
  ),
  markers: fact(
    {
      "user-agent": `claude-cli/${CLAUDE_CODE_VERSION} (external, cli)`,
      "x-app": "cli",
      "anthropic-dangerous-direct-browser-access": "true",
    },
    "2026-12-05",
    `${CLAUDE_CODE_REF}; anthropics/claude-code#45911 (400 "Third-party apps now draw from your extra usage")`,
  ),
  leadingBetas: fact(
    ["claude-code-20250219", "oauth-2025-04-20", "interleaved-thinking-2025-05-14"],
    "2026-12-05",
    "Claude Code 2.1.112 beta builder: claude-code first, oauth right after it",
  ),
  query: fact({ beta: "true" }, "2026-12-05", "Claude Code 2.1.112: /v1/messages?beta=true, count_tokens?beta=true"),
  nativeTools: fact(
    [
      "Agent",
      "AskUserQuestion",
      "Bash",
      "BashOutput",
      "Config",
      "Edit",
      "EnterPlanMode",
      "EnterWorktree",
      "ExitPlanMode",
      "ExitWorktree",
      "Glob",
      "Grep",
      "KillShell",
      "LSP",
      "ListMcpResourcesTool",
      "Monitor",
      "MultiEdit",
      "NotebookEdit",
      "PowerShell",
      "PushNotification",
      "Read",
      "ReadMcpResourceTool",
      "RemoteTrigger",
      "ScheduleWakeup",
      "SendMessage",
      "Skill",
      "SlashCommand",
      "Task",
      "TaskCreate",
      "TaskGet",
      "TaskList",
      "TaskOutput",
      "TaskStop",
      "TaskUpdate",
      "TeamCreate",
      "TeamDelete",
      "TodoWrite",
      "ToolSearch",
      "WebFetch",
      "WebSearch",
      "Write",
    ],
    "2026-12-05",
    "tool name constants in Claude Code 2.1.112 cli.js (MCP tools are mcp__<server>__<tool>)",
  ),
  toolPrefix: fact(
    "mcp__ccmux__",
    "2026-12-05",
    "subscriptions refuse tool names outside Claude Code's set; MCP-style names pass (opencode, CLIProxyAPI rename the same way)",
  ),
  maxToolName: fact(64, "2026-12-05", "Anthropic API: tools.N.custom.name at most 64 characters"),
};

/**
 * Claude on Vertex AI (rawPredict). Vertex answers 400 "Unexpected value(s) … for the anthropic-beta
 * header" to Claude Code's first-party betas and "Extra inputs are not permitted" to its newer fields.
 */
const VERTEX_CLAUDE: WireProfile = {
  allowedBetas: fact(
    [
      "interleaved-thinking-2025-05-14",
      "context-1m-2025-08-07",
      "fine-grained-tool-streaming-2025-05-14",
      "token-efficient-tools-2025-02-19",
      "output-128k-2025-02-19",
    ],
    "2026-12-05",
    "anthropics/claude-code#21625, #21767 (prompt-caching-scope rejected on Vertex); Claude Code sends no first-party betas when CLAUDE_CODE_USE_VERTEX",
  ),
  dropBodyFields: fact(
    ["context_management", "output_config", "mcp_servers", "container", "service_tier"],
    "2026-12-05",
    "issue 13 (Vertex 400 'Extra inputs are not permitted'); Claude Code 2.1.112 body, protocol.md §2.5",
  ),
};

/**
 * Anthropic-compatible presets, checked 2026-12-06. Each relays Claude Code's own user agent (not the
 * runtime's); betas and fields are per provider:
 * - Kimi For Coding lets only coding agents in, by user agent: anything else gets 403 "Kimi For
 *   Coding is currently only available for Coding Agents such as Kimi CLI, Claude Code, …" or 429
 *   "engine overloaded" (MoonshotAI/kimi-cli#2322 2026-05-18, earendil-works/pi#3586 2026-04-23,
 *   gsd-build/gsd-2#4640 2026-04-21), so other clients get Claude Code's. It answers 400 "Invalid
 *   request Error" to Claude Code's experimental betas (MoonshotAI/Kimi-K2.5#5, 2026-02-02..03-05);
 *   CLIProxyAPI's claude_executor_kimi.go sends it only claude-code-20250219 and
 *   interleaved-thinking-2025-05-14 and strips context_management and output_config.effort.
 * - ZenMux supports every Anthropic feature except anthropic-version other than 2023-06-01 and the
 *   code-execution-2025-08-25 beta (docs.zenmux.ai api/anthropic/create-messages).
 * - z.ai and MiniMax document Claude Code as a client (docs.z.ai devpack; platform.minimax.io
 *   text-anthropic-api: text and tool messages, thinking, no images or documents) and say nothing of
 *   betas; no public report of either rejecting one was found, so they keep the conservative list.
 */
const CLAUDE_CODE_UA_ONLY = fact(["user-agent"] as const, "2026-12-06", "the client's own user agent, never Bun's");
const CONSERVATIVE_BETAS = ["interleaved-thinking-2025-05-14", "fine-grained-tool-streaming-2025-05-14"] as const;
const CLAUDE_CODE_NEWER_FIELDS = ["context_management", "mcp_servers", "container", "service_tier"] as const;
const conservative = (ref: string): WireProfile => ({
  forward: CLAUDE_CODE_UA_ONLY,
  allowedBetas: fact(CONSERVATIVE_BETAS, "2026-12-06", ref),
  dropBodyFields: fact(CLAUDE_CODE_NEWER_FIELDS, "2026-12-06", ref),
});

const KIMI_REF = "MoonshotAI/Kimi-K2.5#5; CLIProxyAPI claude_executor_kimi.go; MoonshotAI/kimi-cli#2322";
const KIMI_CODING: WireProfile = {
  forward: CLAUDE_CODE_UA_ONLY,
  markers: fact({ "user-agent": `claude-cli/${CLAUDE_CODE_VERSION} (external, cli)` }, "2026-12-06", KIMI_REF),
  allowedBetas: fact(["claude-code-20250219", "interleaved-thinking-2025-05-14"], "2026-12-06", KIMI_REF),
  dropBodyFields: fact([...CLAUDE_CODE_NEWER_FIELDS, "output_config"], "2026-12-06", KIMI_REF),
};

const ZENMUX: WireProfile = {
  forward: CLAUDE_CODE_UA_ONLY,
  deniedBetas: fact(["code-execution-2025-08-25"], "2026-12-06", "docs.zenmux.ai api/anthropic/create-messages"),
};

/** ChatGPT Plus/Pro through the Codex endpoint; version = @openai/codex latest on npm, 2026-12-05. */
export const CODEX_VERSION = "0.171.0";
const CODEX: WireProfile = {
  markers: fact(
    {
      originator: "codex_cli_rs",
      "user-agent": `codex_cli_rs/${CODEX_VERSION} ({os} {osVersion}; {machine}) unknown`,
      "openai-beta": "responses=experimental",
    },
    "2026-12-05",
    "openai/codex codex-rs user_agent.rs: '<originator>/<version> (<os type> <os version>; <arch>) <terminal>'; protocol.md §4.1",
  ),
  maxToolName: fact(64, "2026-12-05", "Responses API 400: tools[].name and call_id longer than 64 characters"),
};

/** Gemini Code Assist (Login with Google); version = @google/gemini-cli latest on npm, 2026-12-05. */
export const GEMINI_CLI_VERSION = "0.61.0";
const CODE_ASSIST: WireProfile = {
  markers: fact(
    { "user-agent": `GeminiCLI/${GEMINI_CLI_VERSION}/{model} ({platform}; {arch})` },
    "2026-12-05",
    "google-gemini/gemini-cli packages/core contentGenerator (GeminiCLI/<version>/<model> (<platform>; <arch>)); protocol.md §5.6",
  ),
};

/** The Anthropic OAuth token endpoint and create_api_key: the native client uses axios. */
const ANTHROPIC_TOKEN_ENDPOINT = {
  markers: fact(
    { "user-agent": "axios/1.15.2", accept: "application/json, text/plain, */*" },
    "2026-12-06",
    "Claude Code 2.1.332 posts the refresh with its bundled axios 1.15.2 (2.1.112: 1.13.6); User-Agent axios/<v>, default Accept",
  ),
} satisfies WireProfile;

export const WIRE_PROFILES = {
  "claude-oauth": CLAUDE_OAUTH,
  "vertex-claude": VERTEX_CLAUDE,
  "z.ai": conservative("docs.z.ai devpack Claude Code setup (supported tool); no beta list published"),
  minimax: conservative("platform.minimax.io text-anthropic-api parameter table; no beta list published"),
  "kimi-coding": KIMI_CODING,
  zenmux: ZENMUX,
  codex: CODEX,
  "code-assist": CODE_ASSIST,
  "anthropic-token-endpoint": ANTHROPIC_TOKEN_ENDPOINT,
} satisfies Record<string, WireProfile>;

export type WireKind = keyof typeof WIRE_PROFILES;

export function wireProfile(kind: string): WireProfile | undefined {
  return (WIRE_PROFILES as Record<string, WireProfile>)[kind];
}
