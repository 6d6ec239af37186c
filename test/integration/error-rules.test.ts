import { afterAll, beforeAll, expect, test } from "bun:test";
import { parseConfig } from "../../src/config/load.ts";
import type { ConfigFileError } from "../../src/config/problems.ts";
import type { ErrorRule } from "../../src/config/types.ts";
import { json, startFakeUpstream, status, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { BACKUP_MESSAGE } from "../helpers/translated-upstreams.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let pool: FakeUpstream;
let backup: FakeUpstream;

beforeAll(async () => {
  [pool, backup] = await Promise.all([startFakeUpstream(), startFakeUpstream()]);
  backup.setDefault(json(BACKUP_MESSAGE));
});

afterAll(async () => {
  await Promise.all([pool.stop(), backup.stop()]);
});

const accountOf = (req: { headers: Record<string, string> }) => req.headers["x-api-key"]!.replace("fake-key-", "");

async function serve(error_rules: ErrorRule[]): Promise<InProcessServer> {
  pool.clear();
  backup.clear();
  const p = provider("pool", pool.url, {
    api_key: undefined,
    accounts: ["a", "b"].map((name) => ({ name, api_key: `fake-key-${name}`, weight: 1, enabled: true })),
    pool: { strategy: "fill-first", shed_utilization: 0.9, session_ttl_s: 60, wait_for_reset_max_s: 0 },
    error_rules,
  });
  return startInProcess(
    testConfig({
      providers: [p, provider("backup", backup.url)],
      models: [model("m", ["pool", "x"], ["backup", "y"])],
    }),
  );
}

const post = (ccmux: InProcessServer) =>
  fetch(`${ccmux.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
  });

const forbidden = status(403, {
  type: "error",
  error: { type: "permission_error", message: "This organization has been disabled." },
});
const overloaded = status(529, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } });

test("without rules a 403 stops at once; a next_account rule moves it to the next account instead", async () => {
  pool.setDefault(forbidden);
  let ccmux = await serve([]);
  expect((await post(ccmux)).status).toBe(403);
  expect(pool.requests).toHaveLength(1);
  await ccmux.stop();
  ccmux = await serve([{ status: 403, body: "organization has been disabled", action: "next_account" }]);
  pool.setDefault((req) => (accountOf(req) === "a" ? forbidden : json(BACKUP_MESSAGE)));
  const res = await post(ccmux);
  expect(res.status).toBe(200);
  expect(res.headers.get("x-ccmux-account")).toBe("b");
  await ccmux.stop();
});

test("next_provider leaves the pool for the next mapping; stop returns a retryable error as it is", async () => {
  pool.setDefault(overloaded);
  let ccmux = await serve([{ status: 529, action: "next_provider" }]);
  const moved = await post(ccmux);
  expect(moved.headers.get("x-ccmux-provider")).toBe("backup");
  expect(pool.requests.map(accountOf)).toEqual(["a"]);
  await ccmux.stop();
  ccmux = await serve([{ regex: "(?i)^overloaded$", action: "stop" }]);
  const stopped = await post(ccmux);
  expect(stopped.status).toBe(529);
  expect(backup.requests).toHaveLength(0);
  await ccmux.stop();
});

test('cooldown = "10m" parks the account that matched for ten minutes; the others serve meanwhile', async () => {
  pool.setDefault((req) => (accountOf(req) === "a" ? forbidden : json(BACKUP_MESSAGE)));
  const ccmux = await serve([{ status: 403, action: "cooldown", cooldown: "10m", cooldown_ms: 600_000 }]);
  expect((await post(ccmux)).headers.get("x-ccmux-account")).toBe("b");
  expect((await post(ccmux)).headers.get("x-ccmux-account")).toBe("b");
  expect(pool.requests.map(accountOf)).toEqual(["a", "b", "b"]);
  const a = ((await (await fetch(`${ccmux.url}/api/status`)).json()) as any).providers[0].accounts[0];
  expect(a.state).toBe("limited");
  expect(Date.parse(a.until) - Date.now()).toBeGreaterThan(590_000);
  await ccmux.stop();
});

test("config: a rule needs a test and exactly one verdict; durations and regexes are checked", () => {
  const load = (rule: string) => {
    const text = `[router]\ndefault = "m"\n[[models]]\nname = "m"\nmappings = [{ priority = 1, provider = "p", actual_model = "x" }]\n[[providers]]\nname = "p"\nprovider_type = "anthropic"\napi_key = "k"\n[[providers.error_rules]]\n${rule}\n`;
    try {
      return parseConfig(text, { path: "c.toml", env: {} }).config.providers[0]!.error_rules;
    } catch (err) {
      return (err as ConfigFileError).problems.map((p) => p.message).join("; ");
    }
  };
  expect(load(`status = 429\ncooldown = "1h30m"`)).toEqual([
    { status: 429, action: "cooldown", cooldown: "1h30m", cooldown_ms: 5_400_000 },
  ]);
  expect(load(`body = "quota"\naction = "next_provider"`)).toEqual([{ body: "quota", action: "next_provider" }]);
  expect(load(`action = "stop"`)).toContain("needs status, body or regex");
  expect(load(`status = 500\naction = "stop"\ncooldown = "1m"`)).toContain("exactly one of action");
  expect(load(`status = 500\ncooldown = "soon"`)).toContain("expected a duration");
  expect(load(`regex = "(unclosed"\naction = "stop"`)).toContain("invalid regex");
});
