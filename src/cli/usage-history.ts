import { defineCommand } from "citty";
import { join } from "node:path";
import { DATABASE_FILE_NAME, dataDir } from "../config/paths.ts";
import { runtime } from "../runtime/index.ts";
import { configArg, die, errorMessage, jsonArg, printJson, say } from "../util/cli.ts";
import { usageTable } from "../usage/format.ts";
import { PRICES_CHECKED, priceBook } from "../usage/prices.ts";
import { parseGrouping, parseSince, usageReport, type UsageReport } from "../usage/report.ts";
import { createUsageTable } from "../usage/schema.ts";
import { loadConfigWithoutSecrets } from "./config-without-secrets.ts";

interface UsageArgs {
  since: string;
  by: string;
  config?: string;
}

/**
 * Reads the data directory's database itself, so it works whether or not a server runs; the
 * figures come from the same query as `GET /api/usage` and the page. Undefined: no history yet.
 */
async function readReport(args: UsageArgs): Promise<UsageReport | undefined> {
  const since = parseSince(args.since);
  const by = parseGrouping(args.by);
  const prices = priceBook((await loadConfigWithoutSecrets(args.config)).config.prices);
  const path = join(dataDir(runtime.envAll()), DATABASE_FILE_NAME);
  if (!(await runtime.exists(path))) return undefined;
  let db: ReturnType<typeof runtime.openDatabase> | undefined;
  try {
    db = runtime.openDatabase(path);
    db.exec("PRAGMA busy_timeout = 2000");
    createUsageTable(db);
    return usageReport(db, { since, by, prices });
  } catch (err) {
    throw new Error(`cannot read the usage history in ${path}: ${errorMessage(err)}`);
  } finally {
    db?.close();
  }
}

function printReport(report: UsageReport, since: string): void {
  say(`Usage since ${new Date(report.since).toLocaleString()} (${since}), by ${report.by}`);
  say();
  if (report.rows.length === 0) say("No requests recorded in this period.");
  else for (const line of usageTable(report)) say(line);
  say();
  say(`Cost is an estimate from prices checked ${PRICES_CHECKED}; [prices] in config.toml overrides them.`);
}

export const usageCommand = defineCommand({
  meta: {
    name: "usage",
    description: "Requests, tokens, errors, p50/p95 latency and estimated cost from the usage history",
  },
  args: {
    since: { type: "string", default: "7d", description: "Window: 30m, 24h, 7d, 2w, today, or a date (2026-12-01)" },
    by: { type: "string", default: "model", description: "Group by model, provider, day or account" },
    ...configArg,
    ...jsonArg,
  },
  async run({ args }) {
    let report: UsageReport | undefined;
    try {
      report = await readReport(args);
    } catch (err) {
      return die(errorMessage(err));
    }
    if (!report && args.json) return printJson({ since: null, by: args.by, rows: [], total: null });
    if (!report) return say("No usage recorded yet: `ccmux serve` records one row per request.");
    if (args.json) return printJson(report);
    printReport(report, args.since);
  },
});
