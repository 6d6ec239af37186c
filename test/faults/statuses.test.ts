// Upstream error statuses: which fail over, and what the client sees when none is left.
import { describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { json, status } from "../helpers/fake-upstream.ts";
import { MESSAGE, useFaultRig, FAULT_BOUND_MS, within } from "../helpers/fault-rig.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const r = useFaultRig();

const ask = (model: string) =>
  r.client.messages.create({ model, max_tokens: 5, messages: [{ role: "user", content: "hi" }] });
const anthropicError = (type: string, message: string) => ({ type: "error", error: { type, message } });

const RETRYABLE = [
  { code: 429, type: "rate_limit_error", headers: { "retry-after": "7" }, sdk: Anthropic.RateLimitError },
  { code: 500, type: "api_error", headers: {}, sdk: Anthropic.InternalServerError },
  { code: 502, type: "api_error", headers: {}, sdk: Anthropic.InternalServerError },
  { code: 503, type: "api_error", headers: {}, sdk: Anthropic.InternalServerError },
  { code: 529, type: "overloaded_error", headers: {}, sdk: Anthropic.InternalServerError },
] as const;

describe.each(RETRYABLE)("upstream $code", ({ code, type, headers, sdk }) => {
  test("fails over to the next provider", async () => {
    r.primary.reply(status(code, anthropicError(type, `upstream said ${code}`), headers));
    r.backup.reply(json(MESSAGE));
    const { data, response } = await within(FAULT_BOUND_MS, () => ask("pass").withResponse());
    expect(data.id).toBe("msg_fault");
    expect(response.headers.get("x-ccmux-provider")).toBe("backup");
  });

  test(`alone, the client gets ${code} ${type}`, async () => {
    r.primary.reply(status(code, anthropicError(type, `upstream said ${code}`), headers));
    const err = await within(FAULT_BOUND_MS, () => ask("solo").catch((e) => e));
    expect(err).toBeInstanceOf(sdk);
    expect(err.status).toBe(code);
    expect(err.error.error.type).toBe(type);
    expect(err.error.error.message).toContain(`upstream said ${code}`);
    if (code === 429) expect(err.headers.get("retry-after")).toBe("7");
  });
});

describe.each([
  { code: 400, type: "invalid_request_error", sdk: Anthropic.BadRequestError },
  { code: 401, type: "authentication_error", sdk: Anthropic.AuthenticationError },
])("upstream $code", ({ code, type, sdk }) => {
  test("goes back to the client as is, without trying the next provider", async () => {
    r.primary.reply(status(code, anthropicError(type, `upstream said ${code}`)));
    const err = await within(FAULT_BOUND_MS, () => ask("pass").catch((e) => e));
    expect(err).toBeInstanceOf(sdk);
    expect(err.status).toBe(code);
    expect(err.error.error).toEqual({ type, message: `upstream said ${code}` });
    expect(r.backup.requests).toHaveLength(0);
  });
});

describe("a translated (OpenAI-compatible) upstream", () => {
  test("503 fails over; 400 does not", async () => {
    r.primary.reply(status(503, { error: { message: "busy", type: "server_error" } }));
    r.backup.reply(json(MESSAGE));
    expect(
      (await within(FAULT_BOUND_MS, () => ask("oai-fo").withResponse())).response.headers.get("x-ccmux-provider"),
    ).toBe("backup");
    r.primary.reply(status(400, { error: { message: "bad input", type: "invalid_request_error" } }));
    const err = await within(FAULT_BOUND_MS, () => ask("oai-fo").catch((e) => e));
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect(err.error.error.type).toBe("invalid_request_error");
    expect(r.backup.requests).toHaveLength(1);
  });

  test("429 alone is a rate_limit_error", async () => {
    r.primary.reply(
      status(429, { error: { message: "slow down", type: "rate_limit_exceeded" } }, { "retry-after": "3" }),
    );
    const err = await within(FAULT_BOUND_MS, () => ask("oai").catch((e) => e));
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect(err.error.error.type).toBe("rate_limit_error");
  });
});
