// The OpenAI front door's finishing touches, driven by the official SDKs: /v1/models in each
// client's own shape, the target model's output limit when no max_tokens is sent, and
// response_format json_object rendered for each upstream dialect.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { replyInDialect } from "../helpers/dialect-replies.ts";
import { startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import {
  model,
  provider,
  startInProcess,
  testConfig,
  translatedProviders,
  type InProcessServer,
} from "../helpers/in-process.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";
import { JSON_OBJECT_INSTRUCTION } from "../../src/translate/anthropic/json-object.ts";

boundTestsForBusyMachine();

let up: FakeUpstream;
let ccmux: InProcessServer;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  up = await startFakeUpstream();
  const config = testConfig({
    providers: [provider("anth", up.url), ...translatedProviders(up.url)],
    models: [
      model("claude", ["anth", "claude-sonnet-4-5"]),
      model("glm", ["chat", "glm-4.6"]),
      model("local", ["chat", "my-local-model"]),
      model("gem", ["gem", "gemini-2.5-pro"]),
      model("resp", ["resp", "gpt-5.1"]),
    ],
    router: { default: "claude", long_context_threshold: 1_000_000, auto_map_regex: "^$" },
  });
  ccmux = await startInProcess({ ...config, output_limits: { "my-local-model": 12_345 } });
  openai = new OpenAI({ baseURL: `${ccmux.url}/v1`, apiKey: "k", maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: ccmux.url, apiKey: "k", maxRetries: 0 });
});

afterAll(async () => {
  await ccmux.stop();
  await up.stop();
});

afterEach(() => up.clear());

const NAMES = ["claude", "glm", "local", "gem", "resp"];

describe("GET /v1/models in the client's shape", () => {
  test("openai: models.list and models.retrieve; an unknown id is a 404 in OpenAI's shape", async () => {
    const page = await openai.models.list();
    expect(page.data.map((m) => [m.id, m.object, m.owned_by])).toEqual(NAMES.map((n) => [n, "model", "ccmux"]));
    const one = await openai.models.retrieve("glm");
    expect(one).toMatchObject({ id: "glm", object: "model", owned_by: "ccmux" });
    expect(typeof one.created).toBe("number");
    const err = await openai.models.retrieve("nope").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).error).toMatchObject({ type: "not_found_error" });
  });

  test("@anthropic-ai/sdk: models.list and models.retrieve; an unknown id is a 404 in Anthropic's shape", async () => {
    const page = await anthropic.models.list();
    expect(page.data.map((m) => [m.id, m.type])).toEqual(NAMES.map((n) => [n, "model"]));
    expect(await anthropic.models.retrieve("gem")).toMatchObject({ id: "gem", type: "model", display_name: "gem" });
    const err = await anthropic.models.retrieve("nope").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.NotFoundError);
    expect((err as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({
      type: "error",
      error: { type: "not_found_error" },
    });
  });

  test("a Bearer token with anthropic-version is an Anthropic client", async () => {
    const res = await fetch(`${ccmux.url}/v1/models`, {
      headers: { authorization: "Bearer k", "anthropic-version": "2023-06-01" },
    });
    expect((await res.json()).data[0].type).toBe("model");
  });
});

const hi: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: "user", content: "hi" }];

describe("chat.completions without max_tokens", () => {
  test("the upstream gets the target model's output limit (table or [output_limits]), not 4096", async () => {
    up.setDefault((req) => replyInDialect(req, { text: ["ok"] }));
    await openai.chat.completions.create({ model: "claude", messages: hi });
    await openai.chat.completions.create({ model: "local", messages: hi });
    await openai.chat.completions.create({ model: "gem", messages: hi });
    await openai.chat.completions.create({ model: "resp", messages: hi, stream: true }).then(async (s) => {
      for await (const _ of s);
    });
    const [claude, local, gem, resp] = up.requests.map((r) => r.json());
    expect(claude.max_tokens).toBe(64_000);
    expect(local.max_tokens).toBe(12_345);
    expect(gem.generationConfig.maxOutputTokens).toBe(65_536);
    expect(resp.max_output_tokens).toBe(128_000);
  });

  test("an explicit max_tokens is sent as is", async () => {
    up.setDefault((req) => replyInDialect(req, { text: ["ok"] }));
    await openai.chat.completions.create({ model: "claude", messages: hi, max_tokens: 77 });
    expect(up.requests[0]!.json().max_tokens).toBe(77);
  });
});

describe("response_format json_object", () => {
  test("each dialect gets it its own way; the client gets the JSON text", async () => {
    up.setDefault((req) => replyInDialect(req, { text: ['{"a":', "1}"] }));
    for (const m of ["claude", "glm", "gem", "resp"]) {
      const res = await openai.chat.completions.create({
        model: m,
        messages: [{ role: "user", content: "answer in JSON" }],
        response_format: { type: "json_object" },
      });
      expect(JSON.parse(res.choices[0]!.message.content!)).toEqual({ a: 1 });
    }
    const [claude, glm, gem, resp] = up.requests.map((r) => r.json());
    expect(claude.output_config).toBeUndefined();
    expect(claude.system).toEqual([{ type: "text", text: JSON_OBJECT_INSTRUCTION }]);
    expect(glm.response_format).toEqual({ type: "json_object" });
    expect(gem.generationConfig.responseMimeType).toBe("application/json");
    expect(resp.text.format).toEqual({ type: "json_object" });
  });
});
