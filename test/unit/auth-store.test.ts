import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTokenStore, openTokenStore } from "../../src/auth/store.ts";
import type { StoredToken } from "../../src/auth/types.ts";
import { runtime, type Runtime } from "../../src/runtime/index.ts";
import { AuthError } from "../../src/util/errors.ts";

const tmp = () => mkdtempSync(join(process.env.CCMUX_TEST_ROOT ?? tmpdir(), "store-"));

const token = (id: string, extra: Partial<StoredToken> = {}): StoredToken => ({
  provider_id: id,
  access_token: `at-${id}`,
  refresh_token: `rt-${id}`,
  expires_at: "2030-01-01T00:00:00.000Z",
  ...extra,
});

// Exactly what claude-code-mux 0.6.3 writes (serde_json pretty, chrono RFC 3339 with fractions).
const ORIGINAL_FILE = `{
  "anthropic-max": {
    "provider_id": "anthropic-max",
    "access_token": "fake-access-1",
    "refresh_token": "fake-refresh-1",
    "expires_at": "2025-11-18T15:30:00.123456789Z",
    "enterprise_url": null
  },
  "gemini-oauth": {
    "provider_id": "gemini-oauth",
    "access_token": "fake-access-2",
    "refresh_token": "fake-refresh-2",
    "expires_at": "2025-11-18T16:00:00Z",
    "project_id": "able-fox-a1b2c"
  }
}`;

describe("token store", () => {
  test("reads a claude-code-mux token file unchanged and keeps its entries intact on write", async () => {
    const dir = tmp();
    const path = join(dir, "oauth_tokens.json");
    writeFileSync(path, ORIGINAL_FILE, { mode: 0o600 });
    const store = await openTokenStore({ path, runtime });
    const original = JSON.parse(ORIGINAL_FILE);
    expect(store.get("anthropic-max")).toEqual(original["anthropic-max"]);
    expect(store.get("gemini-oauth")).toEqual(original["gemini-oauth"]);
    await store.set(token("new", { kind: "openai", account_id: "acct" }));
    const after = JSON.parse(readFileSync(path, "utf8"));
    expect(after["anthropic-max"]).toEqual(original["anthropic-max"]);
    expect(after["gemini-oauth"]).toEqual(original["gemini-oauth"]);
    expect(Object.keys(after)).toEqual(["anthropic-max", "gemini-oauth", "new"]);
  });

  test("creates the directory 0700 and the file 0600", async () => {
    const dir = join(tmp(), "nested", "ccmux");
    const path = join(dir, "oauth_tokens.json");
    const store = createTokenStore({ path, runtime });
    await store.set(token("a"));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await store.set(token("b"));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(["oauth_tokens.json"]);
  });

  test("a crash between temp write and rename leaves the old file valid", async () => {
    const dir = tmp();
    const path = join(dir, "oauth_tokens.json");
    const store = createTokenStore({ path, runtime });
    await store.set(token("kept"));
    const before = readFileSync(path, "utf8");
    // A stray half-written temp file from an earlier crash must not confuse anything.
    writeFileSync(join(dir, ".oauth_tokens.json.999.dead.tmp"), '{"half":', { mode: 0o600 });
    const crashing: Runtime = {
      ...runtime,
      async writeFileAtomic(p, data) {
        writeFileSync(`${p}.crash.tmp`, data.slice(0, 10), { mode: 0o600 });
        throw new Error("simulated crash before rename");
      },
    };
    const broken = createTokenStore({ path, runtime: crashing });
    await expect(broken.set(token("lost"))).rejects.toThrow("simulated crash");
    expect(readFileSync(path, "utf8")).toBe(before);
    const reread = await openTokenStore({ path, runtime });
    expect(reread.list().map((t) => t.provider_id)).toEqual(["kept"]);
    await reread.set(token("next"));
    expect(Object.keys(JSON.parse(readFileSync(path, "utf8")))).toEqual(["kept", "next"]);
  });

  test("a corrupt file is a clear error naming the file and is never overwritten", async () => {
    const dir = tmp();
    const path = join(dir, "oauth_tokens.json");
    writeFileSync(path, '{"a": {"access_token": ', { mode: 0o600 });
    const store = createTokenStore({ path, runtime });
    const err = await store.reload().catch((e) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toContain(path);
    await expect(store.set(token("b"))).rejects.toThrow(path);
    await expect(store.delete("a")).rejects.toThrow(path);
    expect(readFileSync(path, "utf8")).toBe('{"a": {"access_token": ');
  });

  test("two store instances writing at once lose nothing", async () => {
    const path = join(tmp(), "oauth_tokens.json");
    const a = createTokenStore({ path, runtime });
    const b = createTokenStore({ path, runtime });
    await Promise.all(Array.from({ length: 20 }, (_, i) => [a.set(token(`a${i}`)), b.set(token(`b${i}`))]).flat());
    const ids = Object.keys(JSON.parse(readFileSync(path, "utf8")));
    expect(ids.length).toBe(40);
    const c = await openTokenStore({ path, runtime });
    expect(c.list().length).toBe(40);
  });

  test("a delete by one process stays deleted when another writes", async () => {
    const path = join(tmp(), "oauth_tokens.json");
    const serve = createTokenStore({ path, runtime });
    await serve.set(token("x"));
    const cli = await openTokenStore({ path, runtime });
    expect(await cli.delete("x")).toBe(true);
    expect(serve.get("x")).toBeDefined(); // stale in memory until it re-reads
    await serve.set(token("y"));
    expect(Object.keys(JSON.parse(readFileSync(path, "utf8")))).toEqual(["y"]);
    await serve.set(token("x", { access_token: "refreshed" }), { mustExist: true });
    expect(serve.get("x")).toBeUndefined();
    expect(await cli.delete("nope")).toBe(false);
  });

  test("reload picks up tokens another process added", async () => {
    const path = join(tmp(), "oauth_tokens.json");
    const serve = await openTokenStore({ path, runtime });
    expect(serve.list()).toEqual([]);
    const cli = createTokenStore({ path, runtime });
    await cli.set(token("added"));
    await serve.reload();
    expect(serve.get("added")?.access_token).toBe("at-added");
  });

  test("a stale lock is broken; a live one makes writers wait and then time out", async () => {
    const dir = tmp();
    const path = join(dir, "oauth_tokens.json");
    const lock = `${path}.lock`;
    writeFileSync(lock, "12345 old\n");
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const store = createTokenStore({ path, runtime, lockStaleMs: 10_000 });
    await store.set(token("a"));
    expect(readdirSync(dir).sort()).toEqual(["oauth_tokens.json"]);
    writeFileSync(lock, "12345 now\n");
    const waiting = createTokenStore({ path, runtime, lockStaleMs: 10_000, lockTimeoutMs: 200 });
    await expect(waiting.set(token("b"))).rejects.toThrow(lock);
  });

  test("singleFlight shares one run per key", async () => {
    const store = createTokenStore({ path: join(tmp(), "t.json"), runtime });
    let runs = 0;
    const fn = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 10));
      return runs;
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => store.singleFlight("k", fn)));
    expect(runs).toBe(1);
    expect(new Set(results)).toEqual(new Set([1]));
    await store.singleFlight("k", fn);
    expect(runs).toBe(2);
  });
});
