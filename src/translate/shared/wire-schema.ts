import * as v from "valibot";
import { UpstreamError } from "../../util/errors.ts";

/**
 * Upstream JSON is checked against a loose valibot schema before a translator reads it, the way
 * vercel/ai parses every chunk: unknown fields pass, missing ones are fine, but a field ccmux reads
 * that has the wrong type is refused with the path to it. Translators read only parsed values.
 */
export type WireCheck<T> = { ok: true; value: T } | { ok: false; problem: string };

export type WireSchema = v.GenericSchema<unknown, unknown>;

/** An optional field that upstreams also send as null. */
export const nullishNumber = v.nullish(v.number());
export const nullishString = v.nullish(v.string());
export const nullishBoolean = v.nullish(v.boolean());
/** A JSON object with anything in it. */
export const anyObject = v.record(v.string(), v.unknown());

export function checkWire<S extends WireSchema>(schema: S, value: unknown): WireCheck<v.InferOutput<S>> {
  const result = v.safeParse(schema, value);
  if (result.success) return { ok: true, value: result.output };
  const issue = result.issues[0];
  const path = v.getDotPath(issue);
  return { ok: false, problem: `${path ? `${path}: ` : ""}${issue.message}` };
}

export function parseJson(text: string): WireCheck<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, problem: `not JSON: ${text.slice(0, 200)}` };
  }
}

/** JSON text → parsed and checked. */
export function parseWire<S extends WireSchema>(schema: S, text: string): WireCheck<v.InferOutput<S>> {
  const parsed = parseJson(text);
  return parsed.ok ? checkWire(schema, parsed.value) : parsed;
}

/** A whole upstream answer that fails its schema: a retryable 502, so failover tries the next provider. */
export function malformedAnswer(what: string, problem: string): UpstreamError {
  return new UpstreamError({
    status: 502,
    message: `upstream returned a ${what} that ccmux cannot read (${problem})`,
    retryable: true,
  });
}
