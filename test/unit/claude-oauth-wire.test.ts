import { describe, expect, test } from "bun:test";
import { shapeClaudeOAuthRequest } from "../../src/auth/claude-shaping.ts";
import { allowedBetaList, wireRules } from "../../src/providers/wire-shape.ts";
import {
  CLAUDE_CODE_VERSION,
  WIRE_PROFILES,
  type WireFact,
  type WireProfile,
} from "../../src/catalog/wire-profiles.ts";
import { renameTools, restoreToolNameInEvent, restoreToolNames } from "../../src/translate/anthropic/tool-names.ts";
import type { MessageResponse, MessagesRequest, StreamEvent } from "../../src/contracts/anthropic.ts";
import { provider } from "../helpers/in-process.ts";

const max = (extra = {}) => provider("max", "http://127.0.0.1:1", { auth_type: "oauth", ...extra });
const CLAUDE_CODE = {
  "user-agent": "claude-cli/2.1.112 (external, sdk-cli)",
  "x-app": "cli",
  "anthropic-dangerous-direct-browser-access": "true",
  "x-claude-code-session-id": "3f0c-session",
  "x-stainless-lang": "js",
  "x-stainless-package-version": "0.81.0",
  "x-stainless-retry-count": "0",
  "x-forwarded-for": "10.0.0.1",
  cookie: "not-for-upstream",
};

const body = (tools: string[]): MessagesRequest => ({
  model: "m",
  max_tokens: 10,
  tools: tools.map((name) => ({ name, input_schema: { type: "object" } })),
  tool_choice: { type: "tool", name: tools[0]! },
  messages: [
    { role: "user", content: "hi" },
    { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: tools[0]!, input: {} }] },
  ],
});

