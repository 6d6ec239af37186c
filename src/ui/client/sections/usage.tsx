import { useEffect, useState } from "hono/jsx/dom";
import { getJson } from "../api.ts";
import { BarChart, compact, LineChart } from "../charts.tsx";
import type { ConfigStore } from "../config-store.ts";
import { ErrorText, Field } from "../widgets.tsx";
import type { UsageRow as ServerUsageRow } from "../../../usage/query.ts";

/** One group of `GET /api/usage` (by model, provider, day or account), as the usage report sends it. */
type UsageRow = ServerUsageRow;

interface UsageReport {
  rows: UsageRow[];
  total: UsageRow;
}

const ms = (v: number | null) => (v === null ? "–" : String(Math.round(v)));

function cost(r: UsageRow): string {
  const parts: string[] = [];
  if (r.costUsd !== null) parts.push(`$${r.costUsd.toFixed(r.costUsd < 1 ? 4 : 2)}`);
  if (r.subscriptionRequests > 0) parts.push("subscription");
  if (r.unpriced.length) parts.push("no price known");
  return parts.join(" + ") || "–";
}

function Row({ r, total }: { r: UsageRow; total?: boolean }) {
  return (
    <tr data-testid={total ? "usage-total" : "usage-row"} class={total ? "total" : ""}>
      <td>{total ? "Total" : r.key}</td>
      <td>{r.requests}</td>
      <td>{r.errors}</td>
      <td>{compact(r.inputTokens)}</td>
      <td>{compact(r.outputTokens)}</td>
      <td>
        {compact(r.cacheReadTokens)} / {compact(r.cacheWriteTokens)}
      </td>
      <td>
        {ms(r.p50Ms)} / {ms(r.p95Ms)} ms
      </td>
      <td>{cost(r)}</td>
    </tr>
  );
}

function Table({ report, by }: { report?: UsageReport; by: string }) {
  const rows = report?.rows ?? [];
  return (
    <div class="table-wrap">
      <table data-testid={`usage-${by}`}>
        <thead>
          <tr>
            <th>{by}</th>
            <th>Requests</th>
            <th>Errors</th>
            <th>Input</th>
            <th>Output</th>
            <th>Cache read / write</th>
            <th>p50 / p95</th>
            <th>Est. cost</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <Row r={r} />
          ))}
          {report && rows.length > 1 ? <Row r={report.total} total /> : null}
        </tbody>
      </table>
      {rows.length ? null : <p class="muted">No requests recorded in this period.</p>}
    </div>
  );
}

function useUsage(since: string, by: string) {
  const [report, setReport] = useState<UsageReport | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    getJson<UsageReport>(`/api/usage?since=${encodeURIComponent(since)}&by=${by}`).then(
      (b) => {
        setReport(b);
        setError(undefined);
      },
      (e: Error) => setError(e.message),
    );
  }, [since, by]);
  return { report, error };
}

export function Usage(_: { store: ConfigStore }) {
  const [since, setSince] = useState("7d");
  const [by, setBy] = useState("model");
  const days = useUsage(since, "day");
  const grouped = useUsage(since, by);
  const daily = [...(days.report?.rows ?? [])].sort((a, b) => a.key.localeCompare(b.key));
  const labels = daily.map((d) => d.key.slice(5));
  return (
    <div class="grid">
      <form class="card row wrap wide" aria-label="Usage period">
        <Field label="Period">
          <select name="usage_since" onChange={(e: Event) => setSince((e.target as HTMLSelectElement).value)}>
            {["24h", "7d", "30d", "90d"].map((s) => (
              <option value={s} selected={s === since}>
                last {s}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Group by">
          <select name="usage_by" onChange={(e: Event) => setBy((e.target as HTMLSelectElement).value)}>
            {["model", "provider", "day", "account"].map((b) => (
              <option value={b} selected={b === by}>
                {b}
              </option>
            ))}
          </select>
        </Field>
      </form>
      <ErrorText error={days.error ?? grouped.error} />
      <section class="card" aria-label="Tokens per day">
        <BarChart
          title="Tokens per day"
          labels={labels}
          series={[
            { name: "input", cls: "s1", values: daily.map((d) => d.inputTokens) },
            { name: "output", cls: "s2", values: daily.map((d) => d.outputTokens) },
            { name: "cache read", cls: "s3", values: daily.map((d) => d.cacheReadTokens) },
          ]}
        />
      </section>
      <section class="card" aria-label="Latency per day">
        <LineChart
          title="Latency per day"
          unit=" ms"
          labels={labels}
          series={[
            { name: "p50", cls: "s1", values: daily.map((d) => d.p50Ms ?? 0) },
            { name: "p95", cls: "s2", values: daily.map((d) => d.p95Ms ?? 0) },
          ]}
        />
      </section>
      <section class="card wide" aria-label={`Usage by ${by}`}>
        <Table report={grouped.report} by={by} />
      </section>
    </div>
  );
}
