import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { createPoolTables, PoolStore } from "../../src/pool/pool-store.ts";
import { createSharedDatabase } from "../../src/storage/shared-database.ts";
import { silentLogger } from "../../src/util/log.ts";
import { createAccountPools } from "../../src/pool/pools.ts";
import { runtime } from "../../src/runtime/index.ts";
import { json, startFakeUpstream, status, type FakeUpstream, type Reply } from "../helpers/fake-upstream.ts";
import { startInProcess, type InProcessServer } from "../helpers/in-process.ts";
import { ANTHROPIC_LIMIT_BODY, anthropicUnified } from "../helpers/rate-limit-headers.ts";
import { BACKUP_MESSAGE } from "../helpers/translated-upstreams.ts";
import { parseConfig } from "../../src/config/load.ts";
import { buildDeps } from "../../src/proxy/build-deps.ts";
import { statusReport } from "../../src/edge/routes/status.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let clock = Date.UTC(2026, 11, 5, 9, 0, 0);
const RESET = Math.floor(clock / 1000) + 45 * 60;
let up: FakeUpstream;
/** Whether account "a" answers with a spent 5h window. */
let aSpent = true;

const keyOf = (req: { headers: Record<string, string> }) => req.headers["x-api-key"]!;
function answer(req: { headers: Record<string, string> }): Reply {
  if (keyOf(req) === "fake-a" && aSpent)
    return status(429, ANTHROPIC_LIMIT_BODY, anthropicUnified({ fiveHour: 1, fiveHourReset: RESET, rejected: "5h" }));
  return json(BACKUP_MESSAGE, { headers: anthropicUnified({ fiveHour: 0.2, fiveHourReset: RESET + 600 }) });
}

const TOML = (url: string, extra = "") =>
  `[router]\ndefault = "m"\n${extra}\n[[providers]]\nname = "p"\nprovider_type = "anthropic"\nbase_url = "${url}"\nstrategy = "fill-first"\naccounts = [{ name = "a", api_key = "fake-a" }, { name = "b", api_key = "fake-b" }]\n[[models]]\nname = "m"\nmappings = [{ priority = 1, provider = "p", actual_model = "claude-x" }]\n`;

/** The pools' store as `serve` opens it: in the data dir's ccmux.db, beside usage. */
function store(dir: string): PoolStore {
  const database = createSharedDatabase({
    path: join(dir, "ccmux.db"),
    open: runtime.openDatabase,
    log: silentLogger(),
    setup: [createPoolTables],
  });
  return new PoolStore(database, dir, runtime);
}

function server(dir: string, configPath?: string): Promise<InProcessServer> {
  const config = parseConfig(TOML(up.url), { path: "c.toml", env: {} }).config;
  const pools = createAccountPools(() => clock, store(dir));
  return pools.load().then(() => startInProcess(config, { pools, configPath, env: {} }));
}

const ask = async (s: InProcessServer, session: string = crypto.randomUUID()) => {
  const res = await fetch(`${s.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-claude-code-session-id": session },
    body: JSON.stringify({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
  });
  await res.arrayBuffer();
  return res.headers.get("x-ccmux-account");
};
const accountA = async (s: InProcessServer) =>
  ((await (await fetch(`${s.url}/api/status`)).json()) as any).providers[0].accounts[0];

beforeAll(async () => {
  up = await startFakeUpstream({ keepAlive: true });
  up.setDefault(answer);
});

afterAll(() => up.stop());

test("a park and the session bindings survive a restart: nothing is sent to the parked account", async () => {
  const dir = mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "pool-state-"));
  aSpent = true;
  const first = await server(dir);
  expect(await ask(first, "conv")).toBe("b");
  await first.deps.pools.flush();
  await first.stop();
  const db = runtime.openDatabase(join(dir, "ccmux.db"));
  const rows = db.prepare("SELECT key, state FROM pool_accounts ORDER BY key").all();
  db.close();
  expect(rows.map((r) => r.key)).toEqual(["p#a", "p#b"]);
  expect(JSON.parse(String(rows[0]!.state))).toMatchObject({ limited_until: RESET * 1000 });
  up.clear();
  const second = await server(dir);
  expect(await accountA(second)).toMatchObject({ state: "limited", until: new Date(RESET * 1000).toISOString() });
  expect(second.deps.pools.affinity.get("p", "conv", clock)).toBe("b");
  expect(await ask(second, "conv")).toBe("b");
  expect(await ask(second)).toBe("b");
  expect(up.requests.map(keyOf)).toEqual(["fake-b", "fake-b"]);
  await second.stop();
});

test("a hot reload (deps rebuilt from an edited config, per-server state carried) keeps the park", async () => {
  const dir = mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "pool-reload-"));
  aSpent = true;
  const s = await server(dir);
  expect(await ask(s)).toBe("b");
  const edited = parseConfig(TOML(up.url, "long_context_threshold = 70000"), { path: "c.toml", env: {} }).config;
  const { log, health, pools } = s.deps;
  const next = buildDeps(edited, { log, version: "t", health, pools });
  expect(statusReport(next).providers[0]!.accounts![0]).toMatchObject({ name: "a", state: "limited" });
  await s.stop();
});

test("two ccmux processes sharing a data dir never probe one account at the same time", async () => {
  const dir = mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "pool-probe-"));
  aSpent = true;
  const one = await server(dir);
  expect(await ask(one)).toBe("b");
  await one.deps.pools.flush();
  const two = await server(dir);
  clock = RESET * 1000;
  aSpent = false;
  up.clear();
  let release!: () => void;
  up.reply((req) => new Promise<Reply>((ok) => (release = () => ok(answer(req)))));
  const probe = ask(one);
  await up.waitForRequests(1);
  expect(keyOf(up.requests[0]!)).toBe("fake-a");
  expect(await ask(two)).toBe("b");
  release();
  expect(await probe).toBe("a");
  expect(up.requests.map(keyOf)).toEqual(["fake-a", "fake-b"]);
  await Promise.all([one.stop(), two.stop()]);
});
