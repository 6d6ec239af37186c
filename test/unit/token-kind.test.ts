// Tokens copied from claude-code-mux's oauth_tokens.json carry no `kind`: the kind comes from the
// provider that uses the token, else from the token itself, and is written back; the refresh goes to
// the right token endpoint whatever the token is named.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createFlowRegistry, tokenKind } from "../../src/auth/flows/index.ts";
import { oauthSourceFactory } from "../../src/auth/refresh.ts";
import { createTokenStore } from "../../src/auth/store.ts";
import type { StoredToken } from "../../src/auth/types.ts";
import { runtime } from "../../src/runtime/index.ts";
import { json, startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { provider } from "../helpers/in-process.ts";
import { fakeJwt } from "../helpers/translated-upstreams.ts";

const CODEX_ACCESS = fakeJwt({ "https://api.openai.com/auth": { chatgpt_account_id: "acct-1" } });
const grant = { access_token: "fresh-access", refresh_token: "fresh-refresh", expires_in: 3600 };
const expired: Pick<StoredToken, "expires_at"> = { expires_at: "2026-01-01T00:00:00Z" };

let anthropicToken: FakeUpstream;
let openaiToken: FakeUpstream;

beforeAll(async () => {
  [anthropicToken, openaiToken] = await Promise.all([startFakeUpstream(), startFakeUpstream()]);
  anthropicToken.setDefault(json(grant));
  openaiToken.setDefault(json({ ...grant, id_token: CODEX_ACCESS }));
});

afterAll(() => Promise.all([anthropicToken.stop(), openaiToken.stop()]));

async function migrated(token: StoredToken) {
  const path = join(mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "token-kind-")), "oauth_tokens.json");
  const store = createTokenStore({ path, runtime });
  await store.set(token);
  const flows = createFlowRegistry({
    env: {
      CCMUX_OAUTH_ANTHROPIC_TOKEN_URL: `${anthropicToken.url}/v1/oauth/token`,
      CCMUX_OAUTH_OPENAI_TOKEN_URL: `${openaiToken.url}/oauth/token`,
    },
  });
  const sources = oauthSourceFactory({ store, flows, fetch: (i, init) => fetch(i, init) });
  const onDisk = () => JSON.parse(readFileSync(path, "utf8"))[token.provider_id] as StoredToken;
  return { sources, onDisk };
}

describe("a token without kind", () => {
  test("named 'work' and used by a ChatGPT provider refreshes against OpenAI, and is saved as openai", async () => {
    anthropicToken.clear();
    openaiToken.clear();
    const { sources, onDisk } = await migrated({
      provider_id: "work",
      access_token: "opaque-access",
      refresh_token: "opaque-refresh",
      ...expired,
    });
    const codex = provider("codex", "https://unused.invalid", {
      provider_type: "openai",
      auth_type: "oauth",
      oauth_provider: "work",
    });
    const creds = await sources(codex)!.get();
    expect(creds.accessToken).toBe("fresh-access");
    expect(openaiToken.requests).toHaveLength(1);
    expect(anthropicToken.requests).toHaveLength(0);
    expect(onDisk()).toMatchObject({ kind: "openai", access_token: "fresh-access", refresh_token: "fresh-refresh" });
  });

  test("a fresh token is not refreshed, but its inferred kind is written back", async () => {
    const { sources, onDisk } = await migrated({
      provider_id: "personal",
      access_token: "opaque-access",
      refresh_token: "opaque-refresh",
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const claude = provider("claude", "https://unused.invalid", { auth_type: "oauth", oauth_provider: "personal" });
    await sources(claude)!.get();
    expect(onDisk().kind).toBe("anthropic");
  });

  test("with no provider to go by, the token's own shape decides, before its name", () => {
    const base = { refresh_token: "r", expires_at: expired.expires_at };
    expect(
      tokenKind({ ...base, provider_id: "gemini-old", access_token: ["sk", "ant", "oat01", "fake"].join("-") }),
    ).toBe("anthropic");
    expect(tokenKind({ ...base, provider_id: "claude-work", access_token: "ya29.fake-google" })).toBe("google");
    expect(tokenKind({ ...base, provider_id: "claude-2", access_token: CODEX_ACCESS })).toBe("openai");
    expect(tokenKind({ ...base, provider_id: "work", access_token: "opaque" }, "google")).toBe("google");
    expect(tokenKind({ ...base, provider_id: "codex", access_token: "opaque" })).toBe("openai");
  });
});
