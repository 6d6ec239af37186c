// The e2e matrix's scenarios: what Claude Code is asked, how the fake model answers each step (in
// whatever dialect ccmux speaks upstream), and what must have reached the upstream. A step is the
// number of tool results the request carries, so the same script plays on every dialect.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ScriptCall, ScriptTurn } from "./dialect-replies.ts";
import type { RequestView } from "./e2e-dialect-view.ts";
import { PNG_BASE64 } from "./translated-upstreams.ts";

/** One finished cell: the client's JSON result and the cell's upstream requests, in order. */
export interface CellRun {
  result: { is_error: boolean; num_turns: number; result: string; usage?: Record<string, number> };
  /** The main conversation's requests (the scenario's model). */
  main: RequestView[];
  /** Requests routed by the subagent tag (model `subagent-inner`). */
  inner: RequestView[];
}

export interface Scenario {
  name: string;
  /** The `claude -p` invocations, in order; `{session}` is one session id, `{dialect}` the cell's dialect. */
  runs: string[][];
  /** Files the scenario needs in the work dir. */
  prepare?(work: string): void;
  /** The model's next turn. */
  turn(view: RequestView, work: string): ScriptTurn;
  /** What must hold; each failed check is one message. */
  check(run: CellRun): string[];
}

export const SUBAGENT_INNER = "subagent-inner";
const USAGE = (step: number) => ({ input: 1000 + 100 * step, output: 30 });
const bash = (id: string, command: string): ScriptCall => ({ id, name: "Bash", input: { command, description: id } });
const say = (text: string, step: number): ScriptTurn => ({ text: [text], usage: USAGE(step) });
const call = (calls: ScriptCall[], step: number): ScriptTurn => ({ calls, usage: USAGE(step) });
const json = "--output-format";

/** `want` holds, or the message naming what was seen instead. */
function expectThat(failures: string[], ok: boolean, message: string): void {
  if (!ok) failures.push(message);
}

function resultFor(view: RequestView | undefined, id: string) {
  return view?.results.find((r) => r.id === id);
}

/** The checks every scenario shares: the client succeeded with `marker`, in `turns` requests. */
function finished(run: CellRun, marker: string, turns: number): string[] {
  const f: string[] = [];
  expectThat(f, !run.result.is_error, `client reported an error: ${run.result.result}`);
  expectThat(f, run.result.result.includes(marker), `client result lacks ${marker}: ${run.result.result}`);
  expectThat(f, run.main.length === turns, `upstream saw ${run.main.length} main requests, want ${turns}`);
  return f;
}

const toolLoop: Scenario = {
  name: "tool loop",
  runs: [["-p", "run the two loop steps", "--allowedTools", "Bash", json, "json"]],
  turn: (v) => {
    const n = v.results.length;
    if (n === 0) return call([bash("call_loop_1", "echo loop-step-1")], n);
    if (n === 1) return call([bash("call_loop_2", "echo loop-step-2")], n);
    return say("Both steps ran. LOOP-DONE", n);
  },
  check: (run) => {
    const f = finished(run, "LOOP-DONE", 3);
    expectThat(f, resultFor(run.main[1], "call_loop_1")?.text.includes("loop-step-1") === true, "step 1 result");
    const last = run.main[2];
    expectThat(f, resultFor(last, "call_loop_1")?.text.includes("loop-step-1") === true, "step 1 result resent");
    expectThat(f, resultFor(last, "call_loop_2")?.text.includes("loop-step-2") === true, "step 2 result");
    return f;
  },
};

const parallel: Scenario = {
  name: "parallel calls",
  runs: [["-p", "run both echos at once", "--allowedTools", "Bash", json, "json"]],
  turn: (v) =>
    v.results.length === 0
      ? call([bash("call_par_a", "echo par-alpha"), bash("call_par_b", "echo par-beta")], 0)
      : say("Both echos ran. PARALLEL-DONE", 1),
  check: (run) => {
    const f = finished(run, "PARALLEL-DONE", 2);
    const second = run.main[1];
    expectThat(f, second?.results.length === 2, `second request has ${second?.results.length} tool results`);
    const a = resultFor(second, "call_par_a")?.text ?? "";
    const b = resultFor(second, "call_par_b")?.text ?? "";
    expectThat(f, a.includes("par-alpha") && !a.includes("par-beta"), `call_par_a paired with ${a}`);
    expectThat(f, b.includes("par-beta") && !b.includes("par-alpha"), `call_par_b paired with ${b}`);
    return f;
  },
};

const toolError: Scenario = {
  name: "tool error",
  runs: [["-p", "run the failing command", "--allowedTools", "Bash", json, "json"]],
  turn: (v) =>
    v.results.length === 0
      ? call([bash("call_err_1", "echo err-marker >&2; exit 3")], 0)
      : say("The command failed. ERROR-SEEN", 1),
  check: (run) => {
    const f = finished(run, "ERROR-SEEN", 2);
    const r = resultFor(run.main[1], "call_err_1");
    expectThat(f, r?.isError === true, `tool result not marked as an error: ${JSON.stringify(r)}`);
    expectThat(f, r?.text.includes("err-marker") === true, "error output missing");
    return f;
  },
};

