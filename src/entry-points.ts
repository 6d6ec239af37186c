// Modules that `bun run build` compiles as entry points of their own (scripts/build.ts passes
// ENTRY_POINTS), so that `ccmux statusline` loads neither the command tree nor the tokenizer's rank
// data (3.7 MB of the 4.7 MB bundle): one bundle is parsed and loaded whole when the binary starts,
// even the modules it only imports lazily.
//
// The bundler inlines every import whose specifier it can read, so loadEntry() and startEntryWorker()
// take the specifier as a value. Inside the binary, bundled code resolves a relative specifier against its entry's
// output file, not its own source: every caller of these is bundled into an entry that sits in
// src/, as this file does, so "./x.ts" names the same module from source and in the binary.

/** Entry points, relative to src/; the first is the binary's own. */
export const ENTRY_POINTS = ["main.ts", "main-cli.ts", "tokens/o200k.ts"] as const;

type LazyEntry = Exclude<(typeof ENTRY_POINTS)[number], "main.ts">;

/** Starts a separately compiled entry point as a module Worker. */
export function startEntryWorker(entry: LazyEntry): Worker {
  const specifier: string = `./${entry}`;
  return new Worker(new URL(specifier, import.meta.url).href, { type: "module" });
}

/** Imports one of the separately compiled entry points at run time. */
export function loadEntry<T>(entry: LazyEntry): Promise<T> {
  const specifier: string = `./${entry}`;
  return import(specifier) as Promise<T>;
}
