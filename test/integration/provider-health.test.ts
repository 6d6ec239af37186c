import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { json, startFakeUpstream, status, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const OK = {
  id: "msg_h",
  type: "message",
  role: "assistant",
  model: "m",
  content: [{ type: "text", text: "ok" }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 1, output_tokens: 1 },
};
const REQ = { model: "m", max_tokens: 5, messages: [{ role: "user", content: "hi" }] };
const rateLimited = (retryAfter: string) =>
  status(
    429,
    { type: "error", error: { type: "rate_limit_error", message: "slow down" } },
    { "retry-after": retryAfter },
  );
const broken = () => status(500, { type: "error", error: { type: "api_error", message: "boom" } });

let a: FakeUpstream;
let b: FakeUpstream;
let ccmux: InProcessServer;

beforeAll(async () => {
  [a, b] = await Promise.all([startFakeUpstream(), startFakeUpstream()]);
  const config = testConfig({
    providers: [provider("a", a.url), provider("b", b.url)],
    models: [model("m", ["a", "a-model"], ["b", "b-model"])],
    router: { default: "m", think: "m", long_context_threshold: 60_000 },
  });
  config.server.health = { failure_threshold: 2, cooldown_ms: 300, max_cooldown_ms: 60_000 };
  ccmux = await startInProcess(config);
});

afterAll(async () => {
  await ccmux.stop();
  await Promise.all([a.stop(), b.stop()]);
});

afterEach(() => {
  a.clear();
  b.clear();
  ccmux.deps.health.reset();
});

const post = () =>
  fetch(`${ccmux.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(REQ),
  });
const providerStatus = async (name: string) =>
  ((await (await fetch(`${ccmux.url}/api/status`)).json()) as any).providers.find((p: any) => p.name === name);

async function waitForState(name: string, state: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while ((await providerStatus(name)).state !== state) {
    if (performance.now() > deadline) throw new Error(`${name} never became ${state}`);
    await Bun.sleep(20);
  }
}

describe("provider cooldown", () => {
  test("a 429 with retry-after cools the provider down at once; the next request skips it, and the log names it", async () => {
    a.reply(rateLimited("30"));
    b.setDefault(json(OK));
    expect((await post()).headers.get("x-ccmux-provider")).toBe("b");
    const second = await post();
    expect(second.headers.get("x-ccmux-provider")).toBe("b");
    expect(a.requests).toHaveLength(1);
    expect(ccmux.logs.join("")).toMatch(/skipping a: cooling down for (29|30) s after 429/);
    const st = await providerStatus("a");
    expect(st).toMatchObject({ state: "cooldown", consecutive_failures: 1 });
    expect(Date.parse(st.cooldown_until) - Date.now()).toBeGreaterThan(20_000);
    expect(st.last_error).toContain("slow down");
    b.setDefault(status(404, "unscripted"));
  });

  test("when every candidate is cooling down, the one whose cooldown ends first is tried anyway; the error names the skipped one", async () => {
    a.reply(rateLimited("10"));
    b.reply(rateLimited("20"));
    expect((await post()).status).toBe(429);
    a.reply(status(503, { type: "error", error: { type: "api_error", message: "still down" } }));
    const res = await post();
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.error.message).toContain("tried: a (503 still down)");
    expect(body.error.message).toMatch(/skipped: b \(cooling down for (19|20) s after 429\)/);
    expect(a.requests).toHaveLength(2);
    expect(b.requests).toHaveLength(1);
  });

  test("consecutive failures open a cooldown; after it exactly one probe goes through, and its success closes the circuit", async () => {
    a.reply(broken());
    a.reply(broken());
    b.setDefault(json(OK));
    await post();
    await post();
    expect(await providerStatus("a")).toMatchObject({ state: "cooldown", consecutive_failures: 2 });
    await post();
    expect(a.requests).toHaveLength(2);
    await waitForState("a", "half-open");
    let release!: () => void;
    a.reply(() => new Promise((ok) => (release = () => ok(json(OK)))));
    const probe = post();
    await a.waitForRequests(3);
    const during = await post();
    expect(during.headers.get("x-ccmux-provider")).toBe("b");
    release();
    expect((await probe).headers.get("x-ccmux-provider")).toBe("a");
    expect(await providerStatus("a")).toMatchObject({
      state: "healthy",
      consecutive_failures: 0,
      cooldown_until: null,
    });
    b.setDefault(status(404, "unscripted"));
  });

  test("a failed probe re-opens the cooldown for longer", async () => {
    a.reply(broken());
    a.reply(broken());
    b.setDefault(json(OK));
    await post();
    await post();
    const first = await providerStatus("a");
    await waitForState("a", "half-open");
    a.reply(broken());
    expect((await post()).headers.get("x-ccmux-provider")).toBe("b");
    const again = await providerStatus("a");
    expect(again.state).toBe("cooldown");
    expect(Date.parse(again.cooldown_until)).toBeGreaterThan(Date.parse(first.cooldown_until));
    b.setDefault(status(404, "unscripted"));
  });

  test("a client error from the upstream does not count against it", async () => {
    for (let i = 0; i < 3; i++)
      a.reply(status(400, { type: "error", error: { type: "invalid_request_error", message: "bad" } }));
    for (let i = 0; i < 3; i++) expect((await post()).status).toBe(400);
    expect(await providerStatus("a")).toMatchObject({ state: "healthy", consecutive_failures: 0 });
  });
});

describe("GET /api/status", () => {
  test("server, routes and providers, without secrets", async () => {
    const res = await fetch(`${ccmux.url}/api/status`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain("test-key-");
    const body = JSON.parse(text);
    expect(body).toMatchObject({ status: "ok", version: "0.0.0-test", config_path: null });
    expect(["bun", "deno"]).toContain(body.runtime);
    expect(typeof body.uptime_s).toBe("number");
    expect(body.routes).toEqual({
      default: "m",
      background: null,
      think: "m",
      websearch: null,
      long_context: null,
      image: null,
    });
    expect(body.providers).toEqual([
      {
        name: "a",
        provider_type: "anthropic",
        enabled: true,
        state: "healthy",
        consecutive_failures: 0,
        cooldown_until: null,
        last_error: null,
        last_error_at: null,
      },
      {
        name: "b",
        provider_type: "anthropic",
        enabled: true,
        state: "healthy",
        consecutive_failures: 0,
        cooldown_until: null,
        last_error: null,
        last_error_at: null,
      },
    ]);
  });
});
