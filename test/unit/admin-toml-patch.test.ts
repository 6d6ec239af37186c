import { describe, expect, test } from "bun:test";
import { parse } from "smol-toml";
import { CONFIG_TEMPLATE } from "../../src/config/template.ts";
import { scanLayout } from "../../src/config-edit/toml-layout.ts";
import { rewriteToml } from "../../src/config-edit/toml-patch.ts";
import { canonical, type Doc } from "../../src/config-edit/toml-values.ts";

const FILE = `# My ccmux config — keep this header.
# Second line of the header.

[server]
host = "127.0.0.1"   # loopback only
port = 13456
api_key = "$CCMUX_KEY"

[router]
# the default model
default = "sonnet"
think = "opus"            # thinking requests
long_context_threshold = 60000

# Primary: my OpenRouter account.
[[providers]]
name = "openrouter"
provider_type = "openrouter"
api_key = "$OPENROUTER_API_KEY"   # from my shell profile
models = []

# Backup provider.
[[providers]]
name = "zai"
provider_type = "z.ai"
api_key = "$ZAI_KEY"
# a comment inside the block
models = [
  "glm-4.6", # the good one
]

[providers.headers]
X-Title = "ccmux"

# Unused examples:
# [[providers]]
# name = "x"

# The sonnet model.
[[models]]
name = "sonnet"

[[models.mappings]]
priority = 1
provider = "openrouter"
actual_model = "anthropic/claude-sonnet-4.5"

[[models]]
name = "opus"

[[models.mappings]]
priority = 1
provider = "zai"
actual_model = "glm-4.6"
`;

function edit(text: string, change: (doc: any) => void, regenerated = false): { out: string; doc: Doc } {
  const doc = structuredClone(parse(text)) as any;
  change(doc);
  const result = rewriteToml(text, doc);
  expect(canonical(parse(result.text))).toBe(canonical(doc));
  expect(result.regenerated).toBe(regenerated);
  return { out: result.text, doc };
}

/** Lines of `a` missing from `b` and lines of `b` missing from `a` (as multisets). */
function lineDiff(a: string, b: string): { removed: string[]; added: string[] } {
  const count = (t: string) => t.split("\n").reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
  const ca = count(a);
  const cb = count(b);
  const removed = [...ca].flatMap(([l, n]) => Array(Math.max(0, n - (cb.get(l) ?? 0))).fill(l));
  const added = [...cb].flatMap(([l, n]) => Array(Math.max(0, n - (ca.get(l) ?? 0))).fill(l));
  return { removed: removed.filter((l) => l.trim()), added: added.filter((l) => l.trim()) };
}

describe("rewriteToml keeps what did not change", () => {
  test("no change is byte-identical", () => {
    expect(edit(FILE, () => {}).out).toBe(FILE);
    expect(edit(CONFIG_TEMPLATE, () => {}).out).toBe(CONFIG_TEMPLATE);
  });

  test("a changed value is replaced in place, its comment stays in its column", () => {
    const { out } = edit(FILE, (d) => (d.router.think = "sonnet"));
    expect(lineDiff(FILE, out)).toEqual({
      removed: ['think = "opus"            # thinking requests'],
      added: ['think = "sonnet"          # thinking requests'],
    });
  });

  test("added keys go into their table, removed keys disappear, comments stay", () => {
    const { out } = edit(FILE, (d) => {
      d.router.websearch = "opus";
      delete d.router.think;
      d.server.port = 4000;
    });
    expect(lineDiff(FILE, out)).toEqual({
      removed: ["port = 13456", 'think = "opus"            # thinking requests'],
      added: ["port = 4000", 'websearch = "opus"'],
    });
    expect(out.indexOf('websearch = "opus"')).toBeGreaterThan(out.indexOf("[router]"));
    expect(out.indexOf('websearch = "opus"')).toBeLessThan(out.indexOf("[[providers]]"));
  });

  test("a missing sub-table is added as its own section after its parent", () => {
    const { out } = edit(FILE, (d) => (d.server.timeouts = { api_timeout_ms: 1000 }));
    expect(out).toContain('api_key = "$CCMUX_KEY"\n\n[server.timeouts]\napi_timeout_ms = 1000\n');
    expect(lineDiff(FILE, out).removed).toEqual([]);
  });

  test("changing one provider rewrites only that element, under its own comment", () => {
    const { out } = edit(FILE, (d) => (d.providers[0].base_url = "https://example.test/v1"));
    expect(out).toContain('# Primary: my OpenRouter account.\n[[providers]]\nname = "openrouter"');
    expect(out).toContain('base_url = "https://example.test/v1"');
    expect(out).toContain("# a comment inside the block");
    expect(out).toContain('  "glm-4.6", # the good one');
    expect(out).toContain("# Unused examples:\n# [[providers]]");
    expect(out.startsWith("# My ccmux config — keep this header.\n# Second line of the header.\n")).toBe(true);
  });

  test("adding, removing and reordering list elements keeps the untouched ones verbatim", () => {
    const zaiBlock = FILE.slice(FILE.indexOf("# Backup provider."), FILE.indexOf("\n\n# Unused examples:"));
    const { out } = edit(FILE, (d) => {
      d.providers = [d.providers[1], { name: "groq", provider_type: "groq", api_key: "$GROQ_KEY", models: [] }];
      d.models[0].mappings[0].provider = "zai";
    });
    expect(out).toContain(zaiBlock);
    expect(out).not.toContain("Primary: my OpenRouter account");
    expect(out).toContain('[[providers]]\nname = "groq"');
    expect(out).toContain("# The sonnet model.\n[[models]]");
    expect(out).toContain("# Unused examples:");
  });

  test("providers added to a file without any go before the models", () => {
    const text = `[router]\ndefault = "m"\n\n# models\n[[models]]\nname = "m"\n`;
    const { out } = edit(text, (d) => (d.providers = [{ name: "p", provider_type: "groq", api_key: "$K" }]));
    expect(out.indexOf("[[providers]]")).toBeLessThan(out.indexOf("# models"));
  });

  test("the starter template: keys, sections and list elements change with its comments intact", () => {
    const { out } = edit(CONFIG_TEMPLATE, (d) => {
      d.server.port = 2000;
      d.server.api_key = "$CCMUX_API_KEY";
      d.router.think = "sonnet";
      delete d.router.auto_map_regex;
      d.providers.push({ name: "openrouter", provider_type: "openrouter", api_key: "$OR", models: [] });
      d.models.push({ name: "sonnet", mappings: [{ priority: 1, provider: "openrouter", actual_model: "x" }] });
    });
    const comments = (t: string) => t.split("\n").filter((l) => l.trim().startsWith("#"));
    expect(comments(out)).toEqual(comments(CONFIG_TEMPLATE));
  });
});

