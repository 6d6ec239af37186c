import { useEffect, useState } from "hono/jsx/dom";
import type { ConfigStore } from "../config-store.ts";
import { Badge, Field } from "../widgets.tsx";
import type { FinishedRequest } from "../../../proxy/request-record.ts";

/** One finished request as the live log stream sends it: the log line's fields, never a body. */
export type LogRow = Pick<
  FinishedRequest,
  | "time"
  | "id"
  | "endpoint"
  | "requestedModel"
  | "route"
  | "provider"
  | "account"
  | "upstreamModel"
  | "stream"
  | "status"
  | "latencyMs"
  | "ttftMs"
  | "tokens"
  | "clientAbort"
  | "errorType"
>;

const MAX_ROWS = 200;

function matches(r: LogRow, filter: string): boolean {
  if (!filter) return true;
  const hay = [
    r.route,
    r.provider,
    r.requestedModel,
    r.upstreamModel,
    String(r.status),
    r.errorType ?? "",
    r.account ?? "",
  ];
  return hay.join(" ").toLowerCase().includes(filter.toLowerCase());
}

function statusKind(r: LogRow): string {
  if (r.clientAbort) return "muted";
  return r.status < 400 ? "good" : r.status < 500 ? "warn" : "bad";
}

export function LiveLog(_: { store: ConfigStore }) {
  const [rows, setRows] = useState<LogRow[]>([]);
  const [filter, setFilter] = useState("");
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const source = new EventSource("/api/logs/stream");
    let buffer: LogRow[] = [];
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.addEventListener("request", (e) => {
      buffer = [JSON.parse((e as MessageEvent).data) as LogRow, ...buffer].slice(0, MAX_ROWS);
      setRows(buffer);
    });
    return () => source.close();
  }, []);
  const shown = rows.filter((r) => matches(r, filter));
  return (
    <section class="card wide" aria-labelledby="log-title">
      <div class="row spread wrap">
        <h2 id="log-title">
          Last {MAX_ROWS} requests{" "}
          <Badge kind={connected ? "good" : "warn"}>{connected ? "live" : "reconnecting"}</Badge>
        </h2>
        <Field label="Filter">
          <input
            type="search"
            name="log_filter"
            value={filter}
            placeholder="provider, model, route, status…"
            onInput={(e: Event) => setFilter((e.target as HTMLInputElement).value)}
          />
        </Field>
      </div>
      <div class="table-wrap">
        <table data-testid="live-log">
          <thead>
            <tr>
              <th>Time</th>
              <th>Route</th>
              <th>Model</th>
              <th>Provider → upstream</th>
              <th>Status</th>
              <th>Latency</th>
              <th>TTFT</th>
              <th>Tokens in / out (cached)</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr data-testid="log-row">
                <td>{new Date(r.time).toLocaleTimeString()}</td>
                <td>{r.route}</td>
                <td>{r.requestedModel}</td>
                <td>
                  {r.provider}
                  {r.account ? `:${r.account}` : ""} → {r.upstreamModel}
                </td>
                <td>
                  <Badge kind={statusKind(r)}>
                    {r.clientAbort ? "aborted" : r.errorType ? `${r.status} ${r.errorType}` : r.status}
                  </Badge>
                </td>
                <td>{Math.round(r.latencyMs)} ms</td>
                <td>{r.ttftMs === undefined ? "" : `${Math.round(r.ttftMs)} ms`}</td>
                <td>
                  {r.tokens.input} / {r.tokens.output}
                  {r.tokens.cacheRead ? ` (${r.tokens.cacheRead})` : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {shown.length ? null : <p class="muted">No requests yet{filter ? " match the filter" : ""}.</p>}
      </div>
    </section>
  );
}
