import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { json, sse, startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { parseAnthropicEvents, readFixture, splitSseEvents } from "../helpers/sse.ts";
import { REPO_ROOT, spawnCcmux, startCcmuxServer, type CcmuxServer } from "../helpers/spawn.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";
import { countRequestTokens } from "../../src/tokens/count.ts";

boundTestsForBusyMachine();

const BIN = "dist/ccmux";
/** The binary's own data directory: its usage history is read back below. */
const HOME = join(process.env.CCMUX_TEST_ROOT!, "binary-home");

function configFor(upstream: string): string {
  return `
[server]
host = "127.0.0.1"
port = 13456

[router]
default = "sonnet"

[[providers]]
name = "fake-anthropic"
provider_type = "anthropic"
base_url = "${upstream}"
api_key = "$FAKE_KEY"
models = []

[[providers]]
name = "fake-openai"
provider_type = "openai-compatible"
base_url = "${upstream}/v1"
api_key = "$FAKE_KEY"
models = []

[[models]]
name = "sonnet"
[[models.mappings]]
priority = 1
provider = "fake-anthropic"
actual_model = "fake-sonnet"

[[models]]
name = "gpt"
[[models.mappings]]
priority = 1
provider = "fake-openai"
actual_model = "fake-gpt"
`;
}

const TEXT_MESSAGE = {
  id: "msg_bin",
  type: "message",
  role: "assistant",
  model: "fake-sonnet",
  content: [{ type: "text", text: "hi" }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 12, output_tokens: 3 },
};

let upstream: FakeUpstream;
let server: CcmuxServer;

beforeAll(async () => {
  const build = Bun.spawnSync([process.execPath, "run", "build"], { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`);
  upstream = await startFakeUpstream();
  const env = { FAKE_KEY: "fake-key-123", CCMUX_HOME: HOME };
  server = await startCcmuxServer({ bin: BIN, configText: configFor(upstream.url), env });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await upstream?.stop();
});

describe("the compiled binary", () => {
  test("exists and is executable", () => {
    const path = join(REPO_ROOT, BIN);
    expect(existsSync(path)).toBe(true);
    expect(statSync(path).mode & 0o111).not.toBe(0);
  });

  test("--version prints the package version", async () => {
    const pkg = await Bun.file(join(REPO_ROOT, "package.json")).json();
    const out = await spawnCcmux(["--version"], { bin: BIN });
    expect(out.exitCode).toBe(0);
    expect(out.stdout.trim()).toBe(pkg.version);
  });

  test("a streamed SDK request yields exactly the upstream's events", async () => {
    const fixture = readFixture("anthropic/stream-thinking.sse");
    upstream.reply(sse(splitSseEvents(fixture), { delayMs: 5 }));
    const client = new Anthropic({ baseURL: server.url, apiKey: "client-key", maxRetries: 0 });
    const seen: unknown[] = [];
    const stream = client.messages.stream({
      model: "claude-sonnet-4-6",
      max_tokens: 2000,
      messages: [{ role: "user", content: "think" }],
    });
    stream.on("streamEvent", (e) => seen.push(JSON.parse(JSON.stringify(e))));
    const final = await stream.finalMessage();
    const expected = parseAnthropicEvents(fixture)
      .map((e) => e.data)
      .filter((d) => d.type !== "ping");
    expect(seen.filter((e) => (e as { type: string }).type !== "ping")).toEqual(expected);
    expect(final.content.map((b) => b.type)).toEqual(["thinking", "text"]);
    const sent = upstream.requests[0]!;
    expect(sent.json().model).toBe("fake-sonnet");
    expect(sent.headers["x-api-key"]).toBe("fake-key-123");
  });

  test("the raw SSE body is byte-identical to the upstream's", async () => {
    const fixture = readFixture("anthropic/stream-text.sse");
    upstream.reply(sse(splitSseEvents(fixture)));
    const res = await fetch(`${server.url}/v1/messages?beta=true`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "claude-sonnet-4-6",
        max_tokens: 10,
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    expect(await res.text()).toBe(fixture);
  });

  test("usage history, /metrics and the status line, from the binary", async () => {
    upstream.reply(json(TEXT_MESSAGE));
    const client = new Anthropic({
      baseURL: server.url,
      apiKey: "client-key",
      maxRetries: 0,
      defaultHeaders: { "x-claude-code-session-id": "binary-session" },
    });
    await client.messages.create({ model: "sonnet", max_tokens: 5, messages: [{ role: "user", content: "hi" }] });
    const line = await spawnCcmux(["statusline"], {
      bin: BIN,
      stdin: JSON.stringify({ session_id: "binary-session", cwd: "/tmp" }),
      // A loaded CI machine can take longer than the default bound of 1 s.
      env: { ANTHROPIC_BASE_URL: server.url, CCMUX_STATUSLINE_TIMEOUT_MS: "30000" },
    });
    expect(line.stdout).toMatch(/^ccmux · fake-anthropic fake-sonnet · today [\d.]+k? tok \?\n$/);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain(
      'ccmux_requests_total{route="default",provider="fake-anthropic",model="fake-sonnet",status="200"} 3',
    );
    const usage = await spawnCcmux(["usage", "--json", "--by", "provider"], { bin: BIN, env: { CCMUX_HOME: HOME } });
    expect(JSON.parse(usage.stdout).rows.map((r: { key: string; requests: number }) => [r.key, r.requests])).toEqual([
      ["fake-anthropic", 3],
    ]);
  });

  test("count_tokens for an upstream that cannot count: the o200k estimate, its tokenizer a separate module", async () => {
    const req = {
      model: "gpt",
      system: "You are terse.",
      messages: [{ role: "user" as const, content: "Count the tokens in this sentence, please." }],
    };
    const res = await fetch(`${server.url}/v1/messages/count_tokens`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(req),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ccmux-provider")).toBe("fake-openai");
    expect(await res.json()).toEqual({ input_tokens: await countRequestTokens(req) });
    expect(upstream.requests.filter((r) => r.path.includes("count_tokens"))).toEqual([]);
  });

  test("SIGTERM exits 0", async () => {
    const code = await server.stop();
    expect(code).toBe(0);
  });
});

describe("bad config never starts a half-configured server", () => {
  test("a TOML syntax error exits 1 naming file, line and column", async () => {
    const dir = join(process.env.CCMUX_TEST_ROOT!, "badcfg");
    await Bun.write(join(dir, "config.toml"), '[server]\nport = 13456\n[router\ndefault = "x"\n');
    const out = await spawnCcmux(["serve", "--config", join(dir, "config.toml")], { bin: BIN });
    expect(out.exitCode).toBe(1);
    expect(out.stdout + out.stderr).toMatch(/config\.toml:3:\d+/);
  });

  test("an unset $VAR exits 1 naming the variable and key", async () => {
    const dir = join(process.env.CCMUX_TEST_ROOT!, "unsetvar");
    await Bun.write(join(dir, "config.toml"), configFor("http://127.0.0.1:9"));
    const out = await spawnCcmux(["serve", "--config", join(dir, "config.toml")], { bin: BIN });
    expect(out.exitCode).toBe(1);
    expect(out.stdout + out.stderr).toContain("FAKE_KEY");
    expect(out.stdout + out.stderr).toContain("providers[0].api_key");
  });

  test("a busy port is a one-line error and exit code 1", async () => {
    const blocker = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("x") });
    try {
      const dir = join(process.env.CCMUX_TEST_ROOT!, "busy");
      const out = await spawnCcmux(["serve", "--port", String(blocker.port)], { bin: BIN, env: { CCMUX_HOME: dir } });
      expect(out.exitCode).toBe(1);
      expect(out.stderr + out.stdout).toContain(`Port ${blocker.port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.stop(true);
    }
  });
});
