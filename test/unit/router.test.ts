import { describe, expect, test } from "bun:test";
import type { Config } from "../../src/config/types.ts";
import { compileRouter } from "../../src/router/compile.ts";
import { resolveRoute } from "../../src/router/resolve.ts";
import type { MessagesRequest } from "../../src/contracts/anthropic.ts";
import { RequestError } from "../../src/util/errors.ts";
import { readFixtureJson } from "../helpers/sse.ts";

/** What Claude Code 2.1.112 and 2.1.197 send with `--model haiku` (docs/claude-code-wire.md). */
const CC_HAIKU_THINKING = { type: "enabled", budget_tokens: 31999 };

const NAMES = ["main", "bg", "thinker", "search", "big", "vision", "sub-model"];

function config(router: Partial<Config["router"]> = {}): Config {
  return {
    server: {
      host: "127.0.0.1",
      port: 0,
      log_level: "info",
      timeouts: { connect_timeout_ms: 1, api_timeout_ms: 1, idle_timeout_ms: 1 },
    },
    router: {
      default: "main",
      background: "bg",
      think: "thinker",
      websearch: "search",
      long_context: "big",
      image: "vision",
      long_context_threshold: 1000,
      ...router,
    },
    providers: [],
    models: NAMES.map((name) => ({
      name,
      mappings: [
        { priority: 2, provider: "p2", actual_model: `${name}-2` },
        { priority: 1, provider: "p1", actual_model: `${name}-1` },
      ],
    })),
  };
}

function route(req: Partial<MessagesRequest>, cfg = config(), xProvider?: string) {
  const full = { model: "claude-sonnet-4-6", messages: [{ role: "user", content: "hi" }], ...req } as MessagesRequest;
  return {
    res: resolveRoute(full, compileRouter(cfg), { bodyLength: JSON.stringify(full).length, xProvider }),
    req: full,
  };
}

