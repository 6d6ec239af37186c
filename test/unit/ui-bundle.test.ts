import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { BUNDLE_MODULE, bundleModule } from "../../scripts/build-ui.ts";

test("the committed admin page bundle is what src/ui/client builds to (run `bun scripts/build-ui.ts`)", async () => {
  expect(readFileSync(BUNDLE_MODULE, "utf8") === (await bundleModule())).toBe(true);
});
