import { useEffect, useState } from "hono/jsx/dom";
import { getJson } from "../api.ts";
import { BarChart, compact, LineChart } from "../charts.tsx";
import type { ConfigStore } from "../config-store.ts";
import { ErrorText, Field } from "../widgets.tsx";

/** One group of `GET /api/usage` (by model, provider, day or account). */
export interface UsageRow {
  key: string;
  requests: number;
  errors: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  p50: number | null;
  p95: number | null;
  cost: number | null;
  subscription: boolean;
}

type Raw = Record<string, unknown>;

const num = (r: Raw, ...names: string[]): number | null => {
  for (const n of names) if (typeof r[n] === "number") return r[n] as number;
  return null;
};

/** Accepts the usage API's rows under their snake_case or camelCase names. */
export function usageRows(body: unknown): UsageRow[] {
  const list = (Array.isArray(body) ? body : ((body as Raw)?.rows as unknown[])) ?? [];
  return list.map((x) => {
    const r = x as Raw;
    const tokens = (r.tokens ?? {}) as Raw;
    return {
      key: String(r.key ?? r.model ?? r.provider ?? r.day ?? r.account ?? r.group ?? "?"),
      requests: num(r, "requests") ?? 0,
      errors: num(r, "errors") ?? 0,
      input: num(r, "input_tokens", "inputTokens", "input") ?? num(tokens, "input") ?? 0,
      output: num(r, "output_tokens", "outputTokens", "output") ?? num(tokens, "output") ?? 0,
      cacheRead:
        num(r, "cache_read_tokens", "cacheReadTokens", "cache_read") ?? num(tokens, "cacheRead", "cache_read") ?? 0,
      cacheWrite:
        num(r, "cache_write_tokens", "cacheWriteTokens", "cache_write") ??
        num(tokens, "cacheWrite", "cache_write") ??
        0,
      p50: num(r, "p50_ms", "latency_p50_ms", "p50Ms", "p50"),
      p95: num(r, "p95_ms", "latency_p95_ms", "p95Ms", "p95"),
      cost: num(r, "cost_usd", "costUsd", "cost"),
      subscription: r.subscription === true || r.cost === "subscription",
    };
  });
}

function cost(r: UsageRow): string {
  if (r.cost !== null) return `$${r.cost.toFixed(r.cost < 1 ? 4 : 2)}`;
  return r.subscription ? "subscription" : "–";
}

function Table({ rows, by }: { rows: UsageRow[]; by: string }) {
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
            <tr data-testid="usage-row">
              <td>{r.key}</td>
              <td>{r.requests}</td>
              <td>{r.errors}</td>
              <td>{compact(r.input)}</td>
              <td>{compact(r.output)}</td>
              <td>
                {compact(r.cacheRead)} / {compact(r.cacheWrite)}
              </td>
              <td>
                {r.p50 ?? "–"} / {r.p95 ?? "–"} ms
              </td>
              <td>{cost(r)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length ? null : <p class="muted">No requests recorded in this period.</p>}
    </div>
  );
}

function useUsage(since: string, by: string) {
  const [rows, setRows] = useState<UsageRow[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    getJson(`/api/usage?since=${encodeURIComponent(since)}&by=${by}`).then(
      (b) => {
        setRows(usageRows(b));
        setError(undefined);
      },
      (e: Error) => setError(e.message),
    );
  }, [since, by]);
  return { rows, error };
}

export function Usage(_: { store: ConfigStore }) {
  const [since, setSince] = useState("7d");
  const [by, setBy] = useState("model");
  const days = useUsage(since, "day");
  const grouped = useUsage(since, by);
  const daily = [...(days.rows ?? [])].sort((a, b) => a.key.localeCompare(b.key));
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
            { name: "input", cls: "s1", values: daily.map((d) => d.input) },
            { name: "output", cls: "s2", values: daily.map((d) => d.output) },
            { name: "cache read", cls: "s3", values: daily.map((d) => d.cacheRead) },
          ]}
        />
      </section>
      <section class="card" aria-label="Latency per day">
        <LineChart
          title="Latency per day"
          unit=" ms"
          labels={labels}
          series={[
            { name: "p50", cls: "s1", values: daily.map((d) => d.p50 ?? 0) },
            { name: "p95", cls: "s2", values: daily.map((d) => d.p95 ?? 0) },
          ]}
        />
      </section>
      <section class="card wide" aria-label={`Usage by ${by}`}>
        <Table rows={grouped.rows ?? []} by={by} />
      </section>
    </div>
  );
}
