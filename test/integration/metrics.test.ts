import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { json, sse, startFakeUpstream, status, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { startGatedUpstream, type GatedUpstream } from "../helpers/gated-upstream.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { anthropicUnified } from "../helpers/rate-limit-headers.ts";
import { readFixture } from "../helpers/sse.ts";
import { BIG_MESSAGE } from "../helpers/usage-rig.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

// Parsed by an independent parser (a port of the Prometheus Python client's), so text that a
// scraper would reject fails here.
interface Family {
  name: string;
  type: string;
  metrics: {
    labels?: Record<string, string>;
    value?: string;
    buckets?: Record<string, string>;
    count?: string;
    sum?: string;
  }[];
}

const ODD_MODEL = 'odd "model" with \\ backslash';
const RESET = Math.floor(Date.now() / 1000) + 3600;

let upstream: FakeUpstream;
let gated: GatedUpstream;
let ccmux: InProcessServer;
let guarded: InProcessServer;

function config(extraServer = {}) {
  const base = testConfig({
    providers: [
      provider("flaky", "", { api_key: "fake-key-flaky" }),
      provider("pool", "", {
        api_key: undefined,
        accounts: ["a", "b"].map((name) => ({ name, api_key: `fake-key-${name}`, weight: 1, enabled: true })),
        pool: { strategy: "round-robin", shed_utilization: 0.9, session_ttl_s: 3600, wait_for_reset_max_s: 0 },
      }),
      provider("gated", gated.url),
    ],
    models: [
      model("sonnet", ["flaky", "claude-sonnet-4-5-20250929"], ["pool", "claude-sonnet-4-5-20250929"]),
      model("odd", ["pool", ODD_MODEL]),
      model("held", ["gated", "held-model"]),
    ],
    router: { default: "sonnet", long_context_threshold: 60_000 },
  });
  for (const p of base.providers) if (p.name !== "gated") p.base_url = upstream.url;
  return { ...base, server: { ...base.server, ...extraServer } };
}

/**
 * The families by name. The parser folds a labelled histogram into one unlabelled sample, so the
 * text is parsed twice: whole (every line must parse; types are kept), and with the histograms'
 * TYPE lines left out, which makes their _bucket, _sum and _count lines families of their own.
 */
async function scrape(server = ccmux, headers: Record<string, string> = {}): Promise<Map<string, Family>> {
  const res = await fetch(`${server.url}/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  const text = await res.text();
  const typed = parsePrometheusTextFormat(text) as Family[];
  const flat = parsePrometheusTextFormat(text.replace(/^# TYPE \S+ histogram\n/gm, "")) as Family[];
  return new Map([...flat, ...typed].map((f) => [f.name, f]));
}

/** The value of the one sample of `name` whose labels include `labels`. */
function value(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = families
    .get(name)
    ?.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  if (!found?.length) return undefined;
  expect(found).toHaveLength(1);
  return Number(found[0]!.value);
}

function client(server = ccmux) {
  return new Anthropic({ baseURL: server.url, apiKey: "client-key", maxRetries: 0 });
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  gated = startGatedUpstream();
  upstream.setDefault((req) => {
    if (req.headers["x-api-key"] === "fake-key-flaky")
      return status(
        429,
        { type: "error", error: { type: "rate_limit_error", message: "slow down" } },
        { "retry-after": "600" },
      );
    const headers = anthropicUnified({ fiveHour: 0.25, sevenDay: 0.5, fiveHourReset: RESET });
    if (req.json().stream) return sse(readFixture("anthropic/stream-text.sse"), { headers });
    return json(BIG_MESSAGE, { headers });
  });
  ccmux = await startInProcess(config());
  guarded = await startInProcess(
    config({ admin_token: "adm-fake-0123456789", metrics_token: "scrape-fake-0123456789" }),
  );
});

afterAll(async () => {
  await Promise.all([ccmux.stop(), guarded.stop()]);
  await Promise.all([upstream.stop(), gated.stop()]);
});

describe("GET /metrics", () => {
  test("counts requests, tokens, latency, first token and upstream errors after real requests", async () => {
    const ask = (m: string) =>
      client().messages.create({ model: m, max_tokens: 8, messages: [{ role: "user", content: "hi" }] });
    await ask("sonnet"); // flaky answers 429 with retry-after (it cools down), the pool answers
    await ask("sonnet"); // flaky is skipped while cooling
    const stream = await client().messages.create({
      model: "sonnet",
      max_tokens: 8,
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    for await (const _ of stream) {
      // drain
    }
    await ask("odd");
    const m = await scrape();

    const ok = { route: "default", provider: "pool", model: "claude-sonnet-4-5-20250929", status: "200" };
    expect(value(m, "ccmux_requests_total", ok)).toBe(3);
    expect(value(m, "ccmux_requests_total", { model: ODD_MODEL })).toBe(1);
    const tokens = { provider: "pool", model: "claude-sonnet-4-5-20250929" };
    expect(value(m, "ccmux_tokens_total", { ...tokens, kind: "input" })).toBeGreaterThanOrEqual(2_000_000);
    expect(value(m, "ccmux_tokens_total", { ...tokens, kind: "output" })).toBeGreaterThanOrEqual(200_000);
    expect(value(m, "ccmux_upstream_errors_total", { provider: "flaky", type: "rate_limit_error" })).toBe(1);

    expect(m.get("ccmux_request_duration_seconds")!.type).toBe("HISTOGRAM");
    const pool = { route: "default", provider: "pool" };
    expect(value(m, "ccmux_request_duration_seconds_count", pool)).toBe(4);
    expect(value(m, "ccmux_request_duration_seconds_bucket", { ...pool, le: "+Inf" })).toBe(4);
    const buckets = m
      .get("ccmux_request_duration_seconds_bucket")!
      .metrics.filter((s) => s.labels?.provider === "pool");
    const counts = buckets.map((s) => Number(s.value));
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(value(m, "ccmux_request_duration_seconds_sum", pool)).toBeGreaterThan(0);
    expect(m.get("ccmux_time_to_first_token_seconds")!.type).toBe("HISTOGRAM");
    const ttft = m.get("ccmux_time_to_first_token_seconds_count")!.metrics;
    expect(ttft.map((s) => [s.labels?.provider, Number(s.value)])).toEqual([["pool", 1]]);

    expect(value(m, "ccmux_provider_state", { provider: "flaky", state: "cooldown" })).toBe(1);
    expect(value(m, "ccmux_provider_state", { provider: "flaky", state: "healthy" })).toBe(0);
    expect(value(m, "ccmux_provider_cooldown_until_seconds", { provider: "flaky" })).toBeGreaterThan(
      Date.now() / 1000 + 60,
    );
    expect(value(m, "ccmux_provider_state", { provider: "pool", state: "healthy" })).toBe(1);
  });

  test("per-account series: state, quota windows from the rate-limit headers, today's requests and tokens", async () => {
    const m = await scrape();
    for (const account of ["a", "b"]) {
      expect(value(m, "ccmux_account_state", { provider: "pool", account, state: "ok" })).toBe(1);
      expect(value(m, "ccmux_account_state", { provider: "pool", account, state: "limited" })).toBe(0);
    }
    // The four pooled requests share a first message, hence one session, pinned to one account.
    const [busy, idle] = value(m, "ccmux_account_requests_today", { account: "a" }) ? ["a", "b"] : ["b", "a"];
    const labels = { provider: "pool", account: busy! };
    expect(value(m, "ccmux_account_requests_today", labels)).toBe(4);
    expect(value(m, "ccmux_account_requests_today", { provider: "pool", account: idle! })).toBe(0);
    expect(value(m, "ccmux_account_sessions", labels)).toBe(1);
    expect(value(m, "ccmux_account_tokens_today", { ...labels, kind: "output" })).toBeGreaterThanOrEqual(300_000);
    expect(value(m, "ccmux_account_quota_utilization", { ...labels, window: "5h" })).toBe(0.25);
    expect(value(m, "ccmux_account_quota_utilization", { ...labels, window: "7d" })).toBe(0.5);
    expect(value(m, "ccmux_account_quota_resets_at_seconds", { ...labels, window: "5h" })).toBe(RESET);
  });

  test("streams in flight: 1 while an answer is being relayed, 0 after", async () => {
    const res = await fetch(`${ccmux.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "held", max_tokens: 8, stream: true, messages: [{ role: "user", content: "hi" }] }),
    });
    const reader = res.body!.getReader();
    await reader.read(); // the answer has started: the stream is open
    expect(value(await scrape(), "ccmux_streams_in_flight")).toBe(1);
    gated.open();
    while (!(await reader.read()).done) {
      // drain
    }
    expect(value(await scrape(), "ccmux_streams_in_flight")).toBe(0);
  });

  test("guarded like the admin API; server.metrics_token opens /metrics (only) to a scraper on another host", async () => {
    const foreign = { host: "metrics.example:9090" };
    expect((await fetch(`${ccmux.url}/metrics`, { headers: foreign })).status).toBe(403);
    expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
    await scrape(guarded, { authorization: "Bearer adm-fake-0123456789" });
    await scrape(guarded, { ...foreign, authorization: "Bearer scrape-fake-0123456789" });
    expect(
      (await fetch(`${guarded.url}/metrics`, { headers: { ...foreign, authorization: "Bearer wrong-0123456789" } }))
        .status,
    ).toBe(403);
    const status = await fetch(`${guarded.url}/api/status`, {
      headers: { authorization: "Bearer scrape-fake-0123456789" },
    });
    expect(status.status).toBe(401);
  });
});
