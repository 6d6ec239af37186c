// Faults in whole (non-streamed) bodies: not JSON at all, and very large.
import { describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { bigBody, invalidJson, json, stallAfter } from "../helpers/fake-upstream.ts";
import { MESSAGE, useFaultRig, FAULT_BOUND_MS, within } from "../helpers/fault-rig.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const r = useFaultRig();

const ask = (model: string) =>
  r.client.messages.create({ model, max_tokens: 5, messages: [{ role: "user", content: "hi" }] });

describe("a 200 whose body is not JSON", () => {
  // A pass-through answer is relayed byte for byte, but a whole answer is checked first: a client
  // that cannot parse a 200 would not retry, while a 502 is retried by Claude Code and fails over here.
  test("pass-through: fails over to the next provider", async () => {
    r.primary.reply(invalidJson());
    r.backup.reply(json(MESSAGE));
    const { data, response } = await within(FAULT_BOUND_MS, () => ask("pass").withResponse());
    expect(data.id).toBe("msg_fault");
    expect(response.headers.get("x-ccmux-provider")).toBe("backup");
  });

  test("pass-through alone: a 502 api_error naming the provider", async () => {
    r.primary.reply(invalidJson());
    const err = await within(FAULT_BOUND_MS, () => ask("solo").catch((e) => e));
    expect(err).toBeInstanceOf(Anthropic.InternalServerError);
    expect(err.status).toBe(502);
    expect(err.error.error.type).toBe("api_error");
    expect(err.error.error.message).toContain("primary: upstream answered 200 with a body that is not valid JSON");
  });

  test("translated: fails over, and alone is a 502 api_error", async () => {
    r.primary.reply(invalidJson());
    r.backup.reply(json(MESSAGE));
    expect(
      (await within(FAULT_BOUND_MS, () => ask("oai-fo").withResponse())).response.headers.get("x-ccmux-provider"),
    ).toBe("backup");
    r.primary.reply(invalidJson());
    const err = await within(FAULT_BOUND_MS, () => ask("oai").catch((e) => e));
    expect(err.status).toBe(502);
    expect(err.error.error.type).toBe("api_error");
  });

  test("a whole body that stalls half-way is cut after api_timeout_ms and fails over", async () => {
    r.primary.reply(
      stallAfter('{"id":"msg_half","type":"message","content":[', { headers: { "content-type": "application/json" } }),
    );
    r.backup.reply(json(MESSAGE));
    const res = await within(FAULT_BOUND_MS, () => r.post({ model: "pass" }));
    expect(res.headers.get("x-ccmux-provider")).toBe("backup");
  });
});

describe("a 50 MB answer", () => {
  // Its own rig: the file's rig keeps api_timeout_ms at 400 ms to test stalls, and that bound also
  // covers the read of a whole non-streamed body, which for 50 MB on a loaded machine takes longer.
  // This test is about the bytes arriving intact, not about speed.
  const big = useFaultRig({ timeouts: { api_timeout_ms: 120_000 } });

  test("is relayed whole and intact", async () => {
    const size = 50 * 1024 * 1024;
    big.primary.reply(bigBody(size));
    const res = await big.post({ model: "pass" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ccmux-provider")).toBe("primary");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.byteLength).toBe(size);
    const text = new TextDecoder().decode(bytes.subarray(bytes.byteLength - 200));
    expect(text.endsWith('"usage":{"input_tokens":1,"output_tokens":1}}')).toBe(true);
  }, 120_000);
});
