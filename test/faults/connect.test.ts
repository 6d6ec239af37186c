// Faults before a connection exists: refused, unresolvable, and a connect that never completes.
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { createConnectGate } from "../../src/providers/connect-gate.ts";
import { json, startFakeUpstream } from "../helpers/fake-upstream.ts";
import { MESSAGE, startFaultRig, FAULT_BOUND_MS, within, type FaultRig } from "../helpers/fault-rig.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

/**
 * A 64-character label is not a valid DNS name, so the resolver refuses it locally without
 * sending a query (unlike a plain `.invalid` name, which this machine's resolver forwards).
 */
const UNRESOLVABLE = `http://${"x".repeat(64)}.invalid`;

const rigs: FaultRig[] = [];
async function rig(opts: Parameters<typeof startFaultRig>[0]): Promise<FaultRig> {
  const r = await startFaultRig(opts);
  rigs.push(r);
  return r;
}

afterEach(async () => {
  for (const r of rigs) await r.settle();
});
afterAll(async () => {
  for (const r of rigs) await r.stop();
});

describe("connection refused", () => {
  let r: FaultRig;
  test("fails over to the next provider", async () => {
    const dead = await startFakeUpstream();
    const deadUrl = dead.url;
    await dead.stop();
    r = await rig({ farUrl: deadUrl });
    r.backup.reply(json(MESSAGE));
    const msg = await within(FAULT_BOUND_MS, () =>
      r.client.messages.create({ model: "far-fo", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
    );
    expect(msg.id).toBe("msg_fault");
  });

  test("alone, it is a 502 api_error naming the provider and the refusal", async () => {
    const err = await within(FAULT_BOUND_MS, () =>
      r.client.messages
        .create({ model: "far", max_tokens: 5, messages: [{ role: "user", content: "hi" }] })
        .catch((e) => e),
    );
    expect(err).toBeInstanceOf(Anthropic.InternalServerError);
    expect(err.status).toBe(502);
    expect(err.error.error.type).toBe("api_error");
    expect(err.error.error.message).toMatch(/far: .*ECONNREFUSED/);
  });
});

describe("an unresolvable host", () => {
  test("fails fast and offline, and fails over", async () => {
    const r = await rig({ farUrl: UNRESOLVABLE });
    r.backup.reply(json(MESSAGE));
    const res = await within(FAULT_BOUND_MS, () => r.post({ model: "far-fo" }));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ccmux-provider")).toBe("backup");
    const alone = await within(FAULT_BOUND_MS, () => r.post({ model: "far" }));
    expect(alone.status).toBe(502);
    const body = await alone.json();
    expect(body.error.type).toBe("api_error");
    expect(body.error.message).toMatch(/ENOTFOUND|could not connect|resolve/i);
  });
});

describe("a connect that never completes", () => {
  // A SYN that is never answered cannot be produced on loopback without privileges, so the
  // connect gate gets a connector that never connects; the fetch itself reaches a fake that
  // never answers, so only the connect timeout (300 ms, below api_timeout_ms) can end it.
  const never = (_h: string, _p: number, signal: AbortSignal) =>
    new Promise<void>((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted"))));

  test("is cut at connect_timeout_ms with a retryable 504 and fails over", async () => {
    const r = await rig({ connectGate: createConnectGate({ connect: never }), timeouts: { api_timeout_ms: 10_000 } });
    r.primary.reply({ kind: "hang" });
    r.backup.reply(json(MESSAGE));
    const res = await within(FAULT_BOUND_MS, () => r.post({ model: "pass" }));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ccmux-provider")).toBe("backup");
    expect(r.ccmux.logs.join("")).toMatch(
      /primary failed \(504\): primary: could not connect to 127\.0\.0\.1:\d+ within 300 ms/,
    );
  });

  test("alone, the client gets 504 timeout_error", async () => {
    const r = rigs.at(-1)!;
    r.primary.reply({ kind: "hang" });
    const res = await within(FAULT_BOUND_MS, () => r.post({ model: "solo" }));
    expect(res.status).toBe(504);
    const body = await res.json();
    expect(body.error.type).toBe("timeout_error");
    expect(body.error.message).toMatch(/could not connect to 127\.0\.0\.1:\d+ within 300 ms/);
  });
});
