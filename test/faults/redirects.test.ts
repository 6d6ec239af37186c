// Redirects are never followed: a 3xx from a provider or a token endpoint is an error naming where
// it pointed, and the target never sees a second request carrying the key, the headers or the prompt.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { createAdcSource } from "../../src/auth/adc.ts";
import { startFakeUpstream, status, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let origin: FakeUpstream;
let target: FakeUpstream;
let ccmux: InProcessServer;

beforeAll(async () => {
  [origin, target] = await Promise.all([startFakeUpstream(), startFakeUpstream()]);
  const config = testConfig({
    providers: [
      provider("anth", origin.url, { api_key: "anth-credential-0001", headers: { "x-custom": "custom-0001" } }),
      provider("oai", `${origin.url}/v1`, { provider_type: "openai-compatible", api_key: "oai-credential-0002" }),
      provider("gem", `${origin.url}/v1beta`, { provider_type: "gemini", api_key: "gem-credential-0003" }),
    ],
    models: [model("anth", ["anth", "a1"]), model("oai", ["oai", "o1"]), model("gem", ["gem", "g1"])],
    router: { default: "anth", long_context_threshold: 10_000_000 },
  });
  ccmux = await startInProcess(config);
});

afterAll(async () => {
  await ccmux.stop();
  await Promise.all([origin.stop(), target.stop()]);
});

afterEach(() => {
  origin.clear();
  target.clear();
});

const targetHost = () => new URL(target.url).host;
const redirect = (code: number) => status(code, "", { location: `${target.url}/steal?key=leaked-query-value` });

async function ask(modelName: string, stream: boolean): Promise<{ status: number; text: string }> {
  const res = await fetch(`${ccmux.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: modelName,
      stream,
      max_tokens: 8,
      messages: [{ role: "user", content: "the prompt" }],
    }),
  });
  return { status: res.status, text: await res.text() };
}

describe("a provider that redirects", () => {
  for (const code of [301, 302, 303, 307, 308]) {
    test(`${code}: a 502 naming the provider and the target host, nothing sent to the target`, async () => {
      origin.reply(redirect(code));
      const { status: got, text } = await ask("anth", false);
      expect(got).toBe(502);
      const message = JSON.parse(text).error.message as string;
      expect(message).toContain("anth:");
      expect(message).toContain(`${targetHost()}/steal`);
      expect(message).not.toContain("leaked-query-value");
      expect(origin.requests.length).toBe(1);
      expect(target.requests.length).toBe(0);
    });
  }

  test("translated dialects too (OpenAI Chat, Gemini), streamed or not", async () => {
    for (const [name, stream] of [
      ["oai", true],
      ["gem", false],
      ["gem", true],
    ] as const) {
      origin.reply(redirect(307));
      const { status: got, text } = await ask(name, stream);
      expect(got).toBe(502);
      expect(text).toContain(`${name}: upstream answered 307 redirecting to ${targetHost()}/steal`);
    }
    expect(target.requests.length).toBe(0);
  });
});

describe("a token endpoint that redirects", () => {
  test("Google ADC: the refresh token is not re-sent; the exchange fails naming the target host", async () => {
    origin.reply(redirect(307));
    const adc = createAdcSource({
      env: { GOOGLE_APPLICATION_CREDENTIALS: "/adc.json", CCMUX_GOOGLE_TOKEN_URL: `${origin.url}/token` },
      fetch: (input, init) => fetch(input, init),
      readText: async () =>
        JSON.stringify({
          type: "authorized_user",
          client_id: "client-id",
          client_secret: "client-credential",
          refresh_token: "refresh-credential-0004",
        }),
    });
    const err = (await adc.get().catch((e) => e)) as Error;
    expect(err.message).toContain(`redirecting to ${targetHost()}/steal`);
    expect(err.message).not.toContain("leaked-query-value");
    expect(origin.requests.length).toBe(1);
    expect(target.requests.length).toBe(0);
  });
});
