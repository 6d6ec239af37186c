// The request line, debug and trace, read from a real `ccmux serve` process's output.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { hang, json, stallAfter, startFakeUpstream, status, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { readFixtureJson, readFixture, splitSseEvents } from "../helpers/sse.ts";
import { startCcmuxServer, type CcmuxServer } from "../helpers/spawn.ts";
import { buildCompiledBinary, COMPILED_BIN } from "../helpers/compiled.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const KEY = "k-request-line-key-0123";
const MARKER = "PROMPT-TEXT-MARKER";
const MESSAGE = readFixtureJson("anthropic/response-tool-use.json");

/** Two providers for model "m": "first", then "second". */
const configText = (first: string, second: string) =>
  [
    'server = { host = "127.0.0.1", port = 13456 }',
    'router = { default = "m" }',
    `providers = [{ name = "first", provider_type = "anthropic", api_key = "${KEY}", base_url = "${first}" },`,
    `  { name = "second", provider_type = "anthropic", api_key = "${KEY}", base_url = "${second}" }]`,
    'models = [{ name = "m", mappings = [{ priority = 1, provider = "first", actual_model = "x1" },',
    '  { priority = 2, provider = "second", actual_model = "x2" }] }]',
    "",
  ].join("\n");

let first: FakeUpstream;
let second: FakeUpstream;
let ccmux: CcmuxServer | undefined;

beforeAll(async () => {
  buildCompiledBinary();
  [first, second] = await Promise.all([startFakeUpstream(), startFakeUpstream()]);
});

afterEach(async () => {
  await ccmux?.stop();
  ccmux = undefined;
  first.clear();
  second.clear();
});

afterAll(async () => {
  await Promise.all([first.stop(), second.stop()]);
});

async function serve(...args: string[]): Promise<CcmuxServer> {
  ccmux = await startCcmuxServer({ bin: COMPILED_BIN, configText: configText(first.url, second.url), args });
  return ccmux;
}

const output = (s: CcmuxServer) => s.stdout() + s.stderr();

/** Waits for a line matching `re` in the server's output (the line is written when the request ends). */
async function lineMatching(s: CcmuxServer, re: RegExp, timeoutMs = 20_000): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const line = output(s)
      .split("\n")
      .find((l) => re.test(l));
    if (line) return line;
    if (performance.now() > deadline) throw new Error(`no line matching ${re}:\n${output(s)}`);
    await Bun.sleep(25);
  }
}

