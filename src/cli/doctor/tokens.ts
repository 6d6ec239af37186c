import { join } from "node:path";
import { openTokenStore, TOKEN_FILE_NAME } from "../../auth/store.ts";
import { checkTokens, tokenUses } from "../../auth/token-check.ts";
import { dataDir } from "../../config/paths.ts";
import { runtime } from "../../runtime/index.ts";
import { type Check, type DoctorInputs, fail, ok } from "./types.ts";

/** Every OAuth provider's (and pool account's) token: present, the right kind, and refreshable. */
export async function tokenChecks({ env, view }: DoctorInputs): Promise<Check[]> {
  if (!view || tokenUses(view.providers).length === 0) return [];
  const path = join(dataDir(env), TOKEN_FILE_NAME);
  let store: Awaited<ReturnType<typeof openTokenStore>>;
  try {
    store = await openTokenStore({ path, runtime });
  } catch (err) {
    return [fail("tokens", err instanceof Error ? err.message : String(err), `move ${path} away and log in again`)];
  }
  return checkTokens(view.providers, (id) => store.get(id), store.path, Date.now()).map((f) =>
    f.ok
      ? ok(`token:${f.id}`, `${f.keyPath}: ${f.message}`)
      : fail(`token:${f.id}`, `${f.keyPath}: ${f.message}`, f.fix!),
  );
}
