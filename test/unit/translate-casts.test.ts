import { expect, test } from "bun:test";
import { typeAssertions } from "../../scripts/count-casts.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

// Parsing every file of src/translate with the TypeScript parser takes seconds on a busy machine.
boundTestsForBusyMachine();

/**
 * Translators read typed data: client requests are checked once (translate/shared/request-check.ts), upstream
 * bodies through each dialect's schema.ts, blocks and sources through knownBlock()/knownSource(), plain JSON
 * through util/is-record.ts. A new `as` in src/translate is a reason to type the data instead; the few that must
 * stay say why in a comment.
 */
const MAX_TRANSLATE_CASTS = 10;

test("src/translate keeps at most a handful of type assertions", () => {
  const found = typeAssertions("src/translate").map((c) => `${c.path}:${c.line}: ${c.text}`);
  expect(found.length, found.join("\n")).toBeLessThanOrEqual(MAX_TRANSLATE_CASTS);
});
