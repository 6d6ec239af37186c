// Turns what the fake upstream received into a golden wire record (test/fixtures/wire/*.json) and
// compares it with the stored one. Only what differs per machine or per run is normalised: the
// recorder's port, the host slots of user agents (os, version, arch), the body length and values
// named as volatile (a signed JWT). Everything else is kept exactly as ccmux sent it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { expect } from "bun:test";
import { HOST_SLOTS } from "../../src/providers/wire-shape.ts";
import type { RecordedRequest } from "./fake-upstream-types.ts";
import { fixturePath } from "./sse.ts";

export interface WireRecord {
  method: string;
  /** Path and query as received by the recorder. */
  url: string;
  /** Every header, lower-cased and sorted by name. */
  headers: Record<string, string>;
  /** Parsed JSON, form fields as an object, or the text. */
  body: unknown;
}

export interface Volatile {
  /** Top-level body fields replaced by `<varies: name>`. */
  bodyFields?: readonly string[];
}

/** `{os}`-style slot names back in place of this machine's values, longest first so substrings don't clash. */
function unslot(value: string): string {
  const slots = Object.entries(HOST_SLOTS).sort((a, b) => b[1].length - a[1].length);
  let out = value;
  for (const [name, hostValue] of slots) if (hostValue) out = out.split(hostValue).join(`{${name}}`);
  return out;
}

function parseBody(req: RecordedRequest): unknown {
  const type = req.headers["content-type"] ?? "";
  if (type.includes("json")) return req.json();
  if (type.includes("x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(req.bodyText));
  return req.bodyText;
}

function normaliseHeaders(req: RecordedRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(req.headers).sort()) {
    let value = req.headers[name]!;
    if (name === "host") value = "<recorder>";
    else if (name === "user-agent") value = unslot(value);
    else if (name === "content-length" && Number(value) === req.body.byteLength) value = "<body length>";
    out[name] = value;
  }
  return out;
}

export function wireRecord(req: RecordedRequest, volatile: Volatile = {}): WireRecord {
  let body = parseBody(req);
  if (volatile.bodyFields && body && typeof body === "object") {
    const copy = { ...(body as Record<string, unknown>) };
    for (const field of volatile.bodyFields) if (field in copy) copy[field] = `<varies: ${field}>`;
    body = copy;
  }
  return { method: req.method, url: req.path, headers: normaliseHeaders(req), body };
}

/** Set UPDATE_WIRE_FIXTURES=1 to (re)write the golden files from what ccmux sends now, then review the diff. */
const UPDATE = process.env.UPDATE_WIRE_FIXTURES === "1";

/** The record must equal test/fixtures/wire/<name>.json (written instead when updating, or when it is new and CI is not running). */
export function expectGoldenWire(name: string, records: WireRecord[]): void {
  const path = fixturePath(`wire/${name}.json`);
  if (UPDATE) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(records, null, 2)}\n`);
    return;
  }
  if (!existsSync(path))
    throw new Error(`no golden wire fixture ${path}: run with UPDATE_WIRE_FIXTURES=1 and review it`);
  expect(records).toEqual(JSON.parse(readFileSync(path, "utf8")));
}
