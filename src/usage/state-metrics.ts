import { accountStatuses, type AccountStatus } from "../pool/account-status.ts";
import { healthKey, type HealthState } from "../providers/health.ts";
import type { AppDeps } from "../proxy/deps.ts";
import { family, type Sample } from "./exposition.ts";

const HEALTH_STATES: HealthState[] = ["healthy", "cooldown", "half-open"];
const ACCOUNT_STATES: AccountStatus["state"][] = ["ok", "limited", "cooling", "probing", "disabled"];

const epochSeconds = (iso: string | null) => (iso ? Date.parse(iso) / 1000 : 0);

/** One sample per state, 1 for the current one (the usual way to expose an enum). */
function stateSamples<S extends string>(labels: Record<string, string>, states: S[], current: S): Sample[] {
  return states.map((state) => ({ labels: { ...labels, state }, value: state === current ? 1 : 0 }));
}

function providerLines(deps: AppDeps): string[] {
  const state: Sample[] = [];
  const until: Sample[] = [];
  const failures: Sample[] = [];
  for (const p of deps.config.providers) {
    const snap = deps.health.snapshot(healthKey(p.name));
    const labels = { provider: p.name };
    state.push(...stateSamples(labels, HEALTH_STATES, snap.state));
    until.push({ labels, value: snap.state === "cooldown" ? epochSeconds(snap.cooldown_until) : 0 });
    failures.push({ labels, value: snap.consecutive_failures });
  }
  return [
    ...family(
      "ccmux_provider_state",
      "gauge",
      "Provider circuit state: 1 for the current one of healthy, cooldown, half-open.",
      state,
    ),
    ...family(
      "ccmux_provider_cooldown_until_seconds",
      "gauge",
      "Unix time a provider's cooldown ends; 0 when it is not cooling down.",
      until,
    ),
    ...family(
      "ccmux_provider_consecutive_failures",
      "gauge",
      "Retryable failures in a row since the provider's last success.",
      failures,
    ),
  ];
}

function accountSamples(deps: AppDeps) {
  const out = { state: [] as Sample[], until: [] as Sample[], utilization: [] as Sample[], resets: [] as Sample[] };
  const today = { requests: [] as Sample[], tokens: [] as Sample[], sessions: [] as Sample[] };
  for (const p of deps.config.providers) {
    if (!p.accounts) continue;
    for (const a of accountStatuses(p, deps.pools, deps.health)) {
      const labels = { provider: p.name, account: a.name };
      out.state.push(...stateSamples(labels, ACCOUNT_STATES, a.state));
      out.until.push({ labels, value: epochSeconds(a.until) });
      for (const w of a.windows) {
        out.utilization.push({ labels: { ...labels, window: w.name }, value: w.utilization });
        out.resets.push({ labels: { ...labels, window: w.name }, value: epochSeconds(w.resets_at) });
      }
      today.requests.push({ labels, value: a.requests_today });
      today.tokens.push({ labels: { ...labels, kind: "input" }, value: a.input_tokens_today });
      today.tokens.push({ labels: { ...labels, kind: "output" }, value: a.output_tokens_today });
      today.sessions.push({ labels, value: a.sessions });
    }
  }
  return { ...out, ...today };
}

function accountLines(deps: AppDeps): string[] {
  const s = accountSamples(deps);
  return [
    ...family(
      "ccmux_account_state",
      "gauge",
      "Pool account state: 1 for the current one of ok, limited, cooling, probing, disabled.",
      s.state,
    ),
    ...family(
      "ccmux_account_unavailable_until_seconds",
      "gauge",
      "Unix time a limited or cooling account is picked again; 0 when it is available.",
      s.until,
    ),
    ...family(
      "ccmux_account_quota_utilization",
      "gauge",
      "The quota window's utilization the service last reported (1 = spent).",
      s.utilization,
    ),
    ...family(
      "ccmux_account_quota_resets_at_seconds",
      "gauge",
      "Unix time the quota window resets, as the service last reported it.",
      s.resets,
    ),
    ...family("ccmux_account_requests_today", "gauge", "Requests the account answered today (local day).", s.requests),
    ...family("ccmux_account_tokens_today", "gauge", "Tokens the account used today (local day), by kind.", s.tokens),
    ...family("ccmux_account_sessions", "gauge", "Claude Code sessions pinned to the account.", s.sessions),
  ];
}

/** Gauges read from the server's state at scrape time. */
export function stateLines(deps: AppDeps): string[] {
  return [
    ...family("ccmux_info", "gauge", "The running ccmux version.", [{ labels: { version: deps.version }, value: 1 }]),
    ...family("ccmux_start_time_seconds", "gauge", "Unix time the server started.", [
      { labels: {}, value: deps.startedAt / 1000 },
    ]),
    ...family("ccmux_streams_in_flight", "gauge", "Streamed answers being relayed now.", [
      { labels: {}, value: deps.requests.streamsInFlight },
    ]),
    ...family(
      "ccmux_usage_database_available",
      "gauge",
      "1 while the usage database can be written; 0 while it is damaged, locked or absent.",
      [{ labels: {}, value: deps.database?.available ? 1 : 0 }],
    ),
    ...providerLines(deps),
    ...accountLines(deps),
  ];
}