describe("Claude Pro/Max wire shape", () => {
  test("Claude Code's identifying headers are relayed through the allow-list, nothing else", () => {
    const shaped = shapeClaudeOAuthRequest(body(["Bash"]), new Headers(CLAUDE_CODE), wireRules("claude-oauth", max()));
    const set = shaped.headers.set;
    expect(set["user-agent"]).toBe("claude-cli/2.1.112 (external, sdk-cli)");
    expect(set["x-app"]).toBe("cli");
    expect(set["x-claude-code-session-id"]).toBe("3f0c-session");
    expect(set["x-stainless-package-version"]).toBe("0.81.0");
    expect(set["anthropic-dangerous-direct-browser-access"]).toBe("true");
    expect(set["x-forwarded-for"]).toBeUndefined();
    expect(set.cookie).toBeUndefined();
  });

  test("drop_headers removes a forwarded header", () => {
    const rules = wireRules("claude-oauth", max({ drop_headers: ["X-Stainless-Retry-Count"] }));
    const shaped = shapeClaudeOAuthRequest(body(["Bash"]), new Headers(CLAUDE_CODE), rules);
    expect(shaped.headers.set["x-stainless-retry-count"]).toBeUndefined();
    expect(shaped.headers.set["x-stainless-lang"]).toBe("js");
  });

  test("another client gets Claude Code's marker set", () => {
    const inbound = new Headers({ "user-agent": "OpenAI/JS 5.0.0", "x-stainless-lang": "js" });
    const set = shapeClaudeOAuthRequest(body(["Bash"]), inbound, wireRules("claude-oauth", max())).headers.set;
    expect(set["user-agent"]).toBe(`claude-cli/${CLAUDE_CODE_VERSION} (external, cli)`);
    expect(set["x-app"]).toBe("cli");
    expect(set["x-stainless-lang"]).toBeUndefined();
  });

  test("Claude Code's and MCP tool names pass; others are prefixed and restored in JSON and stream events", () => {
    const rules = wireRules("claude-oauth", max());
    const req = body(["get_weather", "Bash", "mcp__github__list_issues"]);
    const shaped = renameTools(req, rules.renameTool!);
    expect(shaped.body.tools!.map((t) => t.name)).toEqual([
      "mcp__ccmux__get_weather",
      "Bash",
      "mcp__github__list_issues",
    ]);
    expect(shaped.body.tool_choice).toEqual({ type: "tool", name: "mcp__ccmux__get_weather" });
    expect(shaped.body.messages[1]!.content).toEqual([
      { type: "tool_use", id: "toolu_1", name: "mcp__ccmux__get_weather", input: {} },
    ]);
    expect(req.tools![0]!.name).toBe("get_weather"); // pure
    const answer = {
      content: [{ type: "tool_use", id: "toolu_2", name: "mcp__ccmux__get_weather", input: { city: "Oslo" } }],
    } as unknown as MessageResponse;
    expect(restoreToolNames(answer, shaped.restore).content[0]).toMatchObject({ name: "get_weather" });
    const start: StreamEvent = {
      type: "content_block_start",
      index: 0,
      content_block: { type: "tool_use", id: "toolu_2", name: "mcp__ccmux__get_weather", input: {} },
    };
    expect(restoreToolNameInEvent(start, shaped.restore)).toMatchObject({ content_block: { name: "get_weather" } });
  });

  test("a Claude Code request with only its own tools is not rewritten (its bytes can be relayed)", () => {
    const req = body(["Bash", "Read"]);
    const shaped = renameTools(req, wireRules("claude-oauth", max()).renameTool!);
    expect(shaped.restore.size).toBe(0);
    expect(shaped.body.tools).toBe(req.tools!);
  });

  test("a renamed name longer than 64 characters is fitted and still restored", () => {
    const long = `tool_${"x".repeat(70)}`;
    const shaped = renameTools(body([long]), wireRules("claude-oauth", max()).renameTool!);
    const sent = shaped.body.tools![0]!.name;
    expect(sent.length).toBe(64);
    expect(sent.startsWith("mcp__ccmux__tool_")).toBe(true);
    expect(shaped.restore.get(sent)).toBe(long);
  });

  test("every wire fact carries the date it was last checked", () => {
    for (const profile of Object.values(WIRE_PROFILES) as WireProfile[])
      for (const fact of Object.values(profile) as WireFact<unknown>[])
        expect(fact.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe("Anthropic-compatible presets' betas", () => {
  const CLAUDE_CODE_BETAS =
    "claude-code-20250219,interleaved-thinking-2025-05-14,code-execution-2025-08-25,effort-2025-11-24";
  const preset = (type: string, extra = {}) =>
    wireRules(type, provider(type, "http://127.0.0.1:1", { provider_type: type, ...extra }));

  test("each preset keeps only what it accepts", () => {
    expect(allowedBetaList(CLAUDE_CODE_BETAS, preset("kimi-coding"))).toBe(
      "claude-code-20250219,interleaved-thinking-2025-05-14",
    );
    expect(allowedBetaList(CLAUDE_CODE_BETAS, preset("z.ai"))).toBe("interleaved-thinking-2025-05-14");
    expect(allowedBetaList(CLAUDE_CODE_BETAS, preset("minimax"))).toBe("interleaved-thinking-2025-05-14");
    expect(allowedBetaList(CLAUDE_CODE_BETAS, preset("zenmux"))).toBe(
      "claude-code-20250219,interleaved-thinking-2025-05-14,effort-2025-11-24",
    );
  });

  test("a provider's allowed_betas replaces the kind's lists, deny list included", () => {
    const zenmux = preset("zenmux", { allowed_betas: ["*"] });
    expect(allowedBetaList(CLAUDE_CODE_BETAS, zenmux)).toBe(CLAUDE_CODE_BETAS);
    expect(allowedBetaList(CLAUDE_CODE_BETAS, preset("kimi-coding", { allowed_betas: ["effort-2025-11-24"] }))).toBe(
      "effort-2025-11-24",
    );
  });
});