function post(s: CcmuxServer, stream: boolean, signal?: AbortSignal): Promise<Response> {
  return fetch(`${s.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: "claude-sonnet-4-6",
      max_tokens: 16,
      stream,
      messages: [{ role: "user", content: `${MARKER} ${KEY}` }],
    }),
    signal,
  });
}

describe("the request line", () => {
  test("after a failover: requested model → route → provider/model, endpoint, mode, status, tokens, who failed and why", async () => {
    const s = await serve();
    first.reply(status(529, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }));
    second.reply(json(MESSAGE));
    const res = await post(s, false);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const line = await lineMatching(s, / INFO {2}claude-sonnet-4-6 → /);
    expect(line).toMatch(
      /claude-sonnet-4-6 → default → second\/x2 \/v1\/messages json 200 \d+ms tokens in 2214 out 84 cached 18342 attempts 2 \[first\/x1 failed overloaded_error \(529 Overloaded\); second\/x2 ok\]$/,
    );
    expect(output(s)).not.toContain(MARKER);
    expect(
      output(s)
        .split("\n")
        .filter((l) => l.includes("claude-sonnet-4-6 →")),
    ).toHaveLength(1);
  });

  test("a client that disconnects mid-stream still gets its line, marked client aborted", async () => {
    const s = await serve();
    first.reply(stallAfter(splitSseEvents(readFixture("anthropic/stream-text.sse")).slice(0, 2)));
    const ac = new AbortController();
    const res = await post(s, true, ac.signal);
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain("message_start");
    ac.abort();
    const line = await lineMatching(s, /claude-sonnet-4-6 → /);
    expect(line).toMatch(
      /→ default → first\/x1 \/v1\/messages stream 200 \d+ms \(first byte \d+ms\) tokens in 412 out \d+ cached 3180 attempts 1 \[client aborted\]/,
    );
  });

  test("a client that leaves before any answer gets a 499 line, and no error line besides", async () => {
    const s = await serve();
    first.reply(hang());
    const ac = new AbortController();
    const pending = post(s, false, ac.signal).catch((e: unknown) => e);
    await first.waitForRequests(1);
    ac.abort();
    await pending;
    const line = await lineMatching(s, /claude-sonnet-4-6 → /);
    expect(line).toMatch(/→ default → first\/x1 \/v1\/messages json 499 \d+ms .*\[client aborted\]/);
    expect(second.requests).toHaveLength(0);
  });

  test("a request no provider could serve is one warning line naming each failure", async () => {
    const s = await serve();
    first.reply(status(503, "down"));
    second.reply(status(503, "down too"));
    const res = await post(s, false);
    expect(res.status).toBeGreaterThanOrEqual(500);
    await res.arrayBuffer();
    const line = await lineMatching(s, /claude-sonnet-4-6 → /);
    expect(line).toMatch(/ WARN {2}claude-sonnet-4-6 → default → second\/x2 \/v1\/messages json 5\d\d /);
    expect(line).toMatch(/attempts 2 \[first\/x1 failed \w+ \(503 [^)]*\); second\/x2 failed \w+ \(503 /);
    expect(output(s)).not.toMatch(/ERROR .*POST \/v1\/messages/);
    expect(output(s)).toMatch(/WARN {2}first failed \(503\): [^\n]*; trying the next provider\n/);
    expect(output(s)).toMatch(/WARN {2}second failed \(503\): [^\n]*; no other mapping to try\n/);
  });
});

describe("--log-level debug and trace", () => {
  test("debug: the routing inputs, each failover step and the upstream status with header timing; no body, no key", async () => {
    const s = await serve("--log-level", "debug");
    first.reply(status(529, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }));
    second.reply(json(MESSAGE));
    await (await post(s, false)).arrayBuffer();
    await lineMatching(s, /claude-sonnet-4-6 → default → second/);
    const text = output(s);
    expect(text).toMatch(
      /DEBUG routing "claude-sonnet-4-6": \d+ bytes, ~\d+ input tokens, stream false; rules: websearch passed/,
    );
    expect(text).toMatch(/→ route default, model m; candidates: first\/x1, second\/x2/);
    expect(text).toMatch(/DEBUG failover: trying first\/x1\n/);
    expect(text).toMatch(/DEBUG first: POST http:\/\/127\.0\.0\.1:\d+\/v1\/messages → 529, headers after \d+ ms/);
    expect(text).toMatch(/WARN {2}first failed \(529\): Overloaded; trying the next provider/);
    expect(text).toMatch(/DEBUG failover: trying second\/x2\n/);
    expect(text).toMatch(/DEBUG second: POST http:\/\/127\.0\.0\.1:\d+\/v1\/messages → 200, headers after \d+ ms/);
    expect(text).not.toContain(MARKER);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain("TRACE");
  });

  test("trace: says so at start, and shows the bodies with secrets scrubbed", async () => {
    const s = await serve("--log-level", "trace");
    first.reply(json(MESSAGE));
    await (await post(s, false)).arrayBuffer();
    await lineMatching(s, /claude-sonnet-4-6 → default → first/);
    const text = output(s);
    expect(text).toMatch(/WARN {2}log level trace: request and response bodies are written to the log/);
    const request = text.split("\n").find((l) => l.includes("TRACE request body (secrets scrubbed)"));
    expect(request).toContain(`${MARKER} [redacted]`);
    expect(text).toMatch(/TRACE response body \(secrets scrubbed\): \{.*"stop_reason"/);
    expect(text).not.toContain(KEY);
  });
});
