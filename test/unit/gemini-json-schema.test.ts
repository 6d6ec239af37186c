import { describe, expect, test } from "bun:test";
import { cleanSchemaForGemini, GEMINI_SCHEMA_KEYS } from "../../src/translate/shared/json-schema.ts";
import type { MessagesRequest } from "../../src/contracts/anthropic.ts";
import { RequestError } from "../../src/util/errors.ts";
import { readFixtureJson } from "../helpers/sse.ts";

type Schema = Record<string, any>;

/** Every schema-keyword key in the output, skipping the property names under `properties`. */
function keysOf(schema: Schema, path = "$"): [string, string][] {
  const found: [string, string][] = [];
  for (const [key, value] of Object.entries(schema)) {
    found.push([key, `${path}.${key}`]);
    if (key === "properties")
      for (const [name, sub] of Object.entries(value as Schema))
        found.push(...keysOf(sub, `${path}.properties.${name}`));
    else if (key === "items") found.push(...keysOf(value, `${path}.items`));
    else if (key === "anyOf")
      for (const [i, sub] of (value as Schema[]).entries()) found.push(...keysOf(sub, `${path}.anyOf[${i}]`));
  }
  return found;
}

/** Walks input and output side by side and checks that what Gemini accepts survived. */
function expectPreserved(input: Schema, output: Schema, path = "$"): void {
  const at = (what: string) => `${path}: ${what}`;
  if (typeof input.type === "string") expect(output.type, at("type")).toBe(input.type);
  if (typeof input.description === "string")
    expect(String(output.description), at("description")).toStartWith(input.description);
  if (Array.isArray(input.enum)) expect(output.enum, at("enum")).toEqual(input.enum);
  if (Array.isArray(input.required)) expect(output.required, at("required")).toEqual(input.required);
  for (const key of ["minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "pattern"]) {
    if (input[key] !== undefined) expect(output[key], at(key)).toBe(input[key]);
  }
  if (input.properties) {
    expect(Object.keys(output.properties), at("property names")).toEqual(Object.keys(input.properties));
    for (const name of Object.keys(input.properties))
      expectPreserved(input.properties[name], output.properties[name], `${path}.properties.${name}`);
  }
  if (input.items) expectPreserved(input.items, output.items, `${path}.items`);
}

describe("cleanSchemaForGemini on Claude Code's real tool schemas", () => {
  const tools = readFixtureJson<MessagesRequest>("anthropic/request-claude-code.json").tools!;

  for (const tool of tools) {
    test(`${tool.name}: nothing Gemini rejects remains, nothing it accepts is lost`, () => {
      const input = tool.input_schema!;
      const before = structuredClone(input);
      const output = cleanSchemaForGemini(input);
      expect(input).toEqual(before);
      const rejected = keysOf(output).filter(([key]) => !GEMINI_SCHEMA_KEYS.has(key));
      expect(rejected).toEqual([]);
      expectPreserved(input, output);
    });
  }

  test("exclusiveMinimum on an integer becomes an inclusive minimum", () => {
    const read = tools.find((t) => t.name === "Read")!;
    const out: Schema = cleanSchemaForGemini(read.input_schema);
    expect(out.properties.limit).toEqual({
      description: "Number of lines to read",
      type: "integer",
      minimum: 1,
      maximum: 9007199254740991,
    });
  });
});

describe("cleanSchemaForGemini rules", () => {
  test("const → enum; non-string enums become a description hint", () => {
    expect(cleanSchemaForGemini({ const: "fixed" })).toEqual({ enum: ["fixed"], type: "string" });
    expect(cleanSchemaForGemini({ type: "integer", enum: [1, 2] })).toEqual({
      type: "integer",
      description: "(allowed values: 1, 2)",
    });
    expect(cleanSchemaForGemini({ type: "string", enum: ["a", "", null] })).toEqual({
      type: "string",
      enum: ["a"],
      nullable: true,
    });
  });

  test("type arrays → type + nullable, or anyOf", () => {
    expect(cleanSchemaForGemini({ type: ["string", "null"] })).toEqual({ type: "string", nullable: true });
    expect(cleanSchemaForGemini({ type: ["string", "number"] })).toEqual({
      anyOf: [{ type: "string" }, { type: "number" }],
    });
  });

  test("anyOf/oneOf: null members become nullable, a single member is folded in, allOf merges", () => {
    expect(
      cleanSchemaForGemini({ description: "d", anyOf: [{ type: "string", format: "uri" }, { type: "null" }] }),
    ).toEqual({
      description: "d",
      nullable: true,
      type: "string",
    });
    expect(cleanSchemaForGemini({ oneOf: [{ type: "string" }, { type: "integer" }] })).toEqual({
      anyOf: [{ type: "string" }, { type: "integer" }],
    });
    const merged = cleanSchemaForGemini({
      allOf: [
        { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
        { properties: { b: { type: "number" } }, required: ["b"] },
      ],
    });
    expect(merged).toEqual({
      type: "object",
      properties: { a: { type: "string" }, b: { type: "number" } },
      required: ["a", "b"],
    });
  });

  test("$ref/$defs/definitions are inlined and recursion is cut off", () => {
    const schema = {
      $defs: {
        node: {
          type: "object",
          properties: { name: { type: "string" }, children: { type: "array", items: { $ref: "#/$defs/node" } } },
        },
      },
      definitions: { id: { type: "string", description: "an id" } },
      type: "object",
      properties: { root: { $ref: "#/$defs/node" }, id: { $ref: "#/definitions/id", description: "override" } },
    };
    const out: Schema = cleanSchemaForGemini(schema);
    expect(out.properties.id).toEqual({ type: "string", description: "override" });
    expect(out.properties.root.properties.name).toEqual({ type: "string" });
    expect(out.properties.root.properties.children.items).toEqual({ type: "object" });
    expect(JSON.stringify(out)).not.toContain("$ref");
    expect(keysOf(out).filter(([k]) => !GEMINI_SCHEMA_KEYS.has(k))).toEqual([]);
  });

  test("formats: accepted ones stay, others move to the description", () => {
    expect(cleanSchemaForGemini({ type: "string", format: "date-time" })).toEqual({
      type: "string",
      format: "date-time",
    });
    expect(cleanSchemaForGemini({ type: "string", format: "uri", description: "URL" })).toEqual({
      type: "string",
      description: "URL (format: uri)",
    });
    expect(cleanSchemaForGemini({ type: "integer", format: "int64" })).toEqual({ type: "integer", format: "int64" });
  });

  test("defaults, exclusive number bounds and unknown keywords", () => {
    expect(
      cleanSchemaForGemini({
        type: "number",
        exclusiveMinimum: 0,
        exclusiveMaximum: 1,
        default: 0.5,
        multipleOf: 0.1,
        "x-vendor": true,
      }),
    ).toEqual({
      type: "number",
      minimum: 0,
      maximum: 1,
      description: "(must be > 0; must be < 1; default: 0.5)",
    });
    expect(cleanSchemaForGemini({ type: "integer", minimum: 5, exclusiveMinimum: 2 })).toEqual({
      type: "integer",
      minimum: 5,
    });
    expect(cleanSchemaForGemini({ type: "integer", minimum: 5, exclusiveMinimum: true })).toEqual({
      type: "integer",
      minimum: 6,
    });
  });

  test("arrays always get items; tuples collapse; required entries must exist; empty properties are dropped", () => {
    expect(cleanSchemaForGemini({ type: "array" })).toEqual({ type: "array", items: { type: "string" } });
    expect(cleanSchemaForGemini({ type: "array", prefixItems: [{ type: "number" }] })).toEqual({
      type: "array",
      items: { type: "number" },
    });
    expect(
      cleanSchemaForGemini({ type: "object", properties: { a: { type: "string" } }, required: ["a", "ghost"] }),
    ).toEqual({
      type: "object",
      properties: { a: { type: "string" } },
      required: ["a"],
    });
    expect(
      cleanSchemaForGemini({ type: "object", properties: {}, required: [], additionalProperties: { type: "string" } }),
    ).toEqual({ type: "object" });
  });

  test("property names that look like keywords are kept", () => {
    const out: Schema = cleanSchemaForGemini({
      type: "object",
      properties: { $schema: { type: "string" }, default: { type: "boolean" } },
    });
    expect(Object.keys(out.properties)).toEqual(["$schema", "default"]);
  });

  test("junk input gives an empty schema", () => {
    expect(cleanSchemaForGemini(null)).toEqual({});
    expect(cleanSchemaForGemini(true)).toEqual({});
  });
});

/** `refs` references to the level below, `levels` deep: 8 × 8 is a 2 KB schema that inlines to 16 million leaves. */
function fanOut(refs: number, levels: number): Schema {
  const defs: Schema = { l0: { type: "string" } };
  for (let level = 1; level <= levels; level++) {
    const properties: Schema = {};
    for (let r = 0; r < refs; r++) properties[`p${r}`] = { $ref: `#/$defs/l${level - 1}` };
    defs[`l${level}`] = { type: "object", properties };
  }
  return { $defs: defs, type: "object", properties: { root: { $ref: `#/$defs/l${levels}` } } };
}

describe("cleanSchemaForGemini inlines $refs within a budget", () => {
  test("8 refs × 8 levels (2 KB) is a RequestError naming the schema, not 16 million copies", () => {
    const schema = fanOut(8, 8);
    expect(JSON.stringify(schema).length).toBeLessThan(2500);
    let caught: unknown;
    try {
      cleanSchemaForGemini(schema, 'tool "Fan"');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RequestError);
    expect((caught as RequestError).status).toBe(400);
    expect((caught as RequestError).type).toBe("invalid_request_error");
    expect((caught as Error).message).toStartWith('tool "Fan": inlining its $refs would grow the schema past 64 KB');
  });

  test("a larger schema gets 10× its size, never more than 1 MB", () => {
    const padding = "x".repeat(20_000);
    // 20 KB of description, referenced 9 times: 180 KB inlined, under 10× (200 KB).
    const nine = { $defs: { big: { type: "string", description: padding } }, properties: {} as Schema };
    for (let i = 0; i < 9; i++) nine.properties[`p${i}`] = { $ref: "#/$defs/big" };
    const out: Schema = cleanSchemaForGemini(nine, "nine");
    expect(Object.keys(out.properties)).toHaveLength(9);
    expect(out.properties.p8.description).toBe(padding);
    // Referenced 11 times it is over 10×.
    for (let i = 9; i < 11; i++) nine.properties[`p${i}`] = { $ref: "#/$defs/big" };
    expect(() => cleanSchemaForGemini(nine, "eleven")).toThrow(/^eleven: .* past 19\d KB/);
    // 200 KB referenced 9 times would be under 10×, but over the 1 MB cap.
    const huge = { $defs: { big: { type: "string", description: padding.repeat(10) } }, properties: nine.properties };
    expect(() => cleanSchemaForGemini(huge, "huge")).toThrow(/^huge: .* past 1 MB/);
  });

  test("reuse within the budget is inlined in full", () => {
    const out: Schema = cleanSchemaForGemini(fanOut(8, 2), "small");
    expect(out.properties.root.properties.p7.properties.p7).toEqual({ type: "string" });
  });

  test("cycles are cut however the pointer is spelled, and self-references to the root too", () => {
    const schema = {
      $defs: { a: { type: "object", properties: { b: { $ref: "#/%24defs/b" } } }, b: { $ref: "#/$defs/a" } },
      type: "object",
      properties: { x: { $ref: "#/$defs/a" }, me: { $ref: "#" } },
    };
    const out: Schema = cleanSchemaForGemini(schema, "cyclic");
    expect(out.properties.x.properties.b).toEqual({ type: "object" });
    expect(out.properties.me.properties.me).toEqual({ type: "object" });
  });

  test("a $ref with a bad %-escape is a RequestError naming the schema", () => {
    const schema = { type: "object", properties: { a: { $ref: "#/%E0%A4%A" } } };
    expect(() => cleanSchemaForGemini(schema, 'tool "Esc"')).toThrow(
      'tool "Esc": $ref "#/%E0%A4%A" is not a valid JSON pointer (bad %-escape)',
    );
    expect(() => cleanSchemaForGemini(schema)).toThrow(RequestError);
  });

  test("unresolvable and non-local refs are dropped, keeping their siblings", () => {
    const out: Schema = cleanSchemaForGemini({
      properties: { a: { $ref: "#/nowhere", description: "d" }, b: { $ref: "https://example.com/s.json" } },
    });
    expect(out.properties).toEqual({ a: { description: "d" }, b: {} });
  });

  test("deep nesting is cut at 48 levels, and a property named __proto__ stays a property", () => {
    let deep: Schema = { type: "string" };
    for (let i = 0; i < 5000; i++) deep = { type: "object", properties: { n: deep } };
    const out = cleanSchemaForGemini(deep);
    expect(JSON.stringify(out).length).toBeLessThan(2000);
    const proto = JSON.parse('{"properties":{"__proto__":{"type":"string"}}}');
    expect(Object.keys(cleanSchemaForGemini(proto).properties as Schema)).toEqual(["__proto__"]);
  });

  test("allOf with many members merges every property and required name", () => {
    const allOf = Array.from({ length: 2000 }, (_, i) => ({
      properties: { [`p${i}`]: { type: "string" } },
      required: [`p${i}`],
    }));
    const out: Schema = cleanSchemaForGemini({ allOf });
    expect(Object.keys(out.properties)).toHaveLength(2000);
    expect(out.required).toHaveLength(2000);
  });
});
