import { expect, test } from "bun:test";
import { runtime } from "../../src/runtime/index.ts";
import { priceBook } from "../../src/usage/prices.ts";
import { startOfToday, usageReport } from "../../src/usage/report.ts";
import { createUsageTable, INSERT_USAGE } from "../../src/usage/schema.ts";
import { todayTotal } from "../../src/usage/statusline.ts";

test("the status line's running total is the usage report's for today, read row by new row", () => {
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
  const prices = priceBook(undefined);
  const today = todayTotal();
  const reportNow = (at: number) => ({
    ...usageReport(db, { since: startOfToday(at), by: "model", prices }).total,
    p50Ms: null,
    p95Ms: null,
  });
  row(now, "claude-sonnet-4-6", 120, 0);
  row(startOfToday(now) - 1, "claude-opus-4-5", 50, 0);
  expect(today.read(db, prices, now)).toEqual(reportNow(now));
  // rows written after a read are added to the running total, unpriced models and subscriptions included
  row(now, "claude-opus-4-5", 80, 0);
  row(now, "claude-opus-4-5", 300, 1);
  row(now, "no-such-model-priced", 10, 0);
  row(startOfToday(now) - 5, "claude-opus-4-5", 50, 0);
  const total = today.read(db, prices, now);
  expect(total).toEqual(reportNow(now));
  expect(total.requests).toBe(4);
  expect(total.subscriptionRequests).toBe(1);
  expect(total.unpriced).toEqual(["no-such-model-priced"]);
  expect(total.costUsd).toBeGreaterThan(0);
  expect(today.read(db, prices, now)).toEqual(total);
  // a new day starts from zero; other prices start over too
  const tomorrow = startOfToday(now) + 36 * 3600_000;
  expect(today.read(db, prices, tomorrow).requests).toBe(0);
  row(tomorrow, "claude-sonnet-4-6", 120, 0);
  expect(today.read(db, prices, tomorrow)).toEqual(reportNow(tomorrow));
  const free = priceBook({ "claude-sonnet-4-6": { input: 0, output: 0, cache_read: 0, cache_write: 0 } });
  expect(today.read(db, free, tomorrow).costUsd).toBe(0);
});
