// The real-client e2e matrix: Claude Code version × upstream dialect × scenario. One fake upstream
// plays every dialect (each cell has its own model, so cells may run side by side), one ccmux routes
// to it, and each cell runs `claude -p` in its own work dir and HOME.
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CLAUDE_CLI, claudeEnv, spawnClaude } from "./claude-cli.ts";
import { quietClaudeEnv } from "./claude-first-try.ts";
import { replyInDialect, type Dialect } from "./dialect-replies.ts";
import { viewOf } from "./e2e-dialect-view.ts";
import { SCENARIOS, SUBAGENT_INNER, type CellRun, type Scenario } from "./e2e-scenarios.ts";
import { startFakeUpstream, type FakeUpstream, type RecordedRequest } from "./fake-upstream.ts";
import { startCcmuxServer, type CcmuxServer } from "./spawn.ts";

export interface ClaudeClient {
  version: string;
  command: readonly string[];
}

export interface DialectCell {
  dialect: Dialect;
  label: string;
  provider: string;
}

export const DIALECTS: readonly DialectCell[] = [
  { dialect: "anthropic", label: "Anthropic", provider: 'provider_type = "anthropic"\nbase_url = "{up}"' },
  {
    dialect: "openai-chat",
    label: "OpenAI Chat",
    provider: 'provider_type = "openai-compatible"\nbase_url = "{up}/v1"',
  },
  { dialect: "responses", label: "Responses", provider: 'provider_type = "openai-responses"\nbase_url = "{up}/v1"' },
  { dialect: "gemini", label: "Gemini", provider: 'provider_type = "gemini"\nbase_url = "{up}/v1beta"' },
];

export interface CellOutcome {
  version: string;
  dialect: Dialect;
  scenario: string;
  failures: string[];
  seconds: number;
}

/** The pinned 2.1.112 (cli.js under Node), and the build CCMUX_CLAUDE_BIN names when set. */
export function matrixClients(): ClaudeClient[] {
  const pinned = JSON.parse(readFileSync(join(CLAUDE_CLI, "../package.json"), "utf8")).version as string;
  const clients: ClaudeClient[] = [{ version: pinned, command: ["node", CLAUDE_CLI] }];
  const bin = process.env.CCMUX_CLAUDE_BIN;
  if (bin) {
    const out = Bun.spawnSync([bin, "--version"], { stdout: "pipe" }).stdout.toString();
    clients.push({ version: `${out.trim().split(" ")[0]} (CCMUX_CLAUDE_BIN)`, command: [bin] });
  }
  return clients;
}

const slug = (scenario: Scenario) => scenario.name.replace(/ /g, "-");

function matrixConfig(upUrl: string): string {
  const lines = [`[router]\ndefault = "side"`];
  for (const d of DIALECTS) {
    lines.push(
      `[[providers]]\nname = "${d.dialect}"\n${d.provider.replace("{up}", upUrl)}\napi_key = "k-${d.dialect}"`,
    );
    for (const model of [...SCENARIOS.map(slug), SUBAGENT_INNER]) {
      const mapping = `[[models.mappings]]\npriority = 1\nprovider = "${d.dialect}"\nactual_model = "${model}"`;
      lines.push(`[[models]]\nname = "${d.dialect}-${model}"\n${mapping}`);
    }
  }
  lines.push(
    `[[models]]\nname = "side"\n[[models.mappings]]\npriority = 1\nprovider = "anthropic"\nactual_model = "side"`,
  );
  return lines.join("\n");
}

export interface Matrix {
  up: FakeUpstream;
  server: CcmuxServer;
  root: string;
  stop(): Promise<void>;
}

/** Where each running cell works, by `${dialect}/${model}` (the image scenario names its file by path). */
const workDirs = new Map<string, string>();
const bySlug = new Map(SCENARIOS.map((s) => [slug(s), s]));

function answer(req: RecordedRequest) {
  const view = viewOf(req);
  const scenario = view.model === SUBAGENT_INNER ? bySlug.get("subagent") : bySlug.get(view.model);
  if (!scenario) return replyInDialect(req, { text: ["ok"], usage: { input: 10, output: 1 } });
  return replyInDialect(req, scenario.turn(view, workDirs.get(`${view.dialect}/${view.model}`) ?? ""));
}

