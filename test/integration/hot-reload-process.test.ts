import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { json, startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { startCcmuxServer, type CcmuxServer } from "../helpers/spawn.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const OK = {
  id: "msg_p",
  type: "message",
  role: "assistant",
  model: "x",
  content: [{ type: "text", text: "ok" }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 1, output_tokens: 1 },
};

let a: FakeUpstream;
let b: FakeUpstream;
let ccmux: CcmuxServer;

const configText = (target: FakeUpstream) => `[server]
host = "127.0.0.1"
port = 13456

[router]
default = "m"

[[providers]]
name = "up"
provider_type = "anthropic"
api_key = "k"
base_url = "${target.url}"

[[models]]
name = "m"

[[models.mappings]]
priority = 1
provider = "up"
actual_model = "x"
`;

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}\n--- stdout ---\n${ccmux.stdout()}\n--- stderr ---\n${ccmux.stderr()}`,
      );
    await Bun.sleep(25);
  }
}

const post = () =>
  fetch(`${ccmux.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
  });

beforeAll(async () => {
  [a, b] = await Promise.all([startFakeUpstream(), startFakeUpstream()]);
  a.setDefault(json(OK));
  b.setDefault(json(OK));
  ccmux = await startCcmuxServer({ configText: configText(a) });
});

afterAll(async () => {
  await ccmux.stop();
  await Promise.all([a.stop(), b.stop()]);
});

describe("ccmux serve reloads its config", () => {
  test("an edited file applies without a restart; --port still wins, so no restart warning", async () => {
    expect((await post()).status).toBe(200);
    expect(a.requests).toHaveLength(1);
    writeFileSync(ccmux.configPath!, configText(b));
    await until("the reload log line", () => /config reloaded \(file changed\)/.test(ccmux.stdout()));
    expect((await post()).status).toBe(200);
    expect(b.requests).toHaveLength(1);
    expect(ccmux.stderr()).not.toContain("needs a restart");
  });

  test("SIGHUP reloads on demand", async () => {
    ccmux.proc.kill("SIGHUP");
    await until("the SIGHUP reload", () => /config reloaded \(SIGHUP\)/.test(ccmux.stdout()));
    expect((await fetch(`${ccmux.url}/health`)).status).toBe(200);
  });
});
