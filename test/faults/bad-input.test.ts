// At least 300 malformed or hostile requests to every public route. Each gets the outcome its case states
// (see bad-input-cases.ts), in the route's error shape, and the server answers /health after every batch.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfigFile } from "../../src/config/load.ts";
import { json, startFakeUpstream, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { rawRequest } from "../helpers/raw-http.ts";
import { startInProcess, type InProcessServer } from "../helpers/in-process.ts";
import { CHAT, COUNT, MESSAGES, fieldCases, shapeCases, syntaxCases, utf8Cases, type Case } from "./bad-input-cases.ts";
import { adminCases, headerCases, methodCases, pathCases } from "./bad-input-transport.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

const OK = {
  id: "msg_bad_input",
  type: "message",
  role: "assistant",
  model: "u1",
  content: [{ type: "text", text: "ok" }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 1, output_tokens: 1 },
};

let up: FakeUpstream;
let open: InProcessServer;
let secured: InProcessServer;
let configPath: string;
let configText: string;
const tally = { requests: 0, refused: 0, passed: 0, http: 0, crashes: 0 };

function config(apiKey?: string): string {
  return `[server]
host = "127.0.0.1"
port = 0
${apiKey ? `api_key = "${apiKey}"` : ""}

[router]
default = "sonnet"

[[providers]]
name = "up"
provider_type = "anthropic"
api_key = "upstream-key"
base_url = "${up.url}"

[[models]]
name = "sonnet"

[[models.mappings]]
priority = 1
provider = "up"
actual_model = "u1"
`;
}

async function serve(text: string, file: string): Promise<InProcessServer> {
  writeFileSync(file, text);
  const loaded = await loadConfigFile(file, process.env);
  return startInProcess(loaded!.config, { configPath: file });
}

beforeAll(async () => {
  up = await startFakeUpstream();
  up.setDefault((req) => json(req.path.includes("count_tokens") ? { input_tokens: 7 } : OK));
  const dir = mkdtempSync(join(process.env.CCMUX_TEST_ROOT!, "bad-input-"));
  configPath = join(dir, "open.toml");
  configText = config();
  open = await serve(configText, configPath);
  secured = await serve(config("inbound-secret"), join(dir, "secured.toml"));
});

afterAll(async () => {
  console.log(
    `bad-input: ${tally.requests} requests, ${tally.requests - tally.crashes} handled ` +
      `(4xx: ${tally.refused}, passed: ${tally.passed}, refused by the HTTP layer: ${tally.http}), ${tally.crashes} crashes`,
  );
  await Promise.all([open.stop(), secured.stop()]);
  await up.stop();
});

interface Outcome {
  status?: number;
  body: string;
}

async function send(c: Case): Promise<Outcome> {
  const server = c.server === "secured" ? secured : open;
  const port = Number(new URL(server.url).port);
  if (c.raw !== undefined)
    return rawRequest(port, c.raw.replaceAll("{port}", String(port)), { halfClose: c.halfClose });
  const res = await fetch(server.url + c.path, { method: c.method ?? "GET", headers: c.headers, body: c.body });
  return { status: res.status, body: await res.text() };
}

function shapeProblem(path: string, body: string): string | undefined {
  let parsed: any;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `not JSON: ${body.slice(0, 80)}`;
  }
  if (path === CHAT) {
    const e = parsed?.error;
    const ok = e && typeof e.message === "string" && typeof e.type === "string" && "param" in e && "code" in e;
    return ok ? undefined : `not OpenAI's error shape: ${body.slice(0, 120)}`;
  }
  const ok =
    parsed?.type === "error" && typeof parsed.error?.type === "string" && typeof parsed.error?.message === "string";
  return ok ? undefined : `not Anthropic's error shape: ${body.slice(0, 120)}`;
}

/** What is wrong with the outcome, or undefined. Also counts it. */
function judge(c: Case, o: Outcome, upstreamBefore: number): string | undefined {
  tally.requests++;
  const s = o.status;
  if (s === undefined && c.expect !== "http") return crash("closed without an answer");
  if (s !== undefined && s >= 500 && !(c.expect === "http" && s === 505)) return crash(`${s} ${o.body.slice(0, 160)}`);
  if (c.status !== undefined && s !== c.status) return `expected ${c.status}, got ${s}: ${o.body.slice(0, 160)}`;
  if (c.expect === "http") {
    tally.http++;
    return s === undefined || s >= 400 ? undefined : `expected the HTTP layer to refuse it, got ${s}`;
  }
  if (c.expect === "4xx") {
    tally.refused++;
    return s! >= 400 && s! < 500 ? shapeProblem(c.path, o.body) : `expected a 4xx, got ${s}: ${o.body.slice(0, 160)}`;
  }
  tally.passed++;
  if (s! < 200 || s! >= 300) return `expected a normal answer, got ${s}: ${o.body.slice(0, 160)}`;
  if ((c.path === MESSAGES || c.path === CHAT) && up.requests.length === upstreamBefore)
    return "expected it to be forwarded upstream";
  return undefined;
}

function crash(what: string): string {
  tally.crashes++;
  return `crash: ${what}`;
}

async function healthy(): Promise<void> {
  for (const server of [open, secured]) expect((await fetch(`${server.url}/health`)).status).toBe(200);
}

const ALL: Case[] = [
  ...syntaxCases(),
  ...fieldCases(),
  ...shapeCases(),
  ...utf8Cases(),
  ...headerCases(),
  ...methodCases(),
  ...pathCases(),
  ...adminCases(),
];
const GROUPS = [...new Set(ALL.map((c) => c.group))];

describe("bad input", () => {
  test("there are at least 300 cases, covering every public route", () => {
    expect(ALL.length).toBeGreaterThanOrEqual(300);
    const paths = new Set(ALL.map((c) => c.path));
    for (const path of [
      MESSAGES,
      COUNT,
      CHAT,
      "/v1/models",
      "/health",
      "/api/config/json",
      "/api/providers",
      "/api/models-config",
    ])
      expect(paths.has(path)).toBe(true);
  });

  for (const group of GROUPS) {
    test(group, async () => {
      const problems: string[] = [];
      for (const c of ALL.filter((x) => x.group === group)) {
        const before = up.requests.length;
        const problem = judge(c, await send(c), before);
        if (problem) problems.push(`${c.name}: ${problem}`);
      }
      expect(problems).toEqual([]);
      await healthy();
      up.clear();
    }, 60_000); // a group is up to ~100 requests one after another (admin saves write and reload); a loaded 2-core machine is slow
  }

  test("no bad input changed the config file", () => {
    expect(readFileSync(configPath, "utf8")).toBe(configText);
  });
});
