import { useEffect, useState } from "hono/jsx/dom";
import { type ApiError, getJson, postJson } from "../api.ts";
import type { ConfigStore } from "../config-store.ts";
import { Badge, duration, ErrorText, useNow } from "../widgets.tsx";

export interface ProviderStatus {
  name: string;
  provider_type: string;
  enabled: boolean;
  state: "healthy" | "cooldown" | "half-open";
  consecutive_failures: number;
  cooldown_until: string | null;
  last_error: string | null;
}

export interface OverviewData {
  version: string;
  runtime: string;
  uptime_s: number;
  listen: string | null;
  config_path: string | null;
  routes: Record<string, string | null>;
  providers: ProviderStatus[];
}

export interface TokenSummary {
  provider_id: string;
  kind: string;
  expires_at: string;
  status: string;
  has_refresh_token: boolean;
}

/** Polls `path` every `ms`; returns the latest answer and error. */
export function usePoll<T>(path: string, ms: number): { data?: T; error?: string; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    const load = () =>
      getJson<T>(path).then(
        (d) => {
          if (!live) return;
          setData(d);
          setError(undefined);
        },
        (e: ApiError) => live && setError(e.message),
      );
    void load();
    const id = setInterval(load, ms);
    return () => {
      live = false;
      clearInterval(id);
    };
  }, [path, ms, tick]);
  return { data, error, reload: () => setTick(tick + 1) };
}

function Health({ p, now }: { p: ProviderStatus; now: number }) {
  if (!p.enabled) return <Badge kind="muted">disabled</Badge>;
  if (p.state === "cooldown" && p.cooldown_until) {
    const left = (Date.parse(p.cooldown_until) - now) / 1000;
    return <Badge kind="bad">{left > 0 ? `cooldown ${duration(left)}` : "half-open"}</Badge>;
  }
  return <Badge kind={p.state === "healthy" ? "good" : "warn"}>{p.state}</Badge>;
}

export function TokenTable({ tokens, onChange }: { tokens: TokenSummary[]; onChange: () => void }) {
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState("");
  const act = async (path: string, id: string) => {
    setBusy(id);
    try {
      await postJson(path, { provider_id: id });
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
    setBusy("");
    onChange();
  };
  if (!tokens.length) return <p class="muted">No OAuth tokens yet: log in under Logins.</p>;
  return (
    <div class="table-wrap">
      <ErrorText error={error} />
      <table>
        <thead>
          <tr>
            <th>Token</th>
            <th>Kind</th>
            <th>Status</th>
            <th>Expires</th>
            <th>
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr data-testid="token-row">
              <td>{t.provider_id}</td>
              <td>{t.kind}</td>
              <td>
                <Badge kind={t.status === "valid" || t.status === "api-key" ? "good" : "warn"}>{t.status}</Badge>
              </td>
              <td>{new Date(t.expires_at).toLocaleString()}</td>
              <td class="actions">
                <button
                  type="button"
                  disabled={!t.has_refresh_token || busy === t.provider_id}
                  onClick={() => act("/api/oauth/tokens/refresh", t.provider_id)}
                  aria-label={`Refresh ${t.provider_id}`}
                >
                  Refresh
                </button>
                <button
                  type="button"
                  class="danger"
                  onClick={() =>
                    confirm(`Log out of ${t.provider_id}?`) && act("/api/oauth/tokens/delete", t.provider_id)
                  }
                  aria-label={`Log out ${t.provider_id}`}
                >
                  Log out
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Overview(_: { store: ConfigStore }) {
  const status = usePoll<OverviewData>("/api/ui/overview", 5000);
  const tokens = usePoll<TokenSummary[]>("/api/oauth/tokens", 30000);
  const now = useNow();
  const d = status.data;
  if (!d) return <ErrorText error={status.error} />;
  return (
    <div class="grid">
      <section class="card" aria-labelledby="ov-server">
        <h2 id="ov-server">Server</h2>
        <dl class="facts">
          <dt>Version</dt>
          <dd data-testid="version">{d.version}</dd>
          <dt>Runtime</dt>
          <dd>{d.runtime}</dd>
          <dt>Uptime</dt>
          <dd>{duration(d.uptime_s)}</dd>
          <dt>Listening on</dt>
          <dd>
            <code>{d.listen ?? "?"}</code>
          </dd>
          <dt>Config</dt>
          <dd>
            <code>{d.config_path ?? "embedded default"}</code>
          </dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="ov-routes">
        <h2 id="ov-routes">Routes</h2>
        <dl class="facts">
          {Object.entries(d.routes).flatMap(([slot, model]) => [
            <dt>{slot}</dt>,
            <dd>{model ?? <span class="muted">default</span>}</dd>,
          ])}
        </dl>
      </section>
      <section class="card wide" aria-labelledby="ov-providers">
        <h2 id="ov-providers">Provider health</h2>
        <ErrorText error={status.error} />
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Provider</th>
                <th>Type</th>
                <th>Health</th>
                <th>Failures</th>
                <th>Last error</th>
              </tr>
            </thead>
            <tbody>
              {d.providers.map((p) => (
                <tr data-testid="health-row">
                  <td>{p.name}</td>
                  <td>{p.provider_type}</td>
                  <td>
                    <Health p={p} now={now} />
                  </td>
                  <td>{p.consecutive_failures}</td>
                  <td class="muted">{p.last_error ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section class="card wide" aria-labelledby="ov-tokens">
        <h2 id="ov-tokens">OAuth tokens</h2>
        <TokenTable tokens={tokens.data ?? []} onChange={tokens.reload} />
      </section>
    </div>
  );
}
