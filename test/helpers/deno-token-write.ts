// Run under Deno by test/e2e/deno-store.test.ts: writes a token through the real token store.
import { createTokenStore } from "../../src/auth/store.ts";
import { runtime } from "../../src/runtime/index.ts";

const [path, id] = runtime.args();
if (!path || !id) throw new Error("usage: deno-token-write.ts <path> <id>");
const store = createTokenStore({ path, runtime });
await store.reload();
await store.set({
  provider_id: id,
  access_token: `access-${id}`,
  refresh_token: `refresh-${id}`,
  expires_at: "2030-01-01T00:00:00Z",
});
console.log(
  JSON.stringify({
    runtime: runtime.name,
    ids: store
      .list()
      .map((t) => t.provider_id)
      .sort(),
  }),
);
