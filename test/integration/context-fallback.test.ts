import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Config } from "../../src/config/types.ts";
import { json, startFakeUpstream, status, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { BACKUP_MESSAGE } from "../helpers/translated-upstreams.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const TOO_LONG = {
  type: "error",
  error: { type: "invalid_request_error", message: "prompt is too long: 250000 tokens > 200000 maximum" },
};

let small: FakeUpstream;
let smaller: FakeUpstream;
let big: FakeUpstream;

beforeAll(async () => {
  [small, smaller, big] = await Promise.all([startFakeUpstream(), startFakeUpstream(), startFakeUpstream()]);
  small.setDefault(status(400, TOO_LONG));
  smaller.setDefault(json(BACKUP_MESSAGE));
  big.setDefault(json(BACKUP_MESSAGE));
});

afterAll(async () => {
  await Promise.all([small.stop(), smaller.stop(), big.stop()]);
});

async function serve(extra: Partial<Config> = {}): Promise<InProcessServer> {
  small.clear();
  smaller.clear();
  big.clear();
  const config = testConfig({
    providers: [provider("small", small.url), provider("smaller", smaller.url), provider("big", big.url)],
    models: [
      model("m", ["small", "claude-sonnet-4-5"], ["smaller", "gpt-4o"]),
      model("long", ["big", "claude-sonnet-4-5[1m]"]),
    ],
    router: { default: "m", long_context: "long", long_context_threshold: 10_000_000 },
  });
  return startInProcess({ ...config, ...extra });
}

const post = (ccmux: InProcessServer) =>
  fetch(`${ccmux.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "a very long prompt" }] }),
  });

test("a too-long prompt goes to the long_context model whose window holds it, never to a smaller fallback", async () => {
  const ccmux = await serve();
  const res = await post(ccmux);
  expect(res.status).toBe(200);
  expect(res.headers.get("x-ccmux-route")).toBe("long-context");
  expect(res.headers.get("x-ccmux-provider")).toBe("big");
  expect((await big.waitForRequests(1))[0]!.json().model).toBe("claude-sonnet-4-5[1m]");
  expect(smaller.requests).toHaveLength(0);
  await ccmux.stop();
});

test("when no larger window holds it, the answer is Anthropic's exact wording, so Claude Code compacts", async () => {
  const ccmux = await serve({ context_windows: { "claude-sonnet-4-5[1m]": 240_000 } });
  const res = await post(ccmux);
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual(TOO_LONG);
  expect(big.requests).toHaveLength(0);
  expect(smaller.requests).toHaveLength(0);
  await ccmux.stop();
});
