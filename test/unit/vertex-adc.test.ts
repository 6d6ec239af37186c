import { describe, expect, test } from "bun:test";
import { adcPath, createAdcSource } from "../../src/auth/adc.ts";
import { createVertexAdapter, isClaudeModel, vertexBaseUrl } from "../../src/providers/vertex/adapter.ts";
import type { SendContext } from "../../src/contracts/adapter.ts";
import { createLogger } from "../../src/util/log.ts";
import type { ProviderConfig } from "../../src/config/types.ts";
import { AuthError } from "../../src/util/errors.ts";

const USER_FILE = JSON.stringify({
  type: "authorized_user",
  client_id: "764086051850-x.apps.googleusercontent.com",
  client_secret: "d-FL95Q19q7MQmFpd7hHD0Ty",
  refresh_token: "1//refresh",
  quota_project_id: "billing-proj",
});

function tokenEndpoint(delayMs = 0) {
  const calls: { url: string; form: URLSearchParams }[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), form: new URLSearchParams(String(init?.body)) });
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    return Response.json({ access_token: `ya29.${calls.length}`, expires_in: 3600 });
  };
  return { calls, fetch };
}

const files = (map: Record<string, string>) => async (path: string) => map[path];

describe("adcPath", () => {
  test("GOOGLE_APPLICATION_CREDENTIALS, else gcloud's file under CLOUDSDK_CONFIG, APPDATA or HOME", () => {
    expect(adcPath({ GOOGLE_APPLICATION_CREDENTIALS: "/k.json", CLOUDSDK_CONFIG: "/c", HOME: "/h" })).toBe("/k.json");
    expect(adcPath({ CLOUDSDK_CONFIG: "/c", HOME: "/h" })).toBe("/c/application_default_credentials.json");
    expect(adcPath({ HOME: "/h" })).toBe("/h/.config/gcloud/application_default_credentials.json");
    expect(adcPath({})).toBeUndefined();
  });
});

