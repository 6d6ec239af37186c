import { afterAll, beforeAll, expect, test } from "bun:test";
import { sse, startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { readFixture, splitSseEvents } from "../helpers/sse.ts";
import { startCcmuxServer } from "../helpers/spawn.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let up: FakeUpstream;

beforeAll(async () => {
  up = await startFakeUpstream();
});

afterAll(async () => {
  await up.stop();
});

const config = (url: string) =>
  `[router]\ndefault = "m"\n[[providers]]\nname = "a"\nprovider_type = "anthropic"\nbase_url = "${url}"\napi_key = "k"\nmodels = []\n[[models]]\nname = "m"\n[[models.mappings]]\npriority = 1\nprovider = "a"\nactual_model = "x"\n`;

test("SIGTERM: new connections are refused, the in-flight stream finishes whole, then exit 0", async () => {
  const server = await startCcmuxServer({ configText: config(up.url) });
  const fixture = readFixture("anthropic/stream-text.sse");
  up.reply(sse(splitSseEvents(fixture), { delayMs: 150 }));
  const res = await fetch(`${server.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "m", max_tokens: 5, stream: true, messages: [{ role: "user", content: "hi" }] }),
  });
  const reader = res.body!.getReader();
  let text = new TextDecoder().decode((await reader.read()).value);
  server.proc.kill("SIGTERM");
  await Bun.sleep(100);
  const refused = await fetch(`${server.url}/health`).then(
    () => false,
    () => true,
  );
  expect(refused).toBe(true);
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  expect(text).toBe(fixture);
  expect(await server.proc.exited).toBe(0);
}, 30_000);
