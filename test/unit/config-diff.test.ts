import { describe, expect, test } from "bun:test";
import { configChanges } from "../../src/proxy/config-diff.ts";
import { model, provider, testConfig } from "../helpers/in-process.ts";

const base = () =>
  testConfig({
    providers: [provider("a", "http://127.0.0.1:1"), provider("b", "http://127.0.0.1:2")],
    models: [model("m", ["a", "x"]), model("n", ["b", "y"])],
  });

describe("configChanges", () => {
  test("the same config: nothing", () => {
    expect(configChanges(base(), base())).toEqual([]);
  });

  test("providers and models added, removed and changed, by name only", () => {
    const next = base();
    next.providers = [{ ...next.providers[0]!, api_key: "a-new-secret-value" }, provider("c", "http://127.0.0.1:3")];
    next.models = [model("m", ["a", "x2"]), model("o", ["c", "z"])];
    const changes = configChanges(base(), next);
    expect(changes).toEqual(["providers added c; removed b; changed a", "models added o; removed n; changed m"]);
    expect(changes.join(" ")).not.toContain("secret");
  });

  test("router slots with old and new value, the log level, other server keys by name", () => {
    const next = base();
    next.router = { ...next.router, think: "n", default: "n" };
    next.server = { ...next.server, log_level: "debug", api_key: "server-secret-value" };
    expect(configChanges(base(), next)).toEqual([
      'router.default "m" → "n"',
      'router.think unset → "n"',
      "server.log_level info → debug",
      "server api_key changed",
    ]);
  });
});
