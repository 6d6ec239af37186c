import type * as v from "valibot";

function issuePath(issue: v.BaseIssue<unknown>): string {
  const keys = (issue.path ?? []).map((p) => p.key);
  return keys.reduce<string>(
    (acc, k) => (typeof k === "number" ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)),
    "",
  );
}

/** A valibot issue as `messages[0].content[1].source: <what is wrong>`. */
export function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = issuePath(issue);
  if (issue.kind === "schema" && issue.received === "undefined") return `${path}: Field required`;
  return path ? `${path}: ${issue.message}` : issue.message;
}
