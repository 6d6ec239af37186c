import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { CLAUDE_CODE_IDENTITY, mergeBetas, shapeClaudeOAuthRequest } from "../../src/auth/claude-shaping.ts";
import { describeToken, relativeExpiry } from "../../src/auth/describe.ts";
import { parseKind, tokenKind } from "../../src/auth/flows/index.ts";
import { escapeHtml } from "../../src/auth/html.ts";
import { chatgptAccountId, decodeJwtClaims } from "../../src/auth/jwt.ts";
import { parsePasted } from "../../src/auth/login.ts";
import { createPkce, createState } from "../../src/auth/pkce.ts";
import { safeEqual } from "../../src/util/safe-equal.ts";
import { expiryMs } from "../../src/auth/refresh.ts";
import type { MessagesRequest } from "../../src/contracts/anthropic.ts";
import { wireRules } from "../../src/providers/wire-shape.ts";
import { provider } from "../helpers/in-process.ts";

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");

describe("pkce and state", () => {
  test("verifier is 43 base64url chars and the challenge is its S256", async () => {
    const pkce = await createPkce();
    expect(pkce.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pkce.challenge).toBe(createHash("sha256").update(pkce.verifier).digest("base64url"));
    expect(pkce.method).toBe("S256");
  });

  test("state is random and never the verifier", async () => {
    const pkce = await createPkce();
    const states = new Set(Array.from({ length: 50 }, createState));
    expect(states.size).toBe(50);
    expect(states.has(pkce.verifier)).toBe(false);
    expect(safeEqual("abc", "abc")).toBe(true);
    expect(safeEqual("abc", "abd")).toBe(false);
    expect(safeEqual("abc", "abcd")).toBe(false);
  });
});

describe("jwt", () => {
  test("reads the ChatGPT account id from the OpenAI auth claim", () => {
    const token = `${b64({ alg: "none" })}.${b64({ "https://api.openai.com/auth": { chatgpt_account_id: "acct-1" } })}.sig`;
    expect(decodeJwtClaims(token)?.["https://api.openai.com/auth"]).toEqual({ chatgpt_account_id: "acct-1" });
    expect(chatgptAccountId(undefined, "not-a-jwt", token)).toBe("acct-1");
    expect(chatgptAccountId("a.b.c")).toBeUndefined();
  });
});

describe("pasted codes", () => {
  test("code#state, redirect URLs, query strings and bare codes", () => {
    expect(parsePasted(" abc#xyz \n")).toEqual({ code: "abc", state: "xyz" });
    expect(parsePasted("http://localhost:1455/auth/callback?code=c1&state=s1")).toEqual({ code: "c1", state: "s1" });
    expect(parsePasted("code=c2&state=s2")).toEqual({ code: "c2", state: "s2" });
    expect(parsePasted("plain")).toEqual({ code: "plain" });
    expect(() => parsePasted("http://127.0.0.1:5/cb?error=access_denied&state=s")).toThrow("access_denied");
  });
});

describe("kinds", () => {
  test("aliases and claude-code-mux tokens without a kind", () => {
    expect(parseKind("max")).toBe("anthropic");
    expect(parseKind("openai-codex")).toBe("openai");
    expect(parseKind("gemini")).toBe("google");
    expect(parseKind("console")).toBe("anthropic-console");
    expect(parseKind("nope")).toBeUndefined();
    const base = { access_token: "a", refresh_token: "r", expires_at: "2030-01-01T00:00:00Z" };
    expect(tokenKind({ ...base, provider_id: "anthropic-max" })).toBe("anthropic");
    expect(tokenKind({ ...base, provider_id: "my-chatgpt" })).toBe("openai");
    expect(tokenKind({ ...base, provider_id: "work", project_id: "p" })).toBe("google");
    expect(tokenKind({ ...base, provider_id: "work", kind: "openai" })).toBe("openai");
  });
});

