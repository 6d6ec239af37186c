import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createFlowRegistry } from "../../src/auth/flows/index.ts";
import { oauthSourceFactory } from "../../src/auth/refresh.ts";
import { createTokenStore } from "../../src/auth/store.ts";
import { loadConfigFile } from "../../src/config/load.ts";
import { runtime } from "../../src/runtime/index.ts";
import { status, startFakeUpstream, type FakeUpstream, type RecordedRequest } from "../helpers/fake-upstream.ts";
import { startInProcess, type InProcessServer } from "../helpers/in-process.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

// Built at run time so that no key-shaped literal sits in the source.
const tail = (seed: string) => `${seed.repeat(12)}Zx9`.slice(0, 40);
const SECRETS = {
  upKey: ["sk", "ant", "api03", tail("Up7q")].join("-"),
  litKey: ["sk", "proj", tail("Li3t")].join("-"),
  inbound: `ccmux-inbound-${tail("In5b")}`,
  admin: `adm-${tail("Ad2m")}`,
  header: `hdr-${tail("He4d")}`,
  access: ["sk", "ant", "oat01", tail("Ac6c")].join("-"),
  refresh: ["sk", "ant", "ort01", tail("Re8f")].join("-"),
};

let up: FakeUpstream;
let ccmux: InProcessServer;
const seen: { what: string; text: string }[] = [];

/** The upstream answers every request with an error that echoes whatever credentials it was sent. */
function echoCredentials(req: RecordedRequest) {
  const sent = [req.headers["x-api-key"], req.headers.authorization, req.headers["x-custom-auth"]].join(" ");
  return status(req.path.includes("count_tokens") ? 500 : 401, {
    type: "error",
    error: { type: "authentication_error", message: `invalid x-api-key: ${sent}` },
  });
}

beforeAll(async () => {
  Object.assign(process.env, { NOSEC_UP_KEY: SECRETS.upKey, NOSEC_ADMIN: SECRETS.admin });
  up = await startFakeUpstream();
  up.setDefault(echoCredentials);
  const dir = mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "no-secrets-"));
  const path = join(dir, "config.toml");
  writeFileSync(path, configText(up.url));
  const tokens = join(dir, "oauth_tokens.json");
  const expires = new Date(Date.now() + 3_600_000).toISOString();
  writeFileSync(
    tokens,
    JSON.stringify({
      max: {
        provider_id: "max",
        access_token: SECRETS.access,
        refresh_token: SECRETS.refresh,
        expires_at: expires,
        kind: "anthropic",
      },
    }),
  );
  const store = createTokenStore({ path: tokens, runtime });
  const flows = createFlowRegistry({ env: {} });
  const auth = { store, flows, credentials: oauthSourceFactory({ store, flows, fetch: (i, init) => fetch(i, init) }) };
  const loaded = await loadConfigFile(path, process.env);
  ccmux = await startInProcess(loaded!.config, { configPath: path, auth });
});

afterAll(async () => {
  await ccmux.stop();
  await up.stop();
  delete process.env.NOSEC_UP_KEY;
  delete process.env.NOSEC_ADMIN;
});

function configText(base: string): string {
  return `[server]
api_key = "${SECRETS.inbound}"
admin_token = "$NOSEC_ADMIN"

[router]
default = "sonnet"

[[providers]]
name = "up"
provider_type = "anthropic"
api_key = "$NOSEC_UP_KEY"
base_url = "${base}"

[providers.headers]
X-Custom-Auth = "${SECRETS.header}"

[[providers]]
name = "lit"
provider_type = "minimax"
api_key = "${SECRETS.litKey}"
base_url = "${base}"

[[providers]]
name = "max"
provider_type = "anthropic"
auth_type = "oauth"
base_url = "${base}"

[[models]]
name = "sonnet"
[[models.mappings]]
priority = 1
provider = "up"
actual_model = "u"

[[models]]
name = "lit-model"
[[models.mappings]]
priority = 1
provider = "lit"
actual_model = "l"

[[models]]
name = "sub"
[[models.mappings]]
priority = 1
provider = "max"
actual_model = "claude-sonnet-4-5"
`;
}

