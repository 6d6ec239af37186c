import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { ENTRY_POINTS } from "../../src/entry-points.ts";

// `ccmux statusline` runs on every refresh of Claude Code's status bar and must take under 50 ms
// (issue 16). What it costs is what the binary loads before it answers: these checks keep that small.
// The time itself is a bench row (bun run bench, "Start-up"), not a timed test.

const SRC = join(import.meta.dir, "../../src");

/** Specifiers a file loads when it runs: static imports and literal dynamic imports, not `import type`. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(join(SRC, file), "utf8");
  const found = [
    ...text.matchAll(/^import (?!type )[^"]*"([^"]+)"/gm),
    ...text.matchAll(/^export [^"]* from "([^"]+)"/gm),
    ...text.matchAll(/(?<!typeof )import\("([^"]+)"\)/g),
  ];
  return found.map((m) => m[1] ?? "");
}

/** Every module the file loads, transitively: src/ paths and package or node: specifiers. */
function graph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of runtimeImports(file)) {
      if (spec.startsWith(".")) visit(normalize(join(dirname(file), spec)));
      else seen.add(spec);
    }
  };
  visit(entry);
  return seen;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [relative(SRC, path)] : [];
  });
}

describe("what the binary loads at start-up", () => {
  test("main.ts loads the status line, node:fs, the entry-point loader and serve's restart, nothing else", () => {
    expect([...graph("main.ts")].sort()).toEqual([
      "cli/statusline.ts",
      "entry-points.ts",
      "main.ts",
      "node:fs",
      "runtime/allocator.ts",
      "runtime/bun-self.ts",
    ]);
  });

  test("the status line never touches process.stdin or process.stdout (setting up Node's streams costs ~25 ms)", () => {
    const code = readFileSync(join(SRC, "cli/statusline.ts"), "utf8")
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/\/\/.*$/gm, "");
    expect(code).toContain("fstatSync(0)");
    expect(code).not.toMatch(/process(?:\?\.|\.)std(?:in|out)\b/);
    expect(code).not.toContain("node:tty");
  });

  test("only the tokenizer's own entry point imports gpt-tokenizer (its rank data is 3.7 MB of JavaScript)", () => {
    const importers = sourceFiles(SRC).filter((f) => runtimeImports(f).some((s) => s.startsWith("gpt-tokenizer")));
    expect(importers).toEqual(["tokens/o200k.ts"]);
    expect(ENTRY_POINTS).toContain("tokens/o200k.ts");
  });

  test("every entry point exists, and main.ts is the first (bun build --compile runs the first)", () => {
    expect(ENTRY_POINTS[0]).toBe("main.ts");
    for (const entry of ENTRY_POINTS) expect(statSync(join(SRC, entry)).isFile()).toBe(true);
  });
});