describe("createAdcSource", () => {
  test("no credentials file: an AuthError that says how to get one", async () => {
    const source = createAdcSource({ env: { HOME: "/nowhere" }, fetch: tokenEndpoint().fetch, readText: files({}) });
    const err = await source.get().catch((e) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toContain("GOOGLE_APPLICATION_CREDENTIALS");
    expect(err.message).toContain("gcloud auth application-default login");
    expect(err.message).toContain("/nowhere/.config/gcloud/application_default_credentials.json");
  });

  test("gcloud's authorized_user file: refresh_token grant at the Google token URL (overridable), quota project kept", async () => {
    const { calls, fetch } = tokenEndpoint();
    const env = { CLOUDSDK_CONFIG: "/gc", CCMUX_GOOGLE_TOKEN_URL: "http://127.0.0.1:9/token" };
    const source = createAdcSource({
      env,
      fetch,
      readText: files({ "/gc/application_default_credentials.json": USER_FILE }),
    });
    expect(await source.get()).toEqual({ accessToken: "ya29.1", projectId: "billing-proj" });
    expect(calls[0]!.url).toBe("http://127.0.0.1:9/token");
    expect(Object.fromEntries(calls[0]!.form)).toEqual({
      grant_type: "refresh_token",
      refresh_token: "1//refresh",
      client_id: "764086051850-x.apps.googleusercontent.com",
      client_secret: "d-FL95Q19q7MQmFpd7hHD0Ty",
    });
    const defaultUrl = tokenEndpoint();
    await createAdcSource({
      env: { CLOUDSDK_CONFIG: "/gc" },
      fetch: defaultUrl.fetch,
      readText: files({ "/gc/application_default_credentials.json": USER_FILE }),
    }).get();
    expect(defaultUrl.calls[0]!.url).toBe("https://oauth2.googleapis.com/token");
  });

  test("concurrent callers share one exchange; the token is reused until shortly before it expires", async () => {
    const { calls, fetch } = tokenEndpoint(20);
    let now = 1_000_000;
    const source = createAdcSource({
      env: { GOOGLE_APPLICATION_CREDENTIALS: "/u.json" },
      fetch,
      readText: files({ "/u.json": USER_FILE }),
      now: () => now,
    });
    const all = await Promise.all(Array.from({ length: 20 }, () => source.get()));
    expect(new Set(all.map((c) => c.accessToken))).toEqual(new Set(["ya29.1"]));
    now += 50 * 60_000;
    expect((await source.get()).accessToken).toBe("ya29.1");
    now += 6 * 60_000;
    expect((await source.get()).accessToken).toBe("ya29.2");
    expect(calls).toHaveLength(2);
  });

  test("refresh() always exchanges again (after an upstream 401)", async () => {
    const { calls, fetch } = tokenEndpoint();
    const source = createAdcSource({
      env: { GOOGLE_APPLICATION_CREDENTIALS: "/u.json" },
      fetch,
      readText: files({ "/u.json": USER_FILE }),
    });
    await source.get();
    expect((await source.refresh!()).accessToken).toBe("ya29.2");
    expect(calls).toHaveLength(2);
  });

  test("unsupported or broken files are named in the error", async () => {
    const { fetch } = tokenEndpoint();
    const read = files({
      "/a.json": '{"type":"impersonated_service_account"}',
      "/d.json": '{"type":"external_account"}',
      "/b.json": "not json",
      "/c.json": '{"type":"service_account","client_email":"x"}',
    });
    const message = (path: string) =>
      createAdcSource({ env: { GOOGLE_APPLICATION_CREDENTIALS: path }, fetch, readText: read })
        .get()
        .catch((e) => e.message);
    expect(await message("/a.json")).toContain('type "impersonated_service_account"');
    expect(await message("/d.json")).toContain("/d.json lacks audience, subject_token_type, token_url");
    expect(await message("/b.json")).toContain("/b.json is not valid JSON");
    expect(await message("/c.json")).toContain("lacks private_key");
  });

  test("a failed exchange is an AuthError and is not cached", async () => {
    let fail = true;
    const fetch = async () =>
      fail
        ? new Response('{"error":"invalid_grant"}', { status: 400 })
        : Response.json({ access_token: "ya29.ok", expires_in: 3600 });
    const source = createAdcSource({
      env: { GOOGLE_APPLICATION_CREDENTIALS: "/u.json" },
      fetch,
      readText: files({ "/u.json": USER_FILE }),
    });
    expect(await source.get().catch((e) => e)).toBeInstanceOf(AuthError);
    fail = false;
    expect((await source.get()).accessToken).toBe("ya29.ok");
  });
});

describe("Vertex endpoints", () => {
  const config = (location: string, base_url?: string) =>
    ({ name: "v", provider_type: "vertex-ai", location, base_url }) as ProviderConfig;
  test("regional host, the global host, or base_url as given", () => {
    expect(vertexBaseUrl(config("europe-west4"))).toBe("https://europe-west4-aiplatform.googleapis.com/v1");
    expect(vertexBaseUrl(config("global"))).toBe("https://aiplatform.googleapis.com/v1");
    expect(vertexBaseUrl(config("global", "http://127.0.0.1:1234/v1/"))).toBe("http://127.0.0.1:1234/v1");
  });

  test("claude* models go to the Anthropic publisher", () => {
    expect(isClaudeModel("claude-sonnet-4-5@20250929")).toBe(true);
    expect(isClaudeModel("gemini-2.5-pro")).toBe(false);
  });
});

describe("Vertex requests", () => {
  const config = {
    name: "v",
    provider_type: "vertex-ai",
    auth_type: "adc",
    project_id: "p",
    location: "global",
    headers: {},
    models: [],
    enabled: true,
  } as ProviderConfig;
  const ANSWER = { candidates: [{ content: { role: "model", parts: [{ text: "ok" }] }, finishReason: "STOP" }] };

  test("Bearer token, and an authorized_user's quota project as x-goog-user-project", async () => {
    const seen: { url: string; headers: Headers }[] = [];
    const ctx = {
      signal: new AbortController().signal,
      fetch: async (url: string | URL | Request, init?: RequestInit) => {
        seen.push({ url: String(url), headers: new Headers(init?.headers) });
        return Response.json(ANSWER);
      },
      inbound: new Headers(),
      model: "gemini-2.5-flash",
      timeouts: { connect_timeout_ms: 1000, api_timeout_ms: 1000, idle_timeout_ms: 1000 },
      limits: { max_upstream_body_mb: 1 },
      log: createLogger({ level: "silent", plain: true }),
      credentials: { get: async () => ({ accessToken: "ya29.x", projectId: "billing-proj" }) },
    } as SendContext;
    const outcome = await createVertexAdapter(config).send(
      { model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }] },
      ctx,
    );
    expect(outcome.kind === "message" && outcome.message.content).toEqual([{ type: "text", text: "ok" }]);
    expect(seen[0]!.url).toBe(
      "https://aiplatform.googleapis.com/v1/projects/p/locations/global/publishers/google/models/gemini-2.5-flash:generateContent",
    );
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer ya29.x");
    expect(seen[0]!.headers.get("x-goog-user-project")).toBe("billing-proj");
  });
});
