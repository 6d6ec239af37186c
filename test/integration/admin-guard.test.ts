import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createApp } from "../../src/edge/app.ts";
import { allowedHosts, normalizeHost } from "../../src/edge/middleware/admin-guard.ts";
import { buildDeps } from "../../src/proxy/build-deps.ts";
import { silentLogger } from "../../src/util/log.ts";
import { json, startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { model, provider, startInProcess, testConfig, type InProcessServer } from "../helpers/in-process.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let up: FakeUpstream;
let open: InProcessServer;
let tokened: InProcessServer;
let port: number;

const OK = {
  id: "msg_x",
  type: "message",
  role: "assistant",
  model: "m",
  content: [{ type: "text", text: "ok" }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 1, output_tokens: 1 },
};

function base() {
  return { providers: [provider("up", up.url)], models: [model("sonnet", ["up", "u1"])] };
}

beforeAll(async () => {
  up = await startFakeUpstream();
  up.setDefault(json(OK));
  open = await startInProcess(testConfig(base()));
  const server = { ...testConfig(base()).server, admin_token: "adm-0123456789" };
  tokened = await startInProcess(testConfig({ ...base(), server }));
  port = Number(new URL(open.url).port);
});

afterAll(async () => {
  await Promise.all([open.stop(), tokened.stop()]);
  await up.stop();
});

function get(server: InProcessServer, path: string, headers: Record<string, string> = {}, method = "GET") {
  return fetch(server.url + path, { method, headers });
}

async function expectRefused(res: Response, status: number, type: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("access-control-allow-origin")).toBeNull();
  const body = await res.json();
  expect(body).toMatchObject({ type: "error", error: { type } });
  return body.error.message as string;
}

describe("Host header (DNS-rebinding defence)", () => {
  test("the loopback names on the bound port are served", async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      const res = await get(open, "/api/models-config", { host });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual([
        { name: "sonnet", mappings: [{ priority: 1, provider: "up", actual_model: "u1" }] },
      ]);
    }
  });

  test("any other name, or another port, is a 403 permission_error", async () => {
    const hosts = [
      "evil.example",
      `evil.example:${port}`,
      `127.0.0.1:${port + 1}`,
      "127.0.0.1",
      `localhost.:${port}`,
      `127.0.0.2:${port}`,
      `0.0.0.0:${port}`,
      "localhost:notaport",
    ];
    for (const host of hosts) {
      const message = await expectRefused(await get(open, "/api/config/json", { host }), 403, "permission_error");
      expect(message).toMatch(/DNS-rebinding/);
    }
  });

  test("GET / is guarded; HEAD / (Claude Code's preconnect probe) is not", async () => {
    await expectRefused(await get(open, "/", { host: "evil.example" }), 403, "permission_error");
    expect((await get(open, "/", { host: "evil.example" }, "HEAD")).status).toBe(200);
    expect((await get(open, "/")).status).toBe(200);
  });

  test("every /api path is guarded, including ones mounted by other modules and unknown ones", async () => {
    for (const path of ["/api/status", "/api/oauth/tokens", "/api/nope", "/api", "/api/"]) {
      await expectRefused(await get(open, path, { host: "evil.example" }), 403, "permission_error");
    }
  });

  test("the proxy routes and /health answer to any Host", async () => {
    const res = await fetch(`${open.url}/v1/messages`, {
      method: "POST",
      headers: { host: "ccmux.internal", "content-type": "application/json" },
      body: JSON.stringify({ model: "sonnet", max_tokens: 5, messages: [{ role: "user", content: "x" }] }),
    });
    expect(res.status).toBe(200);
    expect((await get(open, "/health", { host: "whatever.example" })).status).toBe(200);
    expect((await get(open, "/v1/models", { host: "whatever.example" })).status).toBe(200);
  });
});