/** A custom agent (`--agents`) whose prompt carries the subagent tag naming the cell's inner model. */
const AGENTS = JSON.stringify({
  "matrix-helper": {
    description: "Answers matrix subtasks",
    prompt: `You answer matrix subtasks. <CCM-SUBAGENT-MODEL>{dialect}-${SUBAGENT_INNER}</CCM-SUBAGENT-MODEL>`,
  },
});

const subagent: Scenario = {
  name: "subagent",
  runs: [["-p", "delegate the subtask", "--agents", AGENTS, "--allowedTools", "Task", json, "json"]],
  turn: (v) => {
    if (v.firstUserText.includes("MATRIX-SUBTASK")) return say("The code word is SUBAGENT-REPORT-7", 0);
    if (v.results.length > 0) return say("The helper reported back. SUBAGENT-DONE", 1);
    const input = {
      description: "Matrix subtask",
      prompt: "MATRIX-SUBTASK: report the code word",
      subagent_type: "matrix-helper",
      // Claude Code 2.1.332 runs agents in the background unless asked not to (2.1.112 in the foreground)
      run_in_background: false,
    };
    return call([{ id: "call_task_1", name: "Task", input }], 0);
  },
  check: (run) => {
    const f = finished(run, "SUBAGENT-DONE", 2);
    expectThat(f, run.inner.length >= 1, "no request reached the subagent tag's model");
    expectThat(f, run.inner[0]?.firstUserText.includes("MATRIX-SUBTASK") === true, "subagent request lacks the task");
    expectThat(f, run.inner[0]?.raw.includes("CCM-SUBAGENT-MODEL") === false, "subagent tag not stripped");
    const r = resultFor(run.main[1], "call_task_1");
    expectThat(f, r?.text.includes("SUBAGENT-REPORT-7") === true, `Task result: ${JSON.stringify(r)}`);
    return f;
  },
};

const image: Scenario = {
  name: "image result",
  runs: [["-p", "look at pixel.png", "--allowedTools", "Read", json, "json"]],
  prepare: (work) => writeFileSync(join(work, "pixel.png"), Buffer.from(PNG_BASE64, "base64")),
  turn: (v, work) =>
    v.results.length === 0
      ? call([{ id: "call_img_1", name: "Read", input: { file_path: join(work, "pixel.png") } }], 0)
      : say("A single pixel. IMAGE-SEEN", 1),
  check: (run) => {
    const f = finished(run, "IMAGE-SEEN", 2);
    expectThat(f, resultFor(run.main[1], "call_img_1") !== undefined, "no result for call_img_1");
    expectThat(f, (run.main[1]?.images ?? 0) >= 1, "the image did not reach the upstream");
    return f;
  },
};

const SUMMARY_PROMPT = "create a detailed summary of the conversation";

/**
 * `/compact` in print mode (2.1.112 marks it supportsNonInteractive): a first run leaves a session
 * with a tool call in it, `/compact` on that session sends Claude Code's own summary request, and a
 * third run continues from the summary alone.
 */
const compaction: Scenario = {
  name: "compaction",
  runs: [
    ["-p", "remember the word", "--session-id", "{session}", "--allowedTools", "Bash", json, "json"],
    ["-p", "/compact", "--resume", "{session}", json, "json"],
    ["-p", "what was the word", "--resume", "{session}", json, "json"],
  ],
  turn: (v) => {
    if (v.raw.includes(SUMMARY_PROMPT)) return say("<summary>The word was COMPACT-SUMMARY-9.</summary>", 0);
    if (v.raw.includes("COMPACT-SUMMARY-9")) return say("The word was in the summary. COMPACT-DONE", 0);
    if (v.results.length === 0) return call([bash("call_compact_1", "echo compact-before")], 0);
    return say("Remembered.", 1);
  },
  check: (run) => {
    const f = finished(run, "COMPACT-DONE", 4);
    const [, history, summary, after] = run.main;
    expectThat(f, history?.results[0]?.text.includes("compact-before") === true, "first run's tool result");
    expectThat(f, summary?.raw.includes(SUMMARY_PROMPT) === true, "no summary request reached the upstream");
    expectThat(f, summary?.raw.includes("compact-before") === true, "the summary request lacks the history");
    expectThat(f, after?.raw.includes("COMPACT-SUMMARY-9") === true, "the next request lacks the summary");
    expectThat(f, after?.results.length === 0, "the next request still carries the compacted tool results");
    return f;
  },
};

export const SCENARIOS: readonly Scenario[] = [toolLoop, parallel, toolError, subagent, image, compaction];