describe("claude oauth shaping", () => {
  const req = (system?: MessagesRequest["system"]): MessagesRequest => ({ model: "m", messages: [], system });

  const rules = wireRules("claude-oauth", provider("max", "http://127.0.0.1:1", { auth_type: "oauth" }));
  const none = new Headers();
  const claudeCode = (beta: string) =>
    new Headers({ "user-agent": "claude-cli/2.1.112 (external, sdk-cli)", "anthropic-beta": beta });

  test("bearer auth, no x-api-key; another client's betas open with Claude Code's, without duplicates", () => {
    const inbound = new Headers({ "anthropic-beta": "interleaved-thinking-2025-05-14, oauth-2025-04-20,foo,foo" });
    const shaped = shapeClaudeOAuthRequest(req("hi"), inbound, rules, "tok");
    expect(shaped.headers.set.authorization).toBe("Bearer tok");
    expect(shaped.headers.delete).toEqual(["x-api-key"]);
    expect(shaped.headers.set["anthropic-beta"]).toBe(
      "claude-code-20250219,oauth-2025-04-20,interleaved-thinking-2025-05-14,foo",
    );
    expect(mergeBetas(null, "oauth-2025-04-20")).toBe("oauth-2025-04-20");
  });

  test("Claude Code's beta list keeps its order with the oauth beta right after claude-code-20250219", () => {
    const main = claudeCode("claude-code-20250219,interleaved-thinking-2025-05-14,effort-2025-11-24");
    expect(shapeClaudeOAuthRequest(req(), main, rules).headers.set["anthropic-beta"]).toBe(
      "claude-code-20250219,oauth-2025-04-20,interleaved-thinking-2025-05-14,effort-2025-11-24",
    );
    const haiku = claudeCode("interleaved-thinking-2025-05-14,oauth-2025-04-20");
    expect(shapeClaudeOAuthRequest(req(), haiku, rules).headers.set["anthropic-beta"]).toBe(
      "oauth-2025-04-20,interleaved-thinking-2025-05-14",
    );
  });

  test("a string system becomes blocks with the identity first", () => {
    const body = req("Be brief.");
    const shaped = shapeClaudeOAuthRequest(body, none, rules);
    expect(shaped.body.system).toEqual([
      { type: "text", text: CLAUDE_CODE_IDENTITY },
      { type: "text", text: "Be brief." },
    ]);
    expect(body.system).toBe("Be brief."); // pure
    expect(shapeClaudeOAuthRequest(req(), none, rules).body.system).toEqual([
      { type: "text", text: CLAUDE_CODE_IDENTITY },
    ]);
  });

  test("Claude Code's own identity (any of the three) after the billing line is kept as sent", () => {
    const billing = { type: "text" as const, text: "x-anthropic-billing-header: cc_version=2.1.112.4c3; cch=00000;" };
    const sdk = {
      type: "text" as const,
      text: "You are a Claude agent, built on Anthropic's Claude Agent SDK.",
      cache_control: { type: "ephemeral" as const },
    };
    const system = [billing, sdk, { type: "text" as const, text: "rest" }];
    expect(shapeClaudeOAuthRequest(req(system), none, rules).body.system).toEqual(system);
    const other = [billing, { type: "text" as const, text: "Custom agent" }];
    expect(shapeClaudeOAuthRequest(req(other), none, rules).body.system).toEqual([
      billing,
      { type: "text", text: CLAUDE_CODE_IDENTITY },
      other[1]!,
    ]);
  });
});

describe("token summaries", () => {
  const now = Date.parse("2030-01-01T00:00:00Z");
  test("relative expiry and status, without secrets", () => {
    expect(relativeExpiry("2030-01-01T03:00:00Z", now)).toBe("in 3h");
    expect(relativeExpiry("2029-12-30T00:00:00Z", now)).toBe("expired 2d ago");
    const s = describeToken(
      { provider_id: "x", access_token: "SECRET-A", refresh_token: "SECRET-R", expires_at: "2030-01-01T00:04:00Z" },
      now,
    );
    expect(s.status).toBe("expiring");
    expect(JSON.stringify(s)).not.toContain("SECRET");
    expect(expiryMs("2025-11-18T15:30:00.123456789Z")).toBe(Date.parse("2025-11-18T15:30:00.123Z"));
  });

  test("html escaping", () => {
    expect(escapeHtml(`<script>alert("x")</script>&'`)).toBe(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;",
    );
  });
});