describe("unusual layouts still produce the right document", () => {
  const cases: [string, string, (d: any) => void][] = [
    [
      "inline tables",
      `server = { host = "h", port = 1 }\nrouter = { default = "m" }\n`,
      (d) => {
        d.server.port = 2;
        d.router.think = "t";
      },
    ],
    [
      "dotted keys",
      `[server]\ntimeouts.api_timeout_ms = 5\n[router]\ndefault = "m"\n`,
      (d) => {
        d.server.timeouts.api_timeout_ms = 6;
        d.server.timeouts.idle_timeout_ms = 7;
      },
    ],
    [
      "an inline providers array",
      `providers = [{ name = "a", provider_type = "groq" }]\n[router]\ndefault = "m"\n`,
      (d) => d.providers.push({ name: "b", provider_type: "groq" }),
    ],
    [
      "multi-line strings and arrays",
      `[router]\ndefault = """m"""\nbackground_regex = '''\n[not a header]\n'''\n# x\n[server]\nhost = "a#b" # c\n`,
      (d) => {
        d.router.default = "n";
        d.server.host = "x";
      },
    ],
    [
      "quoted keys",
      `[router]\n"default" = "m"\n[[providers]]\n"name" = "a"\nprovider_type = "groq"\n`,
      (d) => {
        d.router.default = "q";
        d.providers[0].provider_type = "openai";
      },
    ],
    [
      "removing a whole sub-table",
      `[server]\nport = 1\n[server.timeouts]\napi_timeout_ms = 5 # c\n[router]\ndefault = "m"\n`,
      (d) => delete d.server.timeouts,
    ],
    [
      "emptying a list",
      `[router]\ndefault = "m"\n[[models]]\nname = "a"\n[[models.mappings]]\npriority = 1\nprovider = "p"\nactual_model = "x"\n`,
      (d) => (d.models = []),
    ],
    [
      "strings that need escapes",
      `[router]\ndefault = "m"\n`,
      (d) => {
        d.router.default = 'a "quoted" \\ path\n\u007f é';
        d.router["odd key"] = "x";
      },
    ],
  ];
  for (const [name, text, change] of cases) test(name, () => void edit(text, change));

  test("a layout the in-place edit cannot handle is regenerated under the file's leading comments", () => {
    const text = `# head\n[[providers]]\nname = "a"\nprovider_type = "groq"\n[router]\ndefault = "m"\n[providers.headers]\nX = "y"\n`;
    const { out } = edit(text, (d) => (d.providers[0].provider_type = "openai"), true);
    expect(out.startsWith("# head\n")).toBe(true);
  });

  test("a random walk of edits over the template always round-trips", () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let text = CONFIG_TEMPLATE;
    for (let i = 0; i < 60; i++) {
      text = edit(text, (d) => {
        const r = rand(6);
        if (r === 0) d.server.port = 1000 + rand(5000);
        if (r === 1)
          d.router[["think", "background", "websearch", "image"][rand(4)]!] = rand(2) ? `m${rand(9)}` : undefined;
        if (r === 2) d.providers.push({ name: `p${i}`, provider_type: "groq", api_key: `$K${i}`, models: [] });
        if (r === 3 && d.providers.length > 1) d.providers.splice(rand(d.providers.length), 1);
        if (r === 4)
          d.models.push({ name: `m${i}`, mappings: [{ priority: 1, provider: "anthropic", actual_model: `x${i}` }] });
        if (r === 5) (d.server.timeouts ??= {}).idle_timeout_ms = 1 + rand(9999);
        for (const k of Object.keys(d.router)) if (d.router[k] === undefined) delete d.router[k];
      }).out;
    }
    expect(text.startsWith(CONFIG_TEMPLATE.split("\n\n")[0]!)).toBe(true);
  });
});

describe("scanLayout", () => {
  test("entries know their full key path, including array elements and sub-tables", () => {
    const layout = scanLayout(FILE);
    const paths = layout.entries.map((e) => e.path.join("."));
    expect(paths).toContain("providers.1.headers.X-Title");
    expect(paths).toContain("models.1.mappings.0.actual_model");
    const models = layout.entries.find((e) => e.path.join(".") === "providers.1.models")!;
    expect(models.end - models.start).toBe(2);
  });
});
