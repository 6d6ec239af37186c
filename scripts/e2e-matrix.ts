#!/usr/bin/env bun
// The real-client e2e matrix: Claude Code version × upstream dialect × scenario, through ccmux to a
// fake upstream that scripts the model's turns and records what ccmux sent (test/helpers/e2e-*.ts).
//   bun run e2e                                  2.1.112 (pinned, under Node) × 4 dialects × every scenario
//   CCMUX_CLAUDE_BIN=/path/to/claude bun run e2e  adds that build (e.g. a native 2.1.113+) as a second version
//   options: --jobs N (cells side by side, default 2)  --only <scenario>  --dialect <dialect>
// Prints a pass/fail table and exits 1 when any cell failed.
import "../test/preload.ts";
import { parseArgs } from "node:util";
import { DIALECTS, formatTable, matrixClients, runAll, runCell, startMatrix } from "../test/helpers/e2e-matrix.ts";
import { SCENARIOS } from "../test/helpers/e2e-scenarios.ts";

const { values } = parseArgs({
  options: { jobs: { type: "string", default: "2" }, only: { type: "string" }, dialect: { type: "string" } },
});
const matrix = await startMatrix(process.env.CCMUX_TEST_ROOT!);
const cells = matrixClients().flatMap((client) =>
  SCENARIOS.filter((s) => !values.only || s.name === values.only).flatMap((s) =>
    DIALECTS.filter((d) => !values.dialect || d.dialect === values.dialect).map(
      (d) => () => runCell(matrix, client, d, s),
    ),
  ),
);
const started = performance.now();
const outcomes = await runAll(cells, Number(values.jobs));
await matrix.stop();
console.log(formatTable(outcomes));
const failed = outcomes.filter((o) => o.failures.length > 0).length;
console.log(
  `\n${outcomes.length - failed}/${outcomes.length} cells passed in ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
process.exit(failed > 0 ? 1 : 0);
