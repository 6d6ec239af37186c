import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { json, sse, startFakeUpstream, status, type FakeUpstream } from "../helpers/fake-upstream.ts";
import type { InProcessServer } from "../helpers/in-process.ts";
import { readFixture } from "../helpers/sse.ts";
import { ask, BIG_MESSAGE, published, startUsageRig, usageConfig } from "../helpers/usage-rig.ts";
import { runtime } from "../../src/runtime/index.ts";
import type { UsageReport } from "../../src/usage/report.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const dir = join(process.env.CCMUX_TEST_ROOT!, "usage-history");
mkdirSync(dir, { recursive: true });

let upstream: FakeUpstream;
const MESSAGE = BIG_MESSAGE;
const rig = (file: string) => startUsageRig(file, usageConfig(upstream.url));

async function usageApi(ccmux: InProcessServer, query: string): Promise<Response> {
  return fetch(`${ccmux.url}/api/usage?${query}`);
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
});

afterAll(async () => {
  await upstream.stop();
});

describe("usage history", () => {
  test("one row per finished request; GET /api/usage groups them with tokens, errors, latency and cost", async () => {
    const r = await rig(join(dir, "history.db"));
    try {
      upstream.reply(json(MESSAGE));
      upstream.reply(sse(readFixture("anthropic/stream-text.sse")));
      upstream.reply(status(400, { type: "error", error: { type: "invalid_request_error", message: "bad" } }));
      upstream.reply(json(MESSAGE));
      const done = published(r.ccmux, 4);
      await ask(r.ccmux);
      const stream = await new Anthropic({ baseURL: r.ccmux.url, apiKey: "k", maxRetries: 0 }).messages.create({
        model: "sonnet",
        max_tokens: 16,
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      });
      for await (const _ of stream) {
        // drain
      }
      await ask(r.ccmux).catch(() => undefined);
      await ask(r.ccmux, "mystery");
      await done;
      expect(r.recorder.pending).toBe(4);
      r.recorder.flush();
      expect(r.recorder.pending).toBe(0);

      const res = await usageApi(r.ccmux, "since=1d&by=model");
      expect(res.status).toBe(200);
      const report = (await res.json()) as UsageReport;
      expect(report.by).toBe("model");
      const sonnet = report.rows.find((row) => row.key === "claude-sonnet-4-5-20250929")!;
      expect(sonnet.requests).toBe(3);
      expect(sonnet.errors).toBe(1);
      expect(sonnet.inputTokens).toBeGreaterThanOrEqual(1_000_000);
      expect(sonnet.p50Ms).toBeGreaterThan(0);
      expect(sonnet.p95Ms!).toBeGreaterThanOrEqual(sonnet.p50Ms!);
      // $3 per million input and $15 per million output (the shipped price of claude-sonnet-4-5), at least.
      expect(sonnet.costUsd!).toBeGreaterThanOrEqual(3 + 1.5);
      const mystery = report.rows.find((row) => row.key === "mystery-model-1")!;
      expect(mystery.costUsd).toBeNull();
      expect(mystery.unpriced).toEqual(["mystery-model-1"]);
      expect(report.total.requests).toBe(4);

      const byProvider = (await (await usageApi(r.ccmux, "by=provider")).json()) as UsageReport;
      expect(byProvider.rows.map((row) => [row.key, row.requests])).toEqual([["api", 4]]);
      const byDay = (await (await usageApi(r.ccmux, "by=day")).json()) as UsageReport;
      expect(byDay.rows).toHaveLength(1);
      expect(byDay.rows[0]!.key).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    } finally {
      await r.stop();
    }
  });

  test("bad parameters are a 400 in Anthropic's envelope", async () => {
    const r = await rig(join(dir, "params.db"));
    try {
      const bad = await usageApi(r.ccmux, "by=colour");
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { message: string } }).error.message).toContain("by must be one of");
      expect((await usageApi(r.ccmux, "since=yesterday")).status).toBe(400);
    } finally {
      await r.stop();
    }
  });

  test("a damaged file never stops serving: logged once, usage skipped, recorded again once the file is replaced", async () => {
    const file = join(dir, "damaged.db");
    writeFileSync(file, "this is not an SQLite database, just bytes ".repeat(200));
    const r = await rig(file);
    try {
      for (let i = 0; i < 3; i++) {
        upstream.reply(json(MESSAGE));
        const done = published(r.ccmux, 1);
        expect((await ask(r.ccmux)).content).toHaveLength(1);
        await done;
        r.recorder.flush();
      }
      expect(r.logs.filter((l) => l.includes("is unavailable"))).toHaveLength(1);
      expect((await usageApi(r.ccmux, "by=model")).status).toBe(503);
      rmSync(file);
      r.recorder.flush();
      expect(r.recorder.pending).toBe(0);
      const report = (await (await usageApi(r.ccmux, "by=model")).json()) as UsageReport;
      expect(report.total.requests).toBe(3);
      expect(r.logs.some((l) => l.includes("works again"))).toBe(true);
    } finally {
      await r.stop();
    }
  });

  test("a locked file never stops serving: rows wait and are written once the lock is gone", async () => {
    const file = join(dir, "locked.db");
    const r = await rig(file);
    const other = runtime.openDatabase(file);
    try {
      r.recorder.prune(); // creates the file and its table
      other.exec("BEGIN EXCLUSIVE");
      for (let i = 0; i < 2; i++) {
        upstream.reply(json(MESSAGE));
        const done = published(r.ccmux, 1);
        expect((await ask(r.ccmux)).content).toHaveLength(1);
        await done;
        r.recorder.flush();
      }
      expect(r.recorder.pending).toBe(2);
      expect(r.logs.filter((l) => l.includes("is unavailable"))).toHaveLength(1);
      other.exec("COMMIT");
      r.recorder.flush();
      expect(r.recorder.pending).toBe(0);
      const rows = other.prepare("SELECT count(*) AS n FROM usage").all();
      expect(Number(rows[0]!.n)).toBe(2);
    } finally {
      other.close();
      await r.stop();
    }
  });
});
