import { describe, expect, test } from "bun:test";
import { parseWrk } from "../../scripts/bench/native-load.ts";
import { toMarkdown, type Report } from "../../scripts/bench/report.ts";

const WRK_OK = `Running 3s test @ http://127.0.0.1:41234/v1/messages
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.31ms    1.02ms  20.84ms   90.25%
    Req/Sec    13.57k     1.39k   15.51k    80.00%
  40712 requests in 3.00s, 32.41MB read
Requests/sec:  13570.12
Transfer/sec:     10.80MB
`;

const WRK_ERRORS = `Running 3s test @ http://127.0.0.1:41234/v1/messages
  1 threads and 128 connections
  12000 requests in 3.00s, 9.1MB read
  Socket errors: connect 0, read 3, write 1, timeout 2
  Non-2xx or 3xx responses: 40
Requests/sec:   4000.00
Transfer/sec:      3.03MB
`;

const machine = { cpu: "x", cores: 2, os: "linux", bun: "1", ccmux: "0", date: "d", load: 1 };
const row = (ratio: number) => ({
  case: "Anthropic JSON, small",
  conns: 32,
  rps: { direct: 3, baseline: 2, ccmux: 2 * ratio },
  errors: { direct: 0, baseline: 0, ccmux: 0 },
  ratio,
});

describe("bench: the native load generator", () => {
  test("reads requests/s from wrk's summary, and counts socket errors and non-2xx answers", () => {
    expect(parseWrk(WRK_OK)).toEqual({ rps: 13570.12, errors: 0 });
    expect(parseWrk(WRK_ERRORS)).toEqual({ rps: 4000, errors: 46 });
  });

  test("a wrk run without a summary is an error, not a zero", () => {
    expect(() => parseWrk("unable to connect to 127.0.0.1:1 Connection refused\n")).toThrow(/Requests\/sec/);
  });

  test("the report puts wrk's ratio beside the Bun client's, or says why wrk did not run", () => {
    const base: Report = { mode: "throughput", machine, latency: [], throughput: [row(0.8)], goals: [] };
    const ran = toMarkdown({ ...base, nativeThroughput: { tool: "wrk 4.1.0, 1 thread", rows: [row(0.95)] } });
    expect(ran).toContain("#### Throughput (load generator: wrk)");
    expect(ran).toContain("| Anthropic JSON, small | 32 | 0.80× | 0.95× | 2 | 2 |");
    const skipped = toMarkdown({ ...base, nativeThroughput: { skipped: "wrk is not installed" } });
    expect(skipped).toContain("Skipped: wrk is not installed.");
  });
});
