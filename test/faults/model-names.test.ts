// Model names are data: a catch-all mapping forwards the client's name, which must stay inside the
// model endpoint's URL, fit in a header, and be refused before sending when no upstream takes it.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { json, startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { startFakeGoogleToken, writeServiceAccount, type FakeGoogleToken } from "../helpers/fake-google-token.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { MESSAGE } from "../helpers/fault-rig.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const GEMINI_ANSWER = { candidates: [{ content: { role: "model", parts: [{ text: "fine" }] }, finishReason: "STOP" }] };

let up: FakeUpstream;
let google: FakeGoogleToken;
let ccmux: InProcessServer;
let client: Anthropic;

beforeAll(async () => {
  up = await startFakeUpstream();
  const dir = mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "model-names-"));
  const account = await writeServiceAccount(dir);
  google = await startFakeGoogleToken({ publicKey: account.publicKey });
  const config = testConfig({
    providers: [
      provider("anthropic", up.url),
      provider("gemini", `${up.url}/v1beta`, { provider_type: "gemini", api_key: "gemini-fake-key" }),
      provider("vertex", `${up.url}/v1`, {
        provider_type: "vertex-ai",
        auth_type: "adc",
        api_key: undefined,
        project_id: "my-proj",
        location: "us-central1",
      }),
    ],
    models: [model("*", ["anthropic", "*"], ["gemini", "*"], ["vertex", "*"])],
    // Every name is forwarded as given (no claude* auto-mapping to the default).
    router: { default: "*", auto_map_regex: "^$", long_context_threshold: 60_000 },
  });
  ccmux = await startInProcess(config, {
    env: { GOOGLE_APPLICATION_CREDENTIALS: account.path, CCMUX_GOOGLE_TOKEN_URL: google.url },
  });
  client = new Anthropic({ baseURL: ccmux.url, apiKey: "client-key", maxRetries: 0 });
});

afterAll(async () => {
  await ccmux.stop();
  await Promise.all([up.stop(), google.stop()]);
});

afterEach(() => {
  up.clear();
  ccmux.deps.health.reset();
});

/** The official SDK's call, pinned to one provider of the catch-all with `x-provider`. */
const ask = (modelName: string, providerName: string) =>
  client.messages
    .create(
      { model: modelName, max_tokens: 16, messages: [{ role: "user", content: "hi" }] },
      { headers: { "x-provider": providerName } },
    )
    .withResponse();

/** Names a catch-all forwards as they are: each must reach the model endpoint as one path segment. */
const STEERING = [
  "gemini-2.5-pro:countTokens",
  "../../../v1beta/files",
  "gemini-2.5-pro?key=other#frag",
  "gemini/../../cachedContents",
  "%2e%2e%2fmodels",
  "claude-x/../../../google/models/gemini-2.5-pro",
];

describe("model names in URLs", () => {
  test("Gemini: a name with ../, ?, # or : stays one segment of the model's generateContent path", async () => {
    for (const name of STEERING) {
      up.reply(json(GEMINI_ANSWER));
      const { data } = await ask(name, "gemini");
      expect(data.content).toMatchObject([{ type: "text", text: "fine" }]);
      const [req] = await up.waitForRequests(1);
      up.clear();
      expect(req!.path).toBe(`/v1beta/models/${encodeURIComponent(name)}:generateContent`);
      expect(req!.headers["x-goog-api-key"]).toBe("gemini-fake-key");
    }
  });

  test("Vertex: the name stays in the publisher's model segment, for Gemini and Claude models", async () => {
    const publishers = "/v1/projects/my-proj/locations/us-central1/publishers";
    for (const name of [...STEERING, "claude-sonnet-4-5@20250929"]) {
      const claude = name.startsWith("claude");
      up.reply(json(claude ? MESSAGE : GEMINI_ANSWER));
      const { data } = await ask(name, "vertex");
      expect(data.content).toMatchObject([{ type: "text", text: "fine" }]);
      const [req] = await up.waitForRequests(1);
      up.clear();
      const segment = encodeURIComponent(name).replaceAll("%40", "@");
      const expected = claude
        ? `${publishers}/anthropic/models/${segment}:rawPredict`
        : `${publishers}/google/models/${segment}:generateContent`;
      expect(req!.path).toBe(expected);
    }
  });
});

describe("model names in headers", () => {
  test("a weird but valid name is answered, and x-ccmux-model carries it percent-encoded", async () => {
    for (const name of ["模型-ü", "claude\u2028sonnet", "name with 100% spaces"]) {
      up.reply(json(MESSAGE));
      const { data, response } = await ask(name, "anthropic");
      expect(data.content).toMatchObject([{ type: "text", text: "fine" }]);
      expect((await up.waitForRequests(1))[0]!.json().model).toBe(name);
      up.clear();
      const header = response.headers.get("x-ccmux-model")!;
      expect(header).toMatch(/^[\x20-\x7e]+$/);
      expect(decodeURIComponent(header)).toBe(name);
    }
  });

  test("plain names go into the header unchanged", async () => {
    up.reply(json(MESSAGE));
    const { response } = await ask("anthropic/claude-sonnet-4.5:beta", "anthropic");
    expect(response.headers.get("x-ccmux-model")).toBe("anthropic/claude-sonnet-4.5:beta");
  });
});

const IMPOSSIBLE: [string, RegExp][] = [
  ["claude\nsonnet", /control character \(U\+000A\)/],
  ["claude\r\nx-evil: 1", /control character \(U\+000D\)/],
  ["a\u0000b", /control character \(U\+0000\)/],
  ["next\u0085line", /control character \(U\+0085\)/],
  ["half\ud800", /lone UTF-16 surrogate \(U\+D800\)/],
  ["   ", /empty/],
  ["m".repeat(300), /300 characters long \(at most 256\)/],
];

describe("impossible model names", () => {
  test("are a 400 in Anthropic's shape before anything is sent, and no provider's health changes", async () => {
    for (const [name, why] of IMPOSSIBLE) {
      const err = await client.messages
        .create({ model: name, max_tokens: 16, messages: [{ role: "user", content: "hi" }] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.BadRequestError);
      const body = (err as InstanceType<typeof Anthropic.BadRequestError>).error as any;
      expect(body.type).toBe("error");
      expect(body.error.type).toBe("invalid_request_error");
      expect(body.error.message).toMatch(why);
    }
    const counted = await fetch(`${ccmux.url}/v1/messages/count_tokens`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "a\nb", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(counted.status).toBe(400);
    expect(up.requests).toHaveLength(0);
    for (const name of ["anthropic", "gemini", "vertex"]) {
      expect(ccmux.deps.health.snapshot(name)).toMatchObject({ state: "healthy", consecutive_failures: 0 });
    }
  });

  test("are a 400 in OpenAI's shape on the OpenAI route", async () => {
    const openai = new OpenAI({ baseURL: `${ccmux.url}/v1`, apiKey: "client-key", maxRetries: 0 });
    const err = await openai.chat.completions
      .create({ model: "gpt\u0007bell", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const error = (err as InstanceType<typeof OpenAI.BadRequestError>).error as any;
    expect(error.type).toBe("invalid_request_error");
    expect(error.message).toMatch(/control character \(U\+0007\)/);
    expect(up.requests).toHaveLength(0);
  });
});
