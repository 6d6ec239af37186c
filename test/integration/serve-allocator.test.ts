// `ccmux serve` runs with the allocator settings multi-MB bodies need (src/runtime/allocator.ts):
// restarted in place (same pid) with them, or with the user's own value when one is set.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { ALLOCATOR_ENV, withAllocatorEnv } from "../../src/runtime/allocator.ts";
import { json, startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { readFixtureJson } from "../helpers/sse.ts";
import { startCcmuxServer } from "../helpers/spawn.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const configText = (upstream: string) =>
  [
    'server = { host = "127.0.0.1", port = 13456, log_level = "warn" }',
    'router = { default = "m" }',
    `providers = [{ name = "up", provider_type = "anthropic", api_key = "k-alloc-test-key", base_url = "${upstream}" }]`,
    'models = [{ name = "m", mappings = [{ priority = 1, provider = "up", actual_model = "x" }] }]',
    "",
  ].join("\n");

/** The environment the process at `pid` runs with (Linux). */
function environOf(pid: number): Record<string, string> {
  const pairs = readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").filter(Boolean);
  return Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]));
}

let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.setDefault(json(readFixtureJson("anthropic/response-tool-use.json")));
});

afterAll(async () => {
  await upstream.stop();
});

describe.if(process.platform === "linux")("serve's allocator settings", () => {
  test("serve restarts itself in place (the same pid answers /health) with MIMALLOC_PURGE_DELAY", async () => {
    const ccmux = await startCcmuxServer({ configText: configText(upstream.url) });
    try {
      const health = (await (await fetch(`${ccmux.url}/health`)).json()) as { pid?: number };
      expect(health.pid).toBe(ccmux.proc.pid);
      expect(environOf(ccmux.proc.pid).MIMALLOC_PURGE_DELAY).toBe(ALLOCATOR_ENV.MIMALLOC_PURGE_DELAY);
    } finally {
      await ccmux.stop();
    }
  });

  test("a value the user set is kept", async () => {
    const ccmux = await startCcmuxServer({
      configText: configText(upstream.url),
      env: { MIMALLOC_PURGE_DELAY: "250" },
    });
    try {
      expect(environOf(ccmux.proc.pid).MIMALLOC_PURGE_DELAY).toBe("250");
    } finally {
      await ccmux.stop();
    }
  });
});

describe("withAllocatorEnv", () => {
  test("adds what is missing and never replaces what is set", () => {
    expect(withAllocatorEnv({ A: "1" })).toEqual({ A: "1", ...ALLOCATOR_ENV });
    expect(withAllocatorEnv({ MIMALLOC_PURGE_DELAY: "0" }).MIMALLOC_PURGE_DELAY).toBe("0");
  });
});
