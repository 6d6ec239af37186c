// The real Claude Code CLI (the pinned devDependency) runs a Bash tool loop through ccmux to a pool
// of two fake Claude subscriptions. The first account answers the first turn, then its 5-hour
// window runs out (a 429 with real-shaped unified headers): ccmux parks it and the second turn is
// answered by the second account, without Claude Code noticing anything.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sse, startFakeUpstream, status, type FakeUpstream, type RecordedRequest } from "../helpers/fake-upstream.ts";
import { ANTHROPIC_LIMIT_BODY, anthropicUnified } from "../helpers/rate-limit-headers.ts";
import { claudeVersion, runClaude } from "../helpers/claude-cli.ts";
import { startCcmuxServer, type CcmuxServer } from "../helpers/spawn.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const RESET = Math.floor(Date.now() / 1000) + 3 * 3600;

let up: FakeUpstream;
let server: CcmuxServer;

const accountOf = (req: RecordedRequest) => (req.headers.authorization ?? "").replace("Bearer fake-access-", "");
const sawToolResult = (req: RecordedRequest) => JSON.stringify(req.json().messages).includes('"tool_result"');

/** One assistant turn as Anthropic SSE: a Bash call first, the final text once the result is back. */
function turn(req: RecordedRequest, account: string) {
  const done = sawToolResult(req);
  const events: Record<string, unknown>[] = [
    {
      type: "message_start",
      message: {
        ...{ id: `msg_pool_${account}`, type: "message", role: "assistant", model: req.json().model, content: [] },
        ...{ stop_reason: null, stop_sequence: null, usage: { input_tokens: 50, output_tokens: 1 } },
      },
    },
    done
      ? { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }
      : {
          type: "content_block_start",
          index: 0,
          content_block: { type: "tool_use", id: "toolu_pool_1", name: "Bash", input: {} },
        },
    done
      ? { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: `Echoed. DONE-POOL-${account}` } }
      : {
          type: "content_block_delta",
          index: 0,
          delta: {
            type: "input_json_delta",
            partial_json: JSON.stringify({ command: "echo hello-from-pool", description: "Greet" }),
          },
        },
    { type: "content_block_stop", index: 0 },
    {
      type: "message_delta",
      delta: { stop_reason: done ? "end_turn" : "tool_use", stop_sequence: null },
      usage: { output_tokens: 9 },
    },
    { type: "message_stop" },
  ];
  const headers = anthropicUnified({ fiveHour: account === "1" ? 0.97 : 0.1, fiveHourReset: RESET });
  return sse(
    events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`),
    { headers },
  );
}

function reply(req: RecordedRequest) {
  const account = accountOf(req);
  if (account === "1" && sawToolResult(req))
    return status(
      429,
      ANTHROPIC_LIMIT_BODY,
      anthropicUnified({ fiveHour: 1.01, fiveHourReset: RESET, rejected: "5h" }),
    );
  return turn(req, account);
}

beforeAll(async () => {
  up = await startFakeUpstream();
  up.setDefault(reply);
  const home = join(process.env.CCMUX_TEST_ROOT!, "pool-home");
  mkdirSync(home, { recursive: true });
  const token = (n: string) => ({
    provider_id: `max-${n}`,
    kind: "anthropic",
    access_token: `fake-access-${n}`,
    refresh_token: `fake-refresh-${n}`,
    expires_at: new Date(Date.now() + 8 * 3600_000).toISOString(),
  });
  writeFileSync(join(home, "oauth_tokens.json"), JSON.stringify({ "max-1": token("1"), "max-2": token("2") }), {
    mode: 0o600,
  });
  const config = [
    `[router]\ndefault = "sonnet"`,
    `[[providers]]\nname = "claude"\nprovider_type = "anthropic"\nbase_url = "${up.url}"\nstrategy = "fill-first"`,
    `accounts = [{ oauth_provider = "max-1" }, { oauth_provider = "max-2" }]`,
    `[[models]]\nname = "sonnet"\n[[models.mappings]]\npriority = 1\nprovider = "claude"\nactual_model = "claude-sonnet-4-5"`,
  ].join("\n");
  server = await startCcmuxServer({ configText: config, env: { CCMUX_HOME: home } });
});

afterAll(async () => {
  await server?.stop();
  await up?.stop();
});

test("claude -p runs its tool loop through a pool of two subscriptions; the first runs out halfway and the second finishes", async () => {
  const result = await runClaude(server.url, [], "claude-pool-work");
  expect(result.is_error).toBe(false);
  expect(result.num_turns).toBe(2);
  expect(result.result).toContain("DONE-POOL-2");
  const turns = up.requests.filter((r) => r.path.startsWith("/v1/messages"));
  expect(turns.map((r) => [accountOf(r), sawToolResult(r)])).toEqual([
    ["1", false],
    ["1", true],
    ["2", true],
  ]);
  const toolResult = turns[2]!
    .json()
    .messages.at(-1)
    .content.find((b: { type: string }) => b.type === "tool_result");
  expect(JSON.stringify(toolResult.content)).toContain("hello-from-pool");
  const log = server.stdout() + server.stderr();
  expect(log).toMatch(/claude\[max-2\]\/claude-sonnet-4-5 \/v1\/messages (stream|json) 200 /);
  expect(log).not.toContain("fake-access-");
  const st = (await (await fetch(`${server.url}/api/status`)).json()) as any;
  const [first, second] = st.providers[0].accounts;
  expect(first).toMatchObject({
    name: "max-1",
    state: "limited",
    reason: "5h window",
    until: new Date(RESET * 1000).toISOString(),
  });
  expect(second).toMatchObject({ name: "max-2", state: "ok", requests_today: 1 });
}, 90_000);

test("the upstream requests of that run carry Claude Code's OAuth markers", () => {
  const turns = up.requests.filter((r) => r.path.startsWith("/v1/messages"));
  expect(turns.length).toBeGreaterThanOrEqual(3);
  const version = claudeVersion();
  for (const r of turns) {
    expect(r.path).toBe("/v1/messages?beta=true");
    expect(r.headers["user-agent"]).toStartWith(`claude-cli/${version} (external, `);
    expect(r.headers["x-app"]).toBe("cli");
    expect(r.headers["x-claude-code-session-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers["x-stainless-lang"]).toBe("js");
    expect(r.headers.authorization).toStartWith("Bearer fake-access-");
    expect(r.headers["x-api-key"]).toBeUndefined();
    const betas = r.headers["anthropic-beta"]!.split(",");
    const at = betas.indexOf("claude-code-20250219");
    expect(betas[at + 1]).toBe("oauth-2025-04-20");
  }
});