describe("cross-site requests", () => {
  test("a foreign or opaque Origin is refused, the same loopback origin is served", async () => {
    for (const origin of [
      "http://evil.example",
      `http://localhost:${port + 1}`,
      "null",
      `https://127.0.0.1:${port}`,
      "http://127.0.0.1",
    ]) {
      await expectRefused(await get(open, "/api/config/json", { origin }), 403, "permission_error");
    }
    expect((await get(open, "/api/config/json", { origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    expect((await get(open, "/api/config/json", { origin: `http://localhost:${port}` })).status).toBe(200);
  });

  test("Sec-Fetch-Site cross-site and same-site are refused; same-origin and none are served", async () => {
    for (const site of ["cross-site", "same-site"]) {
      await expectRefused(await get(open, "/api/providers", { "sec-fetch-site": site }), 403, "permission_error");
    }
    for (const site of ["same-origin", "none"])
      expect((await get(open, "/api/providers", { "sec-fetch-site": site })).status).toBe(200);
  });

  test("a cross-site POST (a form or a no-cors fetch) cannot change the config", async () => {
    const res = await fetch(`${open.url}/api/config/json`, {
      method: "POST",
      headers: { origin: "http://evil.example", "sec-fetch-site": "cross-site", "content-type": "text/plain" },
      body: JSON.stringify({ router: { default: "x" } }),
    });
    await expectRefused(res, 403, "permission_error");
  });

  test("CORS preflights get a 403 without CORS headers, and no response allows other origins", async () => {
    const preflight = await get(
      open,
      "/api/config/json",
      { origin: "http://evil.example", "access-control-request-method": "POST" },
      "OPTIONS",
    );
    await expectRefused(preflight, 403, "permission_error");
    const same = await get(open, "/api/config/json", { "access-control-request-method": "POST" }, "OPTIONS");
    await expectRefused(same, 403, "permission_error");
    for (const path of ["/", "/api/config/json", "/api/providers", "/api/models-config", "/health", "/v1/models"]) {
      const res = await get(open, path, { origin: `http://127.0.0.1:${port}` });
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    }
  });

  test("the OAuth callback page may be reached by a cross-site redirect, but only on the loopback Host", async () => {
    const nav = { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" };
    const res = await get(tokened, "/api/oauth/callback?code=c&state=s", nav);
    expect([401, 403]).not.toContain(res.status);
    await expectRefused(
      await get(tokened, "/api/oauth/callback?code=c&state=s", { ...nav, host: "evil.example" }),
      403,
      "permission_error",
    );
    await expectRefused(await get(tokened, "/api/oauth/tokens", nav), 403, "permission_error");
  });

  test("admin answers are not cached, sniffed or framed", async () => {
    const res = await get(open, "/api/config/json");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
  });
});

describe("the proxy routes and web pages", () => {
  const body = JSON.stringify({ model: "sonnet", max_tokens: 5, messages: [{ role: "user", content: "x" }] });
  const post = (path: string, headers: Record<string, string>) =>
    fetch(open.url + path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

  test("a DNS-rebinding page (its own name as Host and Origin) cannot use the proxy", async () => {
    const rebinding = {
      host: `evil.example:${port}`,
      origin: `http://evil.example:${port}`,
      "sec-fetch-site": "same-origin",
    };
    const before = up.requests.length;
    await expectRefused(await post("/v1/messages", rebinding), 403, "permission_error");
    await expectRefused(await post("/v1/messages/count_tokens", rebinding), 403, "permission_error");
    const chat = await post("/v1/chat/completions", rebinding);
    expect(chat.status).toBe(403);
    expect((await chat.json()).error.type).toBeString();
    expect(up.requests.length).toBe(before);
  });

  test("cross-site pages are refused; clients without browser headers, or on ccmux's own origin, are served", async () => {
    await expectRefused(await post("/v1/messages", { "sec-fetch-site": "cross-site" }), 403, "permission_error");
    await expectRefused(await post("/v1/messages", { origin: "null" }), 403, "permission_error");
    expect((await post("/v1/messages", {})).status).toBe(200);
    expect((await post("/v1/messages", { host: "ccmux.lan" })).status).toBe(200);
    expect((await post("/v1/messages", { origin: `http://localhost:${port}` })).status).toBe(200);
  });
});

describe("server.admin_token", () => {
  test("when set, it is required as Bearer or x-admin-token", async () => {
    expect(await expectRefused(await get(tokened, "/api/config/json"), 401, "authentication_error")).toMatch(
      /admin_token/,
    );
    await expectRefused(
      await get(tokened, "/api/config/json", { "x-admin-token": "wrong" }),
      401,
      "authentication_error",
    );
    await expectRefused(
      await get(tokened, "/api/config/json", { authorization: "Bearer adm-01234567" }),
      401,
      "authentication_error",
    );
    expect((await get(tokened, "/api/config/json", { authorization: "Bearer adm-0123456789" })).status).toBe(200);
    expect((await get(tokened, "/api/config/json", { "x-admin-token": "adm-0123456789" })).status).toBe(200);
  });

  test("the Host check still applies with a valid token", async () => {
    const res = await get(tokened, "/api/config/json", { host: "evil.example", "x-admin-token": "adm-0123456789" });
    await expectRefused(res, 403, "permission_error");
  });

  test("a non-loopback bind without admin_token refuses the admin API; with one, the bound address is served", async () => {
    const config = testConfig(base());
    const exposed = buildDeps(config, { log: silentLogger(), version: "t", bound: { host: "0.0.0.0", port: 4000 } });
    const app = createApp({ current: () => exposed });
    const refused = await app.request("http://x/api/models-config", { headers: { host: "127.0.0.1:4000" } });
    expect(await expectRefused(refused, 403, "permission_error")).toMatch(/set server.admin_token/);
    const lan = { ...config, server: { ...config.server, admin_token: "adm-lan-secret" } };
    const bound = buildDeps(lan, { log: silentLogger(), version: "t", bound: { host: "192.168.1.5", port: 4000 } });
    const app2 = createApp({ current: () => bound });
    const ok = await app2.request("http://x/api/models-config", {
      headers: { host: "192.168.1.5:4000", "x-admin-token": "adm-lan-secret" },
    });
    expect(ok.status).toBe(200);
    const other = await app2.request("http://x/api/models-config", {
      headers: { host: "10.0.0.9:4000", "x-admin-token": "adm-lan-secret" },
    });
    await expectRefused(other, 403, "permission_error");
  });
});

describe("host helpers", () => {
  test("normalizeHost", () => {
    expect(normalizeHost("LocalHost:80")).toBe("localhost:80");
    expect(normalizeHost("localhost")).toBe("localhost:80");
    expect(normalizeHost("[::1]:13456")).toBe("[::1]:13456");
    expect(normalizeHost("user@evil:1")).toBeUndefined();
    expect(normalizeHost("a:b")).toBeUndefined();
  });
  test("allowedHosts: loopback names on the port, plus a specific bound address", () => {
    expect([...allowedHosts({ host: "127.0.0.1", port: 5 })]).toEqual(["127.0.0.1:5", "localhost:5", "[::1]:5"]);
    expect([...allowedHosts({ host: "::", port: 5 })]).toEqual(["127.0.0.1:5", "localhost:5", "[::1]:5"]);
    expect(allowedHosts({ host: "fe80::1", port: 5 }).has("[fe80::1]:5")).toBe(true);
  });
});
