import type { Config } from "../config/types.ts";

/** Names only in `next`, only in `prev`, and in both with a different value. */
function byName<T extends { name: string }>(prev: T[], next: T[]) {
  const before = new Map(prev.map((x) => [x.name, JSON.stringify(x)]));
  const after = new Map(next.map((x) => [x.name, JSON.stringify(x)]));
  return {
    added: [...after.keys()].filter((n) => !before.has(n)),
    removed: [...before.keys()].filter((n) => !after.has(n)),
    changed: [...after.keys()].filter((n) => before.has(n) && before.get(n) !== after.get(n)),
  };
}

function listed(what: string, diff: ReturnType<typeof byName>): string | undefined {
  const parts = [
    diff.added.length ? `added ${diff.added.join(", ")}` : "",
    diff.removed.length ? `removed ${diff.removed.join(", ")}` : "",
    diff.changed.length ? `changed ${diff.changed.join(", ")}` : "",
  ].filter(Boolean);
  return parts.length ? `${what} ${parts.join("; ")}` : undefined;
}

/** The keys whose values differ (names only: values may be secrets). */
function changedKeys(prev: object, next: object): string[] {
  const a = prev as Record<string, unknown>;
  const b = next as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

const shown = (v: unknown) => (v === undefined || v === "" ? "unset" : JSON.stringify(v));

/** `router.think "a" → "b"` for every router key whose value changed (slot names, thresholds, regexes). */
function routerChanges(prev: Config["router"], next: Config["router"]): string[] {
  const keys = [...new Set([...Object.keys(prev), ...Object.keys(next)])] as (keyof Config["router"])[];
  return keys
    .filter((k) => JSON.stringify(prev[k]) !== JSON.stringify(next[k]))
    .map((k) => `router.${k} ${shown(prev[k])} → ${shown(next[k])}`);
}

/**
 * What a reload changed, in words: providers and models added, removed or changed (by name, never
 * a value: a provider holds keys), every router key with its old and new value, and the log level.
 */
export function configChanges(prev: Config, next: Config): string[] {
  const out = [
    listed("providers", byName(prev.providers, next.providers)),
    listed("models", byName(prev.models, next.models)),
    ...routerChanges(prev.router, next.router),
  ];
  if (prev.server.log_level !== next.server.log_level)
    out.push(`server.log_level ${prev.server.log_level} → ${next.server.log_level}`);
  const server = changedKeys(prev.server, next.server).filter((k) => k !== "log_level");
  if (server.length) out.push(`server ${server.join(", ")} changed`);
  const rest = changedKeys(prev, next).filter((k) => !["providers", "models", "router", "server"].includes(k));
  if (rest.length) out.push(`${rest.join(", ")} changed`);
  return out.filter((x): x is string => x !== undefined);
}
