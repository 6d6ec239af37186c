// Counts type assertions (`x as T`, `<T>x`; `as const` excluded) in the files under the given folders,
// with the TypeScript parser rather than a regex. Usage: bun scripts/count-casts.ts src/translate [--list]
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

export interface TypeAssertion {
  path: string;
  line: number;
  text: string;
}

function casts(path: string): TypeAssertion[] {
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
  const found: TypeAssertion[] = [];
  const visit = (node: ts.Node): void => {
    const isAs = ts.isAsExpression(node) || ts.isTypeAssertionExpression(node);
    if (isAs && !(ts.isTypeReferenceNode(node.type) && node.type.getText() === "const")) {
      const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      found.push({ path, line, text: node.getText().replace(/\s+/g, " ").slice(0, 100) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every type assertion in the .ts files under `dir`. */
export function typeAssertions(dir: string): TypeAssertion[] {
  return files(dir).flatMap(casts);
}

if (import.meta.main) {
  const list = process.argv.includes("--list");
  let total = 0;
  for (const dir of process.argv.slice(2).filter((a) => !a.startsWith("--"))) {
    const found = typeAssertions(dir);
    total += found.length;
    if (list) for (const c of found) console.log(`${c.path}:${c.line}: ${c.text}`);
  }
  console.log(`${total} type assertions`);
}
