import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { sse, startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { readFixture, splitSseEvents } from "../helpers/sse.ts";
import { freePort, REPO_ROOT } from "../helpers/spawn.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let upstream: FakeUpstream;
let proc: ReturnType<typeof Bun.spawn>;
let url: string;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  const dir = join(process.env.CCMUX_TEST_ROOT!, "deno");
  const config = join(dir, "config.toml");
  await Bun.write(
    config,
    `[router]\ndefault = "m"\n[[providers]]\nname = "a"\nprovider_type = "anthropic"\nbase_url = "${upstream.url}"\napi_key = "k"\nmodels = []\n[[models]]\nname = "m"\n[[models.mappings]]\npriority = 1\nprovider = "a"\nactual_model = "up"\n`,
  );
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const deno = join(REPO_ROOT, "node_modules/.bin/deno");
  proc = Bun.spawn([deno, "run", "-A", "src/main.ts", "serve", "--config", config, "--port", String(port)], {
    cwd: REPO_ROOT,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" },
  });
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await Bun.sleep(100);
  }
  throw new Error(`deno server did not start: ${await new Response(proc.stderr as ReadableStream).text()}`);
}, 60_000);

afterAll(async () => {
  proc?.kill("SIGTERM");
  await proc?.exited;
  await upstream?.stop();
});

test("under Deno, the same server streams a request through", async () => {
  const health = await (await fetch(`${url}/health`)).json();
  expect(health.runtime).toBe("deno");
  const fixture = readFixture("anthropic/stream-tool-use.sse");
  upstream.reply(sse(splitSseEvents(fixture)));
  const client = new Anthropic({ baseURL: url, apiKey: "x", maxRetries: 0 });
  const final = await client.messages
    .stream({ model: "m", max_tokens: 50, messages: [{ role: "user", content: "hi" }] })
    .finalMessage();
  expect(final.stop_reason).toBe("tool_use");
  expect(upstream.requests[0]!.json().model).toBe("up");
});