export async function startMatrix(root: string): Promise<Matrix> {
  const up = await startFakeUpstream();
  up.setDefault(answer);
  const server = await startCcmuxServer({ configText: matrixConfig(up.url) });
  return {
    up,
    server,
    root,
    stop: async () => {
      await server.stop();
      await up.stop();
    },
  };
}

const fill = (args: string[], session: string, dialect: string) =>
  args.map((a) => a.replace("{session}", session).replace("{dialect}", dialect));

/** Runs one cell and checks it; never throws (a crash is a failure of the cell). */
export async function runCell(m: Matrix, client: ClaudeClient, d: DialectCell, s: Scenario): Promise<CellOutcome> {
  const started = performance.now();
  const cellDir = join(m.root, "matrix", client.version.replace(/\W+/g, "_"), d.dialect, slug(s));
  const work = join(cellDir, "work");
  mkdirSync(work, { recursive: true });
  s.prepare?.(work);
  workDirs.set(`${d.dialect}/${slug(s)}`, work);
  const from = m.up.requests.length;
  const outcome = { version: client.version, dialect: d.dialect, scenario: s.name, failures: [] as string[] };
  try {
    const env = claudeEnv(m.server.url, quietClaudeEnv(join(cellDir, "home")));
    const session = randomUUID();
    const model = ["--model", `${d.dialect}-${slug(s)}`];
    let result: CellRun["result"] | undefined;
    for (const args of s.runs)
      result = await spawnClaude(client.command, [...fill(args, session, d.dialect), ...model], { cwd: work, env });
    const seen = m.up.requests
      .slice(from)
      .map(viewOf)
      .filter((v) => v.dialect === d.dialect);
    const run: CellRun = {
      result: result!,
      main: seen.filter((v) => v.model === slug(s)),
      inner: seen.filter((v) => v.model === SUBAGENT_INNER),
    };
    outcome.failures.push(...s.check(run), ...usageFailures(run));
  } catch (error) {
    outcome.failures.push(`crashed: ${String(error).slice(0, 2000)}`);
  }
  return { ...outcome, seconds: (performance.now() - started) / 1000 };
}

/** The client's usage is non-zero and within what the upstream reported over the main conversation. */
function usageFailures(run: CellRun): string[] {
  const usage = run.result.usage ?? {};
  const input = usage.input_tokens ?? 0;
  const output = usage.output_tokens ?? 0;
  const steps = run.main.length;
  const maxInput = steps * 1000 + 100 * ((steps * (steps - 1)) / 2);
  const failures: string[] = [];
  if (!(input >= 1000 && input <= maxInput)) failures.push(`usage input_tokens ${input}, want 1000..${maxInput}`);
  if (!(output >= 30 && output <= 30 * steps)) failures.push(`usage output_tokens ${output}, want 30..${30 * steps}`);
  return failures;
}

/** Runs `cells` with at most `jobs` at a time, in order of start. */
export async function runAll<T>(cells: (() => Promise<T>)[], jobs: number): Promise<T[]> {
  const out: T[] = new Array(cells.length);
  let next = 0;
  const worker = async () => {
    while (next < cells.length) {
      const i = next++;
      out[i] = await cells[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  return out;
}

/** version × scenario rows, one column per dialect, then each failure spelled out. */
export function formatTable(outcomes: CellOutcome[]): string {
  const head = ["Claude Code", "scenario", ...DIALECTS.map((d) => d.label)];
  const rows: string[][] = [];
  for (const version of [...new Set(outcomes.map((o) => o.version))]) {
    for (const s of SCENARIOS) {
      const cells = DIALECTS.map((d) => {
        const o = outcomes.find((x) => x.version === version && x.scenario === s.name && x.dialect === d.dialect);
        return o ? `${o.failures.length === 0 ? "pass" : "FAIL"} ${o.seconds.toFixed(0)}s` : "-";
      });
      if (cells.some((c) => c !== "-")) rows.push([version, s.name, ...cells]);
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  const table = [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)];
  const failed = outcomes.filter((o) => o.failures.length > 0);
  const details = failed.map((o) => `${o.version} × ${o.dialect} × ${o.scenario}:\n  - ${o.failures.join("\n  - ")}`);
  return [...table, ...details].join("\n");
}
