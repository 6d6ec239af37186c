import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, normalize, relative } from "node:path";

/** The layers, top to bottom, as in docs/architecture.md. A file may import its own layer or any below it. */
const LAYERS = [
  ["main", "main-cli", "cli"],
  ["lifecycle"],
  ["edge"],
  ["ui"],
  ["config-edit"],
  ["usage"],
  ["proxy"],
  ["pool"],
  ["router"],
  ["providers"],
  ["tokens"],
  ["translate"],
  ["stream"],
  ["auth"],
  ["contracts"],
  ["storage"],
  ["config"],
  ["catalog"],
  ["util"],
  ["runtime", "version", "entry-points"],
];
const DIALECTS = ["openai-chat", "responses", "gemini"];
const MAX_LINES = 300;
const SRC = join(import.meta.dir, "..", "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(path) ? [path] : [];
  });
}

/** "<root>/translate/gemini/stream.ts" → ["translate", "gemini", "stream"]. */
function location(root: string, file: string): string[] {
  return relative(root, file)
    .replace(/\.tsx?$/, "")
    .split("/");
}

function layerOf(root: string, file: string): number {
  const top = location(root, file)[0] ?? "";
  const rank = LAYERS.findIndex((names) => names.includes(top));
  if (rank < 0)
    throw new Error(`${relative(root, file)}: "${top}" is in no layer; add it to LAYERS and docs/architecture.md`);
  return rank;
}

/** Relative imports of one file, resolved to absolute paths (type-only imports included). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1] ?? "");
  return specs.filter((s) => /\.tsx?$/.test(s)).map((s) => normalize(join(dirname(file), s)));
}

/** Every import that runs against the layer order, or from one dialect into another. */
function layerViolations(root: string): string[] {
  const problems: string[] = [];
  for (const file of sourceFiles(root)) {
    for (const target of importsOf(file)) {
      const from = relative(root, file);
      const to = relative(root, target);
      if (layerOf(root, target) < layerOf(root, file)) problems.push(`${from} imports upward: ${to}`);
      const [fromTop, fromDialect] = location(root, file);
      const [toTop, toDialect] = location(root, target);
      const crossDialect = fromTop === "translate" && toTop === "translate" && fromDialect !== toDialect;
      if (crossDialect && DIALECTS.includes(fromDialect ?? "") && DIALECTS.includes(toDialect ?? ""))
        problems.push(`${from} imports a sibling dialect: ${to}`);
    }
  }
  return problems;
}

function oversizedFiles(root: string): string[] {
  return sourceFiles(root)
    .map((file) => [relative(root, file), readFileSync(file, "utf8").split("\n").length - 1] as const)
    .filter(([, lines]) => lines > MAX_LINES)
    .map(([file, lines]) => `${file}: ${lines} lines`);
}

/** A throwaway source tree: path → file text. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "ccmux-arch-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe("architecture", () => {
  test("every import in src/ runs down the layer order, and no dialect imports a sibling", () => {
    expect(layerViolations(SRC)).toEqual([]);
  });

  test(`no file in src/ passes ${MAX_LINES} lines`, () => {
    expect(oversizedFiles(SRC)).toEqual([]);
  });

  test("the checks catch an upward import, a cross-dialect import and a long file", () => {
    const root = tree({
      "edge/app.ts": 'import type { X } from "../contracts/adapter.ts";\n',
      "contracts/adapter.ts": 'import type { App } from "../edge/app.ts";\n',
      "translate/gemini/errors.ts": 'import { parse } from "../openai-chat/errors.ts";\n',
      "translate/openai-chat/errors.ts": 'import { s } from "../shared/retry-after.ts";\n',
      "translate/shared/retry-after.ts": "x\n".repeat(MAX_LINES + 1),
    });
    try {
      expect(layerViolations(root).sort()).toEqual([
        "contracts/adapter.ts imports upward: edge/app.ts",
        "translate/gemini/errors.ts imports a sibling dialect: translate/openai-chat/errors.ts",
      ]);
      expect(oversizedFiles(root)).toEqual([`translate/shared/retry-after.ts: ${MAX_LINES + 1} lines`]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("tests", () => {
  test("every test file that starts servers or processes sets the busy-machine bound", () => {
    const root = join(import.meta.dir);
    const files = ["integration", "e2e", "faults", "browser"].flatMap((dir) =>
      readdirSync(join(root, dir), { recursive: true })
        .map(String)
        .filter((f) => f.endsWith(".test.ts"))
        .map((f) => join(dir, f)),
    );
    expect(files.length).toBeGreaterThan(50);
    const unbound = files.filter((f) => !readFileSync(join(root, f), "utf8").includes("boundTestsForBusyMachine();"));
    expect(unbound).toEqual([]);
  });
});
