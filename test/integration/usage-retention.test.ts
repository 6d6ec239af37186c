import { describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseConfig } from "../../src/config/load.ts";
import { createRequestFeed } from "../../src/proxy/request-record.ts";
import { runtime } from "../../src/runtime/index.ts";
import { createSharedDatabase } from "../../src/storage/shared-database.ts";
import { startUsageRecorder, usageSettings, type UsageSettings } from "../../src/usage/recorder.ts";
import { createUsageTable, INSERT_USAGE } from "../../src/usage/schema.ts";
import { createLogger } from "../../src/util/log.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const dir = join(process.env.CCMUX_TEST_ROOT!, "usage-retention");
mkdirSync(dir, { recursive: true });
const DAY = 86_400_000;

function database(name: string) {
  const log = createLogger({ level: "error", plain: true, stream: { write: () => undefined } });
  return createSharedDatabase({ path: join(dir, name), open: runtime.openDatabase, log, setup: [createUsageTable] });
}

/** A row `daysAgo` old, as the recorder would have written it. */
function row(daysAgo: number) {
  const time = Date.now() - daysAgo * DAY;
  return [time, "/v1/messages", "default", "m", "p", null, "m", 0, 200, 5, null, 1, 1, 0, 0, 0, 0, null, null];
}

function ages(db: ReturnType<typeof database>): number[] {
  const rows = db.use((d) => d.prepare("SELECT time FROM usage ORDER BY time DESC").all()) ?? [];
  return rows.map((r) => Math.round((Date.now() - Number(r.time)) / DAY));
}

describe("usage retention", () => {
  test("[usage] retention_days defaults to 90 and is read from config.toml", () => {
    const env = {};
    const base = '[router]\ndefault = "m"\n';
    const parse = (text: string) => parseConfig(base + text, { path: "usage.toml", env }).config;
    expect(usageSettings(parse(""))).toEqual({ enabled: true, retentionDays: 90 });
    const text = "[usage]\nretention_days = 14\nenabled = false\n";
    expect(usageSettings(parse(text))).toEqual({
      enabled: false,
      retentionDays: 14,
    });
    expect(() => parse("[usage]\nretention_days = 0\n")).toThrow(/retention_days/);
  });

  test("rows older than the retention are deleted at start and on the timer; a changed retention applies at once", async () => {
    const db = database("retention.db");
    db.use((d) => {
      for (const days of [200, 91, 89, 10, 0]) d.prepare(INSERT_USAGE).run(...row(days));
    });
    let settings: UsageSettings = { enabled: true, retentionDays: 90 };
    const recorder = startUsageRecorder({
      feed: createRequestFeed(),
      database: db,
      settings: () => settings,
      pruneMs: 20,
    });
    try {
      expect(ages(db)).toEqual([0, 10, 89]);
      settings = { enabled: true, retentionDays: 7 };
      // The timer, not a call: wait until it has run with the new setting.
      while (ages(db).length > 1) await Bun.sleep(20);
      expect(ages(db)).toEqual([0]);
    } finally {
      recorder.stop();
      db.close();
    }
  });
});
