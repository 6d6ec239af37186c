// A ccmux in-process server in front of two fake upstreams, with short time bounds, for the fault suite.
import { afterAll, afterEach, beforeAll, expect } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import type { LimitsConfig, TimeoutsConfig } from "../../src/config/types.ts";
import { DEFAULT_LIMITS } from "../../src/config/schema.ts";
import type { ConnectGate } from "../../src/providers/connect-gate.ts";
import { startFakeUpstream, type FakeUpstream } from "./fake-upstream.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "./in-process.ts";

export const FAST_TIMEOUTS: TimeoutsConfig = {
  connect_timeout_ms: 300,
  api_timeout_ms: 400,
  idle_timeout_ms: 300,
  ping_interval_ms: 0,
};

export const MESSAGE = {
  id: "msg_fault",
  type: "message",
  role: "assistant",
  model: "m",
  content: [{ type: "text", text: "fine" }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 3, output_tokens: 1 },
};

export const START_EVENT =
  'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_s","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":0}}}\n\n';
export const BLOCK_EVENT =
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n';
export const DELTA_EVENT =
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}\n\n';

export interface FaultRig {
  /** The upstream the faults are scripted on. */
  primary: FakeUpstream;
  /** The failover target. */
  backup: FakeUpstream;
  ccmux: InProcessServer;
  /** The official SDK, no retries. */
  client: Anthropic;
  post(body: Record<string, unknown>): Promise<Response>;
  /** After each test: every upstream connection closed, /health answering, state cleared. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export interface RigOptions {
  timeouts?: Partial<TimeoutsConfig>;
  /** `[server.limits]`; unset keys keep their defaults. */
  limits?: Partial<LimitsConfig>;
  /** base_url of the "unreachable" provider (models "far" and "far-fo"). */
  farUrl?: string;
  connectGate?: ConnectGate;
}

/**
 * Models: "pass" = primary then backup (Anthropic pass-through), "solo" = primary only,
 * "oai" = primary as an OpenAI-compatible upstream (translated), "oai-fo" = that, then backup,
 * "far" / "far-fo" = the provider at `farUrl` (alone / then backup).
 */
export async function startFaultRig(opts: RigOptions = {}): Promise<FaultRig> {
  const [primary, backup] = await Promise.all([startFakeUpstream(), startFakeUpstream()]);
  const config = testConfig({
    providers: [
      provider("primary", primary.url),
      provider("backup", backup.url),
      provider("oai", `${primary.url}/v1`, { provider_type: "openai-compatible", api_key: "oai-key" }),
      provider("far", opts.farUrl ?? "http://127.0.0.1:9"),
    ],
    models: [
      model("pass", ["primary", "p1"], ["backup", "b1"]),
      model("solo", ["primary", "p1"]),
      model("oai", ["oai", "o1"]),
      model("oai-fo", ["oai", "o1"], ["backup", "b1"]),
      model("far", ["far", "f1"]),
      model("far-fo", ["far", "f1"], ["backup", "b1"]),
    ],
    router: { default: "pass", long_context_threshold: 10_000_000 },
  });
  config.server.timeouts = { ...FAST_TIMEOUTS, ...opts.timeouts };
  config.server.health = { failure_threshold: 1000, cooldown_ms: 1000, max_cooldown_ms: 1000 };
  config.server.limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const ccmux = await startInProcess(config, opts.connectGate ? { connectGate: opts.connectGate } : {});
  const client = new Anthropic({ baseURL: ccmux.url, apiKey: "client-key", maxRetries: 0 });
  const post = (body: Record<string, unknown>) =>
    fetch(`${ccmux.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ max_tokens: 16, messages: [{ role: "user", content: "hi" }], ...body }),
    });
  return {
    primary,
    backup,
    ccmux,
    client,
    post,
    async settle() {
      await Promise.all([primary.waitForClosedConnections(3000), backup.waitForClosedConnections(3000)]);
      expect(primary.openConnections() + backup.openConnections()).toBe(0);
      expect((await fetch(`${ccmux.url}/health`)).status).toBe(200);
      primary.clear();
      backup.clear();
      ccmux.deps.health.reset();
    },
    async stop() {
      await ccmux.stop();
      await Promise.all([primary.stop(), backup.stop()]);
    },
  };
}

/**
 * One rig for the calling test file: started before all tests, settled after each (no upstream
 * connection left open, /health answering), stopped after all. Its fields are read lazily.
 */
export function useFaultRig(opts: RigOptions = {}): FaultRig {
  let rig: FaultRig | undefined;
  beforeAll(async () => {
    rig = await startFaultRig(opts);
  });
  afterEach(() => rig!.settle());
  afterAll(() => rig!.stop());
  const lazy = {} as FaultRig;
  for (const key of ["primary", "backup", "ccmux", "client", "post", "settle", "stop"] as const) {
    Object.defineProperty(lazy, key, { get: () => rig![key] });
  }
  return lazy;
}

/** Runs `fn` and asserts it finished within `ms` (a generous bound, not a benchmark). */
/**
 * How long a fault may take to end under the rig's timeouts (all 300–400 ms, a failover at most doubles
 * them): far below every default (connect 10 s, idle 120 s, api 600 s), so a configured bound that is
 * not applied still fails, while a busy machine's scheduling delays (1.3 s seen at load 22) do not.
 */
export const FAULT_BOUND_MS = 8000;

export async function within<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const result = await fn();
  expect(performance.now() - t0).toBeLessThan(ms);
  return result;
}

/** Anthropic SSE text → [event name, data] pairs. */
export function eventsOf(text: string): { event: string; data: any }[] {
  return text
    .split(/\n\n/)
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "";
      const data = /^data: (.*)$/m.exec(block)?.[1];
      return { event, data: data === undefined ? undefined : safeJson(data) };
    });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
