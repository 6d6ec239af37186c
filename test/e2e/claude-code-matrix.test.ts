// The cheap slice of the real-client e2e matrix (`bun run e2e` runs all of it): the pinned Claude Code
// (and the build CCMUX_CLAUDE_BIN names, when set)
// through ccmux, the multi-step tool loop on all four upstream dialects, and every other scenario on
// one dialect each. Cells run two at a time in beforeAll; each test then checks one cell's outcome
// (what the upstream received each step, the client's result and its usage).
import { afterAll, beforeAll, expect, test } from "bun:test";
import {
  DIALECTS,
  matrixClients,
  runAll,
  runCell,
  startMatrix,
  type CellOutcome,
  type Matrix,
} from "../helpers/e2e-matrix.ts";
import { SCENARIOS } from "../helpers/e2e-scenarios.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

/** scenario → the dialects it runs on here. */
const SLICE: Record<string, string[]> = {
  "tool loop": ["anthropic", "openai-chat", "responses", "gemini"],
  "parallel calls": ["gemini"],
  "tool error": ["responses"],
  subagent: ["openai-chat"],
  "image result": ["openai-chat"],
  compaction: ["responses"],
};

let matrix: Matrix;
const outcomes: CellOutcome[] = [];
const cellNames = SCENARIOS.flatMap((s) => (SLICE[s.name] ?? []).map((dialect) => ({ s, dialect })));

beforeAll(async () => {
  matrix = await startMatrix(process.env.CCMUX_TEST_ROOT!);
  const cells = matrixClients().flatMap((client) =>
    cellNames.map(
      ({ s, dialect }) =>
        () =>
          runCell(matrix, client, DIALECTS.find((d) => d.dialect === dialect)!, s),
    ),
  );
  outcomes.push(...(await runAll(cells, 2)));
}, 900_000);

afterAll(async () => {
  await matrix?.stop();
});

for (const { s, dialect } of cellNames) {
  test(`Claude Code × ${dialect} × ${s.name}`, () => {
    const mine = outcomes.filter((o) => o.scenario === s.name && o.dialect === dialect);
    expect(mine.length).toBe(matrixClients().length);
    for (const o of mine)
      expect({ version: o.version, failures: o.failures }).toEqual({ version: o.version, failures: [] });
  });
}
