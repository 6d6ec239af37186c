// Application Default Credentials beyond key files: the GCE / Cloud Run metadata server and
// external_account (workload identity federation), against fake Google endpoints on loopback,
// with the same caching and single-flight as the key-file path.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { createAdcSource } from "../../src/auth/adc.ts";
import { json, startFakeUpstream, status, type FakeUpstream } from "../helpers/fake-upstream.ts";
import { boundTestsForBusyMachine } from "../helpers/test-bound.ts";

boundTestsForBusyMachine();

let google: FakeUpstream;
const files = (map: Record<string, string>) => async (path: string) => map[path];
const realFetch = (i: string | URL | Request, init?: RequestInit) => fetch(i, init);

beforeAll(async () => {
  google = await startFakeUpstream();
});
afterAll(() => google.stop());
afterEach(() => google.clear());

describe("metadata server", () => {
  test("with no credentials file on Google Cloud, the attached service account's token is used, fetched once", async () => {
    google.setDefault(json({ access_token: "ya29.from-metadata", expires_in: 3599, token_type: "Bearer" }));
    const source = createAdcSource({
      env: { HOME: "/nowhere", GCE_METADATA_HOST: google.url.replace("http://", "") },
      fetch: realFetch,
      readText: files({}),
    });
    const all = await Promise.all(Array.from({ length: 10 }, () => source.get()));
    expect(new Set(all.map((c) => c.accessToken))).toEqual(new Set(["ya29.from-metadata"]));
    await source.get();
    expect(google.requests).toHaveLength(1);
    const [req] = google.requests;
    expect(req!.method).toBe("GET");
    expect(req!.path).toBe("/computeMetadata/v1/instance/service-accounts/default/token");
    expect(req!.headers["metadata-flavor"]).toBe("Google");
  });

  test("off Google Cloud, no file is still the error that says how to get credentials (nothing is probed)", async () => {
    const source = createAdcSource({ env: { HOME: "/nowhere" }, fetch: realFetch, readText: files({}) });
    const err = (await source.get().catch((e) => e)) as Error;
    expect(err.message).toContain("metadata server");
    expect(google.requests).toHaveLength(0);
  });
});

describe("external_account (workload identity federation)", () => {
  const adcFile = (extra: Record<string, unknown>) =>
    JSON.stringify({
      type: "external_account",
      audience: "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/gh",
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      token_url: `${google.url}/v1/token`,
      ...extra,
    });

  test("a subject token from a JSON file is exchanged at STS, then impersonates the service account", async () => {
    google.reply(json({ access_token: "federated-token", expires_in: 3600, token_type: "Bearer" }));
    google.reply(
      json({ accessToken: "ya29.impersonated", expireTime: new Date(Date.now() + 3_600_000).toISOString() }),
    );
    const env = { GOOGLE_APPLICATION_CREDENTIALS: "/adc.json" };
    const readText = files({
      "/adc.json": adcFile({
        credential_source: { file: "/oidc.json", format: { type: "json", subject_token_field_name: "id_token" } },
        service_account_impersonation_url: `${google.url}/v1/projects/-/serviceAccounts/sa@p.iam.gserviceaccount.com:generateAccessToken`,
      }),
      "/oidc.json": JSON.stringify({ id_token: "oidc-subject" }),
    });
    const source = createAdcSource({ env, fetch: realFetch, readText });
    const [a, b] = await Promise.all([source.get(), source.get()]);
    expect(a).toEqual({ accessToken: "ya29.impersonated" });
    expect(b).toEqual(a);
    expect(google.requests.map((r) => r.path)).toEqual([
      "/v1/token",
      "/v1/projects/-/serviceAccounts/sa@p.iam.gserviceaccount.com:generateAccessToken",
    ]);
    const sts = Object.fromEntries(new URLSearchParams(google.requests[0]!.bodyText));
    expect(sts).toEqual({
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      audience: "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/gh",
      scope: "https://www.googleapis.com/auth/cloud-platform",
      requested_token_type: "urn:ietf:params:oauth:token-type:access_token",
      subject_token: "oidc-subject",
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
    });
    const impersonation = google.requests[1]!;
    expect(impersonation.headers.authorization).toBe("Bearer federated-token");
    expect(impersonation.json()).toEqual({
      scope: ["https://www.googleapis.com/auth/cloud-platform"],
      lifetime: "3600s",
    });
  });

  test("a subject token from a URL (text), without impersonation: the STS token is the access token", async () => {
    google.reply(status(200, "url-subject\n"));
    google.setDefault(json({ access_token: "federated-only", expires_in: 3600 }));
    const readText = files({
      "/adc.json": adcFile({
        credential_source: { url: `${google.url}/subject`, headers: { "x-requested-by": "ccmux-test" } },
      }),
    });
    const source = createAdcSource({
      env: { GOOGLE_APPLICATION_CREDENTIALS: "/adc.json" },
      fetch: realFetch,
      readText,
    });
    expect(await source.get()).toEqual({ accessToken: "federated-only" });
    expect(google.requests[0]!.headers["x-requested-by"]).toBe("ccmux-test");
    expect(new URLSearchParams(google.requests[1]!.bodyText).get("subject_token")).toBe("url-subject");
  });
});