describe("router", () => {
  test("claude-* auto-maps to the default model, candidates in priority order", () => {
    const { res } = route({});
    expect(res.route).toBe("default");
    expect(res.model).toBe("main");
    expect(res.candidates).toEqual([
      { provider: "p1", model: "main-1" },
      { provider: "p2", model: "main-2" },
    ]);
  });

  test("a configured model name is used directly", () => {
    expect(route({ model: "bg" }).res.model).toBe("bg");
  });

  test("unknown model is a 404 listing the configured models", () => {
    const err = (() => {
      try {
        route({ model: "gpt-x" });
      } catch (e) {
        return e;
      }
    })() as RequestError;
    expect(err).toBeInstanceOf(RequestError);
    expect(err.status).toBe(404);
    expect(err.type).toBe("not_found_error");
    expect(err.message).toContain("main, bg, thinker");
  });

  test("web_search server tool wins over everything else", () => {
    const { res } = route({
      tools: [{ type: "web_search_20250305", name: "web_search" }],
      thinking: { type: "enabled", budget_tokens: 2000 },
    });
    expect(res.route).toBe("websearch");
    expect(res.model).toBe("search");
  });

  test("a custom tool named web_search does not count", () => {
    expect(route({ tools: [{ name: "web_search", input_schema: {} }] }).res.route).toBe("default");
  });

  test("subagent tag in any system block routes and is stripped everywhere", () => {
    const system = [
      { type: "text" as const, text: "billing" },
      { type: "text" as const, text: "You are Claude Code." },
      {
        type: "text" as const,
        text: "Do it.<CCM-SUBAGENT-MODEL>sub-model</CCM-SUBAGENT-MODEL> Thanks <CCM-SUBAGENT-MODEL>other</CCM-SUBAGENT-MODEL>",
      },
    ];
    const { res, req } = route({ system, thinking: { type: "enabled" } });
    expect(res.route).toBe("subagent");
    expect(res.model).toBe("sub-model");
    expect((res.request.system as { text: string }[])[2]!.text).toBe("Do it. Thanks ");
    expect((res.request.system as { text: string }[])[1]).toBe(system[1]!);
    expect(req.system).toBe(system);
    expect(system[2]!.text).toContain("<CCM-SUBAGENT-MODEL>");
  });

  test("subagent tag in a string system prompt; the client's request object is never changed", () => {
    const { res, req } = route({ system: "<CCM-SUBAGENT-MODEL>sub-model</CCM-SUBAGENT-MODEL>Hello" });
    expect(res.route).toBe("subagent");
    expect(res.request.system).toBe("Hello");
    expect(req.system).toBe("<CCM-SUBAGENT-MODEL>sub-model</CCM-SUBAGENT-MODEL>Hello");
    const plain = route({ system: "plain" });
    expect(plain.res.request).toBe(plain.req);
  });

  test("thinking enabled routes to think; adaptive does not", () => {
    expect(route({ thinking: { type: "enabled", budget_tokens: 2048 } }).res.route).toBe("think");
    expect(route({ thinking: { type: "adaptive" } }).res.route).toBe("default");
  });

  test("haiku in the original model name is background, case-insensitively", () => {
    expect(route({ model: "claude-3-5-HAIKU-20241022" }).res.route).toBe("background");
    expect(route({ model: "claude-haiku-4-5-20251001" }).res.model).toBe("bg");
  });

  test("background beats think: Claude Code 2.1.112-2.1.197 send haiku calls with a 31999 thinking budget", () => {
    const haiku = { model: "claude-haiku-4-5-20251001", max_tokens: 32000, thinking: CC_HAIKU_THINKING };
    expect(route(haiku).res.route).toBe("background");
    expect(route(haiku, config({ order: "claude-code-mux" })).res.route).toBe("think");
    expect(route({ ...haiku, model: "claude-opus-4-8" }).res.route).toBe("think");
  });

  test("effort: Claude Code's defaults (medium on 2.1.332, high before) stay default; xhigh and max think", () => {
    const turn = (effort: string) => ({ thinking: { type: "adaptive" }, output_config: { effort } });
    expect(route(turn("medium")).res.route).toBe("default");
    expect(route(turn("high")).res.route).toBe("default");
    expect(route(turn("xhigh")).res).toMatchObject({ route: "think", reason: expect.stringContaining('"xhigh"') });
    expect(route(turn("max")).res.route).toBe("think");
    expect(route(turn("high"), config({ think_efforts: ["high"] })).res.route).toBe("think");
    expect(route(turn("max"), config({ order: "claude-code-mux" })).res.route).toBe("default");
  });

  test("long context above the threshold, image in the latest user turn", () => {
    expect(route({ messages: [{ role: "user", content: "x".repeat(5000) }] }).res.route).toBe("long-context");
    const image = { type: "image", source: { type: "base64", media_type: "image/png", data: "A".repeat(100_000) } };
    const { res } = route({ messages: [{ role: "user", content: [image, { type: "text", text: "what is this" }] }] });
    expect(res.route).toBe("image");
    const older = [
      { role: "user", content: [image] },
      { role: "assistant", content: "a cat" },
      { role: "user", content: "thanks" },
    ];
    expect(route({ messages: older as MessagesRequest["messages"] }).res.route).toBe("default");
  });

  test("an empty or absent slot is unset: the rule is skipped", () => {
    const cfg = config({ think: undefined, background: undefined });
    expect(route({ thinking: { type: "enabled" } }, cfg).res.route).toBe("default");
    expect(route({ model: "claude-haiku-4-5" }, cfg).res.route).toBe("default");
  });

  test("custom auto-map regex with an inline flag", () => {
    const cfg = config({ auto_map_regex: "(?i)^GPT-" });
    expect(route({ model: "gpt-4o" }, cfg).res.model).toBe("main");
  });

  test("X-Provider keeps only that provider's mapping", () => {
    expect(route({}, config(), "p2").res.candidates).toEqual([{ provider: "p2", model: "main-2" }]);
    expect(() => route({}, config(), "nope")).toThrow("Provider 'nope' not found in mappings for model 'main'");
  });

  test("the catch-all model keeps the requested name with actual_model = *", () => {
    const cfg = config();
    cfg.models.push({ name: "*", mappings: [{ priority: 1, provider: "pt", actual_model: "*" }] });
    cfg.router.auto_map_regex = "^$";
    expect(route({ model: "claude-opus-4-7" }, cfg).res.candidates).toEqual([
      { provider: "pt", model: "claude-opus-4-7" },
    ]);
  });

  test("the estimate is cheap and sane on a real Claude Code request", () => {
    const req = readFixtureJson("anthropic/request-claude-code.json");
    const body = JSON.stringify(req);
    const { res } = route(req, config({ long_context_threshold: 60_000 }));
    expect(res.estimatedTokens).toBeGreaterThan(body.length / 5);
    expect(res.estimatedTokens).toBeLessThan(body.length / 2);
    expect(res.route).toBe("default");
  });
});
