import type { PathSegment } from "./key-locations.ts";
import type { Sink } from "./normalize-providers.ts";
import { compileRegex } from "./regex.ts";
import type { ErrorRuleDocument } from "./schema.ts";
import type { ErrorRule } from "./types.ts";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "10m", "1h30m", "500ms" → milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text.trim().replace(/\s+/g, "")) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
}

function normalizeRule(doc: ErrorRuleDocument, path: PathSegment[], sink: Sink): ErrorRule | undefined {
  const error = (message: string, key?: string) => sink.errors.push({ path: key ? [...path, key] : path, message });
  if (doc.status === undefined && !doc.body && !doc.regex) return void error("a rule needs status, body or regex");
  if ((doc.action === undefined) === (doc.cooldown === undefined))
    return void error(
      'a rule needs exactly one of action ("stop", "next_account", "next_provider") or cooldown = "10m"',
    );
  if (doc.regex) {
    try {
      compileRegex(doc.regex);
    } catch (err) {
      return void error(`invalid regex: ${(err as Error).message}`, "regex");
    }
  }
  const rule: ErrorRule = { action: doc.action ?? "cooldown" };
  if (doc.status !== undefined) rule.status = doc.status;
  if (doc.body) rule.body = doc.body;
  if (doc.regex) rule.regex = doc.regex;
  if (doc.cooldown !== undefined) {
    const ms = parseDuration(doc.cooldown);
    if (ms === undefined || ms <= 0) return void error(`expected a duration like "90s", "10m" or "2h"`, "cooldown");
    rule.cooldown = doc.cooldown;
    rule.cooldown_ms = ms;
  }
  return rule;
}

export function normalizeErrorRules(
  docs: ErrorRuleDocument[] | undefined,
  path: PathSegment[],
  sink: Sink,
): ErrorRule[] | undefined {
  if (!docs) return undefined;
  return docs
    .map((doc, i) => normalizeRule(doc, [...path, "error_rules", i], sink))
    .filter((r): r is ErrorRule => r !== undefined);
}
