/**
 * The commented starter config.toml. Loaded as is, it equals embeddedDefaultConfig():
 * a transparent proxy to Anthropic that forwards the client's own credentials.
 */
export const CONFIG_TEMPLATE = `# ccmux configuration (claude-code-mux compatible).
#
# Run Claude Code through ccmux with \`ccmux code\`, or point a shell at it with
#   eval "$(ccmux env)"
#
# Any string value may use environment variables: "$NAME" or "\${NAME}", also inside
# longer strings ("Bearer \${TOKEN}"). Write "$$" for a literal "$". An unset variable is
# an error, except inside a provider with enabled = false.

[server]
host = "127.0.0.1"
port = 13456
log_level = "info"            # silent | error | warn | info | debug | trace
# api_key = "$CCMUX_API_KEY"  # when set, clients must send it as x-api-key or Authorization: Bearer

[server.timeouts]
connect_timeout_ms = 10000    # opening the connection to a provider
api_timeout_ms = 600000       # waiting for the answer's headers; again for a whole (non-streamed) body
idle_timeout_ms = 120000      # longest silence allowed inside a stream
ping_interval_ms = 15000      # keep-alive ping after this much stream silence (0 = off)

# A provider that keeps failing is skipped for a while (a 429/529 with retry-after at once).
[server.health]
failure_threshold = 3         # consecutive retryable failures before a cooldown
cooldown_ms = 5000            # first cooldown; doubles after each failed probe
max_cooldown_ms = 600000      # cap, also for retry-after

[server.limits]
max_upstream_body_mb = 64     # a larger non-streamed answer is a 502 and fails over
request_body_timeout_ms = 60000  # a client's request body silent this long gets a 408

[router]
# Each slot names a [[models]] entry. As written, auto-mapping is off, so every model
# name Claude Code sends reaches the catch-all model "*" below unchanged.
# To send claude-* names to a model of your own, set default to its name and delete
# auto_map_regex (it then defaults to "^claude-").
default = "default"
auto_map_regex = "^$"
# background_regex = "(?i)claude.*haiku"  # model names that count as background requests
# background = "sonnet"    # background requests (haiku-class model names)
# think = "sonnet"         # deep thinking: an explicit thinking budget, or an effort in think_efforts
# think_efforts = ["xhigh", "max"]  # output_config.effort levels that count as deep thinking
# order = "claude-code"    # background before think; "claude-code-mux" puts think first
# websearch = "sonnet"     # requests carrying a web_search tool
# long_context = "sonnet"  # requests estimated above long_context_threshold input tokens
long_context_threshold = 60000
# image = "sonnet"         # the latest user turn carries an image

# Forward to Anthropic with the credentials Claude Code itself sends (x-api-key or
# Authorization), so ccmux works as a transparent proxy out of the box.
[[providers]]
name = "anthropic"
provider_type = "anthropic"
auth_type = "passthrough"
models = []
enabled = true

# An API-key provider; the key stays in the environment, not in this file.
# [[providers]]
# name = "openrouter"
# provider_type = "openrouter"
# api_key = "$OPENROUTER_API_KEY"
# models = []

# Claude Pro/Max subscription through OAuth; log in once with \`ccmux auth login\`.
# [[providers]]
# name = "claude-max"
# provider_type = "anthropic"
# auth_type = "oauth"
# oauth_provider = "claude-max"
# models = []

# Gemini: a Gemini API key (Google AI Studio), or Vertex AI (provider_type = "vertex-ai" with
# project_id, location and Application Default Credentials). Login with Google for Gemini CLI /
# Code Assist ended for consumer accounts (free, Google One, AI Pro/Ultra) on 2026-06-18; only
# Code Assist Standard/Enterprise licensees can use \`ccmux auth login google --project <id>\`.
# [[providers]]
# name = "gemini"
# provider_type = "gemini"
# api_key = "$GEMINI_API_KEY"
# models = []

# Model "*" is the catch-all: it serves every model name no other [[models]] entry matches,
# and its actual_model "*" sends the name the client asked for, unchanged.
[[models]]
name = "*"

[[models.mappings]]
priority = 1
provider = "anthropic"
actual_model = "*"

# A model with failover: priority 1 is tried first; on a connection error, timeout,
# 408, 429 or 5xx before any byte reached the client, priority 2 is tried next.
# [[models]]
# name = "sonnet"
#
# [[models.mappings]]
# priority = 1
# provider = "claude-max"
# actual_model = "claude-sonnet-4-5"
#
# [[models.mappings]]
# priority = 2
# provider = "openrouter"
# actual_model = "anthropic/claude-sonnet-4.5"
`;
