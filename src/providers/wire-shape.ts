import { machine, release, type } from "node:os";
import type { ProviderConfig } from "../config/types.ts";
import type { ToolRenamer } from "../translate/anthropic/tool-names.ts";
import { fitName } from "../translate/shared/short-name.ts";
import { wireProfile, type WireProfile } from "../catalog/wire-profiles.ts";

/** A provider's wire rules: its kind's table (wire-profiles.ts) with the provider's config applied. Built once per adapter. */
export interface WireRules {
  forward: readonly string[];
  markers: Readonly<Record<string, string>>;
  leadingBetas: readonly string[];
  /** undefined = every beta passes. */
  allowedBetas?: ReadonlySet<string>;
  /** Betas removed even when `allowedBetas` lets every beta pass. */
  deniedBetas: ReadonlySet<string>;
  dropBodyFields: readonly string[];
  query: Readonly<Record<string, string>>;
  /** The provider's `headers`, set last (they win over markers and forwarded headers). */
  headers: Readonly<Record<string, string>>;
  /** The provider's `drop_headers`: never sent, whatever sets them. */
  dropHeaders: ReadonlySet<string>;
  /** How client tool names become upstream ones; undefined = unchanged. */
  renameTool?: ToolRenamer;
  maxToolName?: number;
}

const lower = (names: readonly string[] = []) => names.map((n) => n.toLowerCase());

/** `allowed_betas = ["*"]` lets every beta through. */
function allowed(config: ProviderConfig, fallback: readonly string[] | undefined): ReadonlySet<string> | undefined {
  const list = config.allowed_betas ?? fallback;
  if (!list || list.includes("*")) return undefined;
  return new Set(list);
}

export function wireRules(kind: string, config: ProviderConfig): WireRules {
  const p = wireProfile(kind) ?? {};
  const dropHeaders = new Set(lower(config.drop_headers));
  return {
    forward: lower(p.forward?.value).filter((n) => !dropHeaders.has(n)),
    markers: p.markers?.value ?? {},
    leadingBetas: p.leadingBetas?.value ?? [],
    allowedBetas: allowed(config, p.allowedBetas?.value),
    deniedBetas: new Set(config.allowed_betas ? [] : p.deniedBetas?.value),
    dropBodyFields: config.drop_body_fields ?? p.dropBodyFields?.value ?? [],
    query: p.query?.value ?? {},
    headers: config.headers,
    dropHeaders,
    renameTool: toolRenamer(p),
    maxToolName: p.maxToolName?.value,
  };
}

/** Native names and MCP-style names pass; others get the prefix; everything is fitted to the length limit. */
function toolRenamer(p: WireProfile): ToolRenamer | undefined {
  const max = p.maxToolName?.value;
  const prefix = p.toolPrefix?.value;
  if (!prefix) return max ? (name) => fitName(name, max) : undefined;
  const native = new Set(p.nativeTools?.value ?? []);
  const limit = max ?? Number.POSITIVE_INFINITY;
  return (name) =>
    native.has(name) || name.startsWith("mcp__") ? fitName(name, limit) : fitName(prefix + name, limit);
}

/** The comma list without betas the upstream does not accept; undefined when none is left. */
export function allowedBetaList(list: string | null, rules: WireRules): string | undefined {
  const betas = (list ?? "")
    .split(",")
    .map((b) => b.trim())
    .filter((b) => b && !rules.deniedBetas.has(b) && (!rules.allowedBetas || rules.allowedBetas.has(b)));
  return betas.length > 0 ? [...new Set(betas)].join(",") : undefined;
}

/** The body without the fields the upstream rejects; the same object when none is present. */
export function withoutFields<T extends Record<string, unknown>>(body: T, fields: readonly string[]): T {
  if (!fields.some((f) => f in body)) return body;
  const copy: Record<string, unknown> = { ...body };
  for (const f of fields) delete copy[f];
  return copy as T;
}

/** Last step for every outgoing call: the provider's own headers win, then `drop_headers` removes. */
export function finishHeaders(headers: Headers, rules: WireRules): Headers {
  for (const [name, value] of Object.entries(rules.headers)) headers.set(name, value);
  for (const name of rules.dropHeaders) headers.delete(name);
  return headers;
}

/** `url` with the rules' query parameters added. */
export function withQuery(url: string, rules: WireRules): string {
  const entries = Object.entries(rules.query);
  if (entries.length === 0) return url;
  const u = new URL(url);
  for (const [k, v] of entries) u.searchParams.set(k, v);
  return u.toString();
}

const OS_NAMES: Record<string, string> = { Darwin: "Mac OS", Windows_NT: "Windows" };

/** This machine's names for the `{…}` slots of user-agent templates; `{model}` is filled per call. */
export const HOST_SLOTS: Readonly<Record<string, string>> = {
  os: OS_NAMES[type()] ?? type(),
  osVersion: release(),
  machine: machine(),
  platform: process.platform,
  arch: process.arch,
};

/** `template` with its `{name}` slots filled from `slots`, then from the host's. */
export function fillSlots(template: string, slots: Readonly<Record<string, string>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => slots[name] ?? HOST_SLOTS[name] ?? whole);
}
