import { describe, expect, test } from "bun:test";
import { findPosition, locateKeys, pathToString } from "../../src/config/key-locations.ts";

describe("pathToString", () => {
  test("indexes, bare keys and quoted keys", () => {
    expect(pathToString(["providers", 2, "provider_type"])).toBe("providers[2].provider_type");
    expect(pathToString(["providers", 0, "headers", "X.Y"])).toBe('providers[0].headers."X.Y"');
  });
});

describe("locateKeys", () => {
  const source = [
    "[router]", // 1
    'default = "m"', // 2
    "[[models]]", // 3
    'name = "a"', // 4
    "  [[models.mappings]]", // 5
    "  priority = 1", // 6
    "  [[models.mappings]]", // 7
    "  priority = 2", // 8
    "[[models]]", // 9
    'name = "b"', // 10
    '  notes = """', // 11
    "[fake]", // 12
    'priority = 3"""', // 13
    "[[models.mappings]]", // 14
    'headers."X.Y" = "v"', // 15
  ].join("\n");
  const found = locateKeys(source);

  test("finds keys inside arrays of tables, counting each array separately", () => {
    expect(found.get("models[0].mappings[1].priority")).toEqual({ line: 8, column: 3 });
    expect(found.get("models[1].mappings[0]")).toEqual({ line: 14, column: 1 });
    expect(found.get("models[1].name")).toEqual({ line: 10, column: 1 });
  });

  test("skips the inside of multi-line strings", () => {
    expect(found.has("fake")).toBe(false);
    expect(found.has("models[1].priority")).toBe(false);
  });

  test("handles dotted and quoted keys", () => {
    expect(found.get('models[1].mappings[0].headers."X.Y"')).toEqual({ line: 15, column: 1 });
  });

  test("falls back to the nearest ancestor", () => {
    expect(findPosition(found, ["models", 0, "mappings", 0, "provider"])).toEqual({ line: 5, column: 3 });
    expect(findPosition(found, ["server", "port"])).toBeUndefined();
  });
});
