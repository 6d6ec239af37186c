// A ccmux server (in this process) whose finished requests go to a usage recorder on a real SQLite file.
import Anthropic from "@anthropic-ai/sdk";
import type { Config } from "../../src/config/types.ts";
import { createRequestFeed } from "../../src/proxy/request-record.ts";
import { runtime } from "../../src/runtime/index.ts";
import { createSharedDatabase, type SharedDatabase } from "../../src/storage/shared-database.ts";
import { startUsageRecorder, type UsageRecorder, type UsageSettings } from "../../src/usage/recorder.ts";
import { createUsageTable } from "../../src/usage/schema.ts";
import { createLogger } from "../../src/util/log.ts";
import { model, nextRecords, provider, startInProcess, testConfig, type InProcessServer } from "./in-process.ts";

export interface UsageRig {
  ccmux: InProcessServer;
  database: SharedDatabase;
  recorder: UsageRecorder;
  logs: string[];
  stop(): Promise<void>;
}

/** A Messages answer with a million input and 100k output tokens: its cost is easy to check. */
export const BIG_MESSAGE = {
  id: "msg_01",
  type: "message",
  role: "assistant",
  model: "up",
  content: [{ type: "text", text: "hi" }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 1_000_000, output_tokens: 100_000, cache_read_input_tokens: 0 },
};

/** Models "sonnet" (a priced model) and "mystery" (an unpriced one), both on provider "api" at `upstreamUrl`. */
export function usageConfig(upstreamUrl: string, extra: Partial<Config> = {}): Config {
  return testConfig({
    providers: [provider("api", upstreamUrl)],
    models: [model("sonnet", ["api", "claude-sonnet-4-5-20250929"]), model("mystery", ["api", "mystery-model-1"])],
    router: { default: "sonnet", long_context_threshold: 60_000 },
    ...extra,
  });
}

/** Rows are flushed by hand (`recorder.flush()`), so nothing waits on a timer. */
export async function startUsageRig(
  file: string,
  config: Config,
  settings: () => UsageSettings = () => ({ enabled: true, retentionDays: 90 }),
): Promise<UsageRig> {
  const logs: string[] = [];
  const log = createLogger({ level: "debug", plain: true, stream: { write: (s: string) => logs.push(s) } });
  const requests = createRequestFeed();
  const database = createSharedDatabase({
    path: file,
    open: runtime.openDatabase,
    log,
    setup: [createUsageTable],
    retryMs: 0,
  });
  const recorder = startUsageRecorder({ feed: requests, database, settings, flushMs: 3_600_000 });
  const ccmux = await startInProcess(config, { requests, database, flushUsage: recorder.flush });
  return {
    ccmux,
    database,
    recorder,
    logs,
    async stop() {
      recorder.stop();
      database.close();
      await ccmux.stop();
    },
  };
}

export function ask(ccmux: InProcessServer, modelName = "sonnet", headers: Record<string, string> = {}) {
  const client = new Anthropic({ baseURL: ccmux.url, apiKey: "client-key", maxRetries: 0, defaultHeaders: headers });
  return client.messages.create({ model: modelName, max_tokens: 16, messages: [{ role: "user", content: "hi" }] });
}

/** Resolves once `n` more records were published (the usage row is queued by then). */
export async function published(ccmux: InProcessServer, n: number): Promise<void> {
  await nextRecords(ccmux, n);
}
