import { runtime } from "../runtime/index.ts";

/** Shared by the CLI commands: plain output rules, JSON printing, one way to fail. */
export const configArg = { config: { type: "string", alias: "c", description: "Path to config.toml" } } as const;
export const jsonArg = { json: { type: "boolean", description: "Print JSON for scripts" } } as const;

/** No colours or decoration when stdout is not a terminal or NO_COLOR is set. */
export function plainOutput(): boolean {
  return !runtime.isTTY("stdout") || Boolean(runtime.env("NO_COLOR"));
}

const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;

export function paint(text: string, style: keyof typeof CODES): string {
  return plainOutput() ? text : `\x1b[${CODES[style]}m${text}\x1b[0m`;
}

export function say(line = ""): void {
  console.log(line);
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

/** The one error style: `error: <what happened and what to do>` on stderr, then exit with `code`. */
export function die(message: string, code = 1): never {
  console.error(`${paint("error", "red")}: ${message.replace(/^(?:ccmux: |error: )/, "")}`);
  return runtime.exit(code);
}

/** A mistake in the command line itself: exit 2, and where to read the usage. */
export function usageError(message: string, where = "ccmux"): never {
  return die(`${message}\n  (\`${where} --help\` lists the commands and options)`, 2);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Rows of cells as aligned columns (two spaces apart), the first row being the header. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join("  ")
      .trimEnd(),
  );
}
