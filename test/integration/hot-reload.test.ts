import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../src/config/load.ts";
import { createConnectGate } from "../../src/providers/connect-gate.ts";
import { createProviderHealth } from "../../src/providers/health.ts";
import { runtime, type RunningServer } from "../../src/runtime/index.ts";
import { createApp } from "../../src/edge/app.ts";
import { buildDeps } from "../../src/proxy/build-deps.ts";
import type { AppDeps, DepsHolder } from "../../src/proxy/deps.ts";
import { watchConfig, type Reloader } from "../../src/proxy/reload.ts";
import { createLogger } from "../../src/util/log.ts";
import { json, startFakeUpstream, status, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";
import { waitForLog } from "../helpers/in-process.ts";

boundTestsForBusyMachine();

const OK = (text: string) => ({
  id: "msg_r",
  type: "message",
  role: "assistant",
  model: "x",
  content: [{ type: "text", text }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 1, output_tokens: 1 },
});

let a: FakeUpstream;
let b: FakeUpstream;

function configText(mapsTo: string, opts: { port?: number; think?: string; bUrl?: string } = {}): string {
  return `[server]
host = "127.0.0.1"
port = ${opts.port ?? 0}

[router]
default = "m"
${opts.think ? `think = "${opts.think}"` : ""}

[[providers]]
name = "a"
provider_type = "anthropic"
api_key = "key-a"
base_url = "${a.url}"

[[providers]]
name = "b"
provider_type = "anthropic"
api_key = "key-b"
base_url = "${opts.bUrl ?? b.url}"

[[models]]
name = "m"

[[models.mappings]]
priority = 1
provider = "${mapsTo}"
actual_model = "x"

[[models.mappings]]
priority = 2
provider = "${mapsTo === "a" ? "b" : "a"}"
actual_model = "x"
`;
}

interface Reloadable {
  url: string;
  path: string;
  logs: string[];
  holder: DepsHolder;
  reloader: Reloader;
  /** Resolves with the next deps swapped in. */
  nextSwap(): Promise<AppDeps>;
  stop(): Promise<void>;
}

/** The real app on loopback with the real reloader watching a temp config file (polled every 25 ms). */
async function startReloadable(text: string): Promise<Reloadable> {
  const dir = mkdtempSync(join(process.env.CCMUX_TEST_ROOT ?? tmpdir(), "reload-"));
  const path = join(dir, "config.toml");
  writeFileSync(path, text);
  const logs: string[] = [];
  const log = createLogger({ level: "debug", plain: true, stream: { write: (s: string) => logs.push(s) } });
  const shared = { log, version: "0.0.0-test", health: createProviderHealth(), connectGate: createConnectGate() };
  let deps = buildDeps(parseConfig(text, { path, env: {} }).config, shared);
  const holder: DepsHolder = { current: () => deps, configPath: path };
  const waiters: ((d: AppDeps) => void)[] = [];
  const swap = (next: AppDeps) => {
    deps = next;
    for (const w of waiters.splice(0)) w(next);
  };
  const server: RunningServer = await runtime.serve({ hostname: "127.0.0.1", port: 0, fetch: createApp(holder).fetch });
  const bound = { host: "127.0.0.1", port: server.port };
  deps = { ...deps, bound };
  const reloader = watchConfig({
    path,
    holder,
    build: (c) => buildDeps(c, { ...shared, bound }),
    swap,
    log,
    env: () => ({}),
    pollMs: 25,
  });
  await reloader.start();
  return {
    url: `http://127.0.0.1:${server.port}`,
    path,
    logs,
    holder,
    reloader,
    nextSwap: () => withTimeout(new Promise<AppDeps>((resolve) => waiters.push(resolve)), 5000, "a config swap"),
    async stop() {
      reloader.stop();
      await server.stop(1000);
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)),
  );
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const post = (s: Reloadable) =>
  fetch(`${s.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
  });

let s: Reloadable;

beforeAll(async () => {
  [a, b] = await Promise.all([startFakeUpstream(), startFakeUpstream()]);
  a.setDefault(json(OK("from a")));
  b.setDefault(json(OK("from b")));
});

afterAll(async () => {
  await Promise.all([a.stop(), b.stop()]);
});

afterEach(async () => {
  await s?.stop();
  a.clear();
  b.clear();
});

describe("hot reload", () => {
  test("an edited file is picked up and new requests use it", async () => {
    s = await startReloadable(configText("a"));
    expect((await post(s)).headers.get("x-ccmux-provider")).toBe("a");
    const swapped = s.nextSwap();
    writeFileSync(s.path, configText("b"));
    await swapped;
    expect((await post(s)).headers.get("x-ccmux-provider")).toBe("b");
    await waitForLog(s, /config reloaded \(file changed\) from .*config\.toml: 2 providers, 1 models/);
  });

  test("an editor that replaces the file (write a temp file, rename over) is picked up too", async () => {
    s = await startReloadable(configText("a"));
    const swapped = s.nextSwap();
    writeFileSync(`${s.path}.tmp`, configText("b"));
    renameSync(`${s.path}.tmp`, s.path);
    await swapped;
    expect((await post(s)).headers.get("x-ccmux-provider")).toBe("b");
  });

  test("a request in flight finishes on the config it started with", async () => {
    s = await startReloadable(configText("a"));
    let release!: () => void;
    a.reply(() => new Promise((ok) => (release = () => ok(json(OK("old config, still a"))))));
    const inFlight = post(s);
    await a.waitForRequests(1);
    const swapped = s.nextSwap();
    writeFileSync(s.path, configText("b"));
    await swapped;
    const fresh = await post(s);
    expect(fresh.headers.get("x-ccmux-provider")).toBe("b");
    release();
    const old = await inFlight;
    expect(old.headers.get("x-ccmux-provider")).toBe("a");
    expect((await old.json()).content[0].text).toBe("old config, still a");
  });

  test("an invalid file keeps the old config serving and logs the error with line and column", async () => {
    s = await startReloadable(configText("a"));
    writeFileSync(s.path, `${configText("b")}\n[router\ndefault = "m"\n`);
    const line = await waitForLog(s, /config reload \(file changed\) failed; still serving the previous config/);
    expect(s.logs.join("")).toMatch(/config\.toml:\d+:\d+: TOML syntax error/);
    expect(line).toBeTruthy();
    expect((await post(s)).headers.get("x-ccmux-provider")).toBe("a");
    const swapped = s.nextSwap();
    writeFileSync(s.path, configText("b"));
    await swapped;
    expect((await post(s)).headers.get("x-ccmux-provider")).toBe("b");
  });

  test("a file that parses but is invalid (unknown provider) is refused the same way", async () => {
    s = await startReloadable(configText("a"));
    const outcome = await s.reloader.reload("test", true);
    expect(outcome.ok).toBe(true);
    writeFileSync(s.path, configText("nobody"));
    const refused = await s.reloader.reload("test");
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(
      /config\.toml:\d+:\d+: models\[0\]\.mappings\[0\]\.provider: unknown provider "nobody"/,
    );
    expect((await post(s)).headers.get("x-ccmux-provider")).toBe("a");
  });

  test("provider headers that cannot be sent are refused, naming the key", async () => {
    s = await startReloadable(configText("a"));
    expect((await s.reloader.reload("test", true)).ok).toBe(true);
    const withHeader = (line: string) =>
      configText("a").replace('api_key = "key-b"', `api_key = "key-b"\nheaders = { ${line} }`);
    for (const [line, key] of [
      ['"X Bad" = "v"', 'providers[1].headers."X Bad"'],
      ['X-Two = "a\\r\\nInjected: 1"', "providers[1].headers.X-Two"],
      ['X-Euro = "5 \u20ac"', "providers[1].headers.X-Euro"],
    ]) {
      writeFileSync(s.path, withHeader(line!));
      const refused = await s.reloader.reload("test");
      expect(refused.ok).toBe(false);
      expect(refused.error).toContain(`${key}: header `);
    }
    expect((await post(s)).headers.get("x-ccmux-provider")).toBe("a");
  });

  test("the admin API's holder.reload reloads, and throws when the new config is refused", async () => {
    s = await startReloadable(configText("a"));
    writeFileSync(s.path, configText("b"));
    await s.holder.reload!();
    expect((await post(s)).headers.get("x-ccmux-provider")).toBe("b");
    writeFileSync(s.path, "[router\n");
    await expect(s.holder.reload!()).rejects.toThrow(/TOML syntax error/);
  });

  test("a host or port change is logged as needing a restart", async () => {
    s = await startReloadable(configText("a"));
    writeFileSync(s.path, configText("a", { port: 45678 }));
    await waitForLog(s, /server\.host\/port changed to 127\.0\.0\.1:45678; that needs a restart/);
  });

  test("a port changed and changed back says it matches the listening address again, not 'needs a restart'", async () => {
    s = await startReloadable(configText("a"));
    const port = new URL(s.url).port;
    writeFileSync(s.path, configText("a", { port: 45678 }));
    expect((await s.reloader.reload("test")).ok).toBe(true);
    const warned = s.logs.filter((l) => l.includes("needs a restart"));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toContain(`(still listening on 127.0.0.1:${port})`);
    writeFileSync(s.path, configText("a"));
    expect((await s.reloader.reload("test")).ok).toBe(true);
    expect(s.logs.filter((l) => l.includes("needs a restart"))).toHaveLength(1);
    expect(s.logs.join("")).toContain("server.host/port back to 127.0.0.1:0, the address ccmux listens on");
  });

  test("the reload line says what changed: providers, models and router slots, never a key", async () => {
    s = await startReloadable(configText("a"));
    writeFileSync(
      s.path,
      configText("a", { think: "m", bUrl: `${b.url}/` }).replace('api_key = "key-a"', 'api_key = "key-a2"'),
    );
    expect((await s.reloader.reload("test")).ok).toBe(true);
    // The file watcher may get there first; either way one line says it.
    const line = await waitForLog(s, /config reloaded \((test|file changed)\)/);
    expect(line).toMatch(/: 2 providers, 1 models; providers changed a, b; router\.think unset → "m"$/m);
    expect(line).not.toContain("key-a");
    writeFileSync(
      s.path,
      configText("b", { think: "m", bUrl: `${b.url}/` }).replace('api_key = "key-a"', 'api_key = "key-a2"'),
    );
    expect((await s.reloader.reload("test")).ok).toBe(true);
    expect(await waitForLog(s, /; models changed m$/m)).toContain("config reloaded");
    expect((await s.reloader.reload("again", true)).ok).toBe(true);
    expect(s.logs.at(-1)).toMatch(/config reloaded \(again\) .*; nothing changed$/m);
  });

  test("provider health survives a reload for unchanged providers and is forgotten for changed ones", async () => {
    s = await startReloadable(configText("a"));
    a.reply(
      status(429, { type: "error", error: { type: "rate_limit_error", message: "slow" } }, { "retry-after": "60" }),
    );
    expect((await post(s)).headers.get("x-ccmux-provider")).toBe("b");
    writeFileSync(s.path, configText("a", { think: "m" }));
    expect((await s.reloader.reload("test")).ok).toBe(true);
    const stat1 = (await (await fetch(`${s.url}/api/status`)).json()) as any;
    expect(stat1.routes.think).toBe("m");
    expect(stat1.providers.find((p: any) => p.name === "a").state).toBe("cooldown");
    expect((await post(s)).headers.get("x-ccmux-provider")).toBe("b");
    b.reply(status(503, "down"));
    b.reply(status(503, "down"));
    await post(s);
    writeFileSync(s.path, configText("a", { think: "m", bUrl: `${b.url}/` }));
    expect((await s.reloader.reload("test")).ok).toBe(true);
    const stat2 = (await (await fetch(`${s.url}/api/status`)).json()) as any;
    expect(stat2.providers.find((p: any) => p.name === "b")).toMatchObject({
      state: "healthy",
      consecutive_failures: 0,
    });
    expect(stat2.providers.find((p: any) => p.name === "a").state).toBe("cooldown");
  });
});
