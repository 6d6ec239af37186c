import { expect, test } from "bun:test";
import { runtime } from "../../src/runtime/index.ts";
import { priceBook } from "../../src/usage/prices.ts";
import { startOfToday, usageReport } from "../../src/usage/report.ts";
import { createUsageTable, INSERT_USAGE } from "../../src/usage/schema.ts";
import { todayTotal } from "../../src/usage/statusline.ts";

test("the status line's total is the usage report's for today, without reading every latency into JS", () => {
  const db = runtime.openDatabase(":memory:");
  createUsageTable(db);
  const insert = db.prepare(INSERT_USAGE);
  const now = Date.now();
  const row = (time: number, model: string, latency: number, subscription: number) =>
    insert.run(
      time,
      "/v1/messages",
      "default",
      "sonnet",
      "p",
      null,
      model,
      1,
      200,
      latency,
      5,
      100,
      20,
      1000,
      7,
      subscription,
      0,
      null,
      "s",
    );
  row(now, "claude-sonnet-4-6", 120, 0);
  row(now, "claude-opus-4-5", 80, 0);
  row(now, "claude-opus-4-5", 300, 1);
  row(startOfToday(now) - 1, "claude-opus-4-5", 50, 0);
  const prices = priceBook(undefined);
  const report = usageReport(db, { since: startOfToday(now), by: "model", prices }).total;
  const total = todayTotal(db, prices, now);
  expect(total).toEqual({ ...report, p50Ms: null, p95Ms: null });
  expect(total.requests).toBe(3);
  expect(total.subscriptionRequests).toBe(1);
  expect(total.costUsd).toBeGreaterThan(0);
});