async function call(what: string, path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const res = await fetch(ccmux.url + path, init);
  const headers = [...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
  seen.push({ what: `${what} → ${res.status}`, text: `${headers}\n\n${await res.text()}` });
  return res;
}

const admin = { "x-admin-token": SECRETS.admin };
const json = (body: unknown) => JSON.stringify(body);
const message = (model: string, extra: object = {}) =>
  json({ model, max_tokens: 5, messages: [{ role: "user", content: "hi" }], ...extra });
const proxy = (headers: Record<string, string> = {}) => ({
  "content-type": "application/json",
  "x-api-key": SECRETS.inbound,
  ...headers,
});

test("no admin route, proxy error or log line carries a key, token or verifier", async () => {
  await call("GET /", "/", { headers: admin });
  const shown = await call("GET config", "/api/config/json", { headers: admin });
  await call("GET providers", "/api/providers", { headers: admin });
  await call("GET models-config", "/api/models-config", { headers: admin });
  await call("GET status", "/api/status", { headers: admin });
  await call("GET oauth tokens", "/api/oauth/tokens", { headers: admin });
  await call("POST oauth authorize", "/api/oauth/authorize", {
    method: "POST",
    headers: { ...admin, "content-type": "application/json" },
    body: json({ oauth_type: "max" }),
  });
  const config = await (await fetch(`${ccmux.url}/api/config/json`, { headers: admin })).json();
  await call("POST config (round trip)", "/api/config/json", {
    method: "POST",
    headers: { ...admin, "content-type": "application/json" },
    body: json(config),
  });
  const bad = { providers: [{ ...config.providers[0], provider_type: "nope" }] };
  await call("POST config (invalid)", "/api/config/json", {
    method: "POST",
    headers: { ...admin, "content-type": "application/json" },
    body: json(bad),
  });
  await call("admin without token", "/api/config/json");
  await call("admin with a wrong token", "/api/config/json", {
    headers: { authorization: `Bearer ${SECRETS.admin}x` },
  });
  await call("admin on a foreign Host", "/api/config/json", { headers: { ...admin, host: "evil.example" } });
  await call("messages without key", "/v1/messages", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: message("sonnet"),
  });
  await call("messages with a wrong key", "/v1/messages", {
    method: "POST",
    headers: proxy({ "x-api-key": `${SECRETS.inbound}x` }),
    body: message("sonnet"),
  });
  await call("messages, bad JSON", "/v1/messages", { method: "POST", headers: proxy(), body: "{" });
  await call("messages, unknown model", "/v1/messages", { method: "POST", headers: proxy(), body: message("nope") });
  await call("messages, upstream echoes its key (env)", "/v1/messages", {
    method: "POST",
    headers: proxy(),
    body: message("sonnet"),
  });
  await call("messages, upstream echoes its key (literal)", "/v1/messages", {
    method: "POST",
    headers: proxy(),
    body: message("lit-model"),
  });
  await call("messages, stream, upstream echoes", "/v1/messages", {
    method: "POST",
    headers: proxy(),
    body: message("sonnet", { stream: true }),
  });
  await call("messages, OAuth provider, upstream echoes", "/v1/messages", {
    method: "POST",
    headers: proxy(),
    body: message("sub"),
  });
  await call("count_tokens, upstream echoes", "/v1/messages/count_tokens", {
    method: "POST",
    headers: proxy(),
    body: message("sonnet"),
  });
  await call("chat completions without key", "/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: message("sonnet"),
  });
  await call("chat completions, upstream echoes", "/v1/chat/completions", {
    method: "POST",
    headers: proxy(),
    body: message("sonnet"),
  });
  await call("models", "/v1/models", { headers: proxy() });
  await call("health", "/health");
  expect(shown.status).toBe(200);
  expect(up.requests.length).toBeGreaterThan(3);
  const leaks = seen.flatMap(({ what, text }) =>
    Object.entries(SECRETS)
      .filter(([, s]) => text.includes(s))
      .map(([name]) => `${what}: ${name}`),
  );
  expect(leaks).toEqual([]);
  const logText = ccmux.logs.join("");
  expect(
    Object.entries(SECRETS)
      .filter(([, s]) => logText.includes(s))
      .map(([name]) => `log: ${name}`),
  ).toEqual([]);
  for (const req of up.requests) expect(JSON.stringify(req.headers)).not.toContain(SECRETS.inbound);
});
