// A fake Google OAuth token endpoint for ADC tests: it checks service-account JWTs against the
// test key's public key (RS256), accepts authorized_user refresh grants, and counts exchanges.
import { Buffer } from "node:buffer";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { json, startFakeUpstream, status, type FakeUpstream } from "./fake-upstream.ts";

export const SA_EMAIL = "ccmux-test@my-proj.iam.gserviceaccount.com";
export const USER_REFRESH_TOKEN = "1//user-refresh-token";

export interface ServiceAccountFixture {
  path: string;
  publicKey: CryptoKey;
}

function pem(der: ArrayBuffer): string {
  const b64 = Buffer.from(der)
    .toString("base64")
    .match(/.{1,64}/g)!
    .join("\n");
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

/** A fresh RSA key pair, its private half written as a service-account key file in `dir`. */
export async function writeServiceAccount(
  dir: string,
  tokenUri = "https://oauth2.googleapis.com/token",
): Promise<ServiceAccountFixture> {
  const pair = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const key = {
    type: "service_account",
    project_id: "my-proj",
    private_key_id: "key-1",
    private_key: pem(await crypto.subtle.exportKey("pkcs8", pair.privateKey)),
    client_email: SA_EMAIL,
    client_id: "1234567890",
    token_uri: tokenUri,
  };
  const path = join(dir, "service-account.json");
  writeFileSync(path, JSON.stringify(key, null, 2));
  return { path, publicKey: pair.publicKey };
}

export interface TokenExchange {
  grant: string;
  claims?: Record<string, any>;
  header?: Record<string, any>;
}

export interface FakeGoogleToken {
  up: FakeUpstream;
  url: string;
  exchanges: TokenExchange[];
  /** Tokens handed out so far: ya29.token-1, ya29.token-2, … */
  issued: () => number;
  stop(): Promise<void>;
}

const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));

async function verifyAssertion(jwt: string, publicKey: CryptoKey): Promise<TokenExchange | string> {
  const [h, c, s] = jwt.split(".");
  if (!h || !c || !s) return "assertion is not a JWT";
  const ok = await crypto.subtle.verify(
    "RSASSA-PKCS1-v1_5",
    publicKey,
    Buffer.from(s, "base64url"),
    new TextEncoder().encode(`${h}.${c}`),
  );
  if (!ok) return "invalid JWT signature";
  return { grant: "jwt-bearer", header: decode(h), claims: decode(c) };
}

export async function startFakeGoogleToken(opts: { publicKey?: CryptoKey } = {}): Promise<FakeGoogleToken> {
  const up = await startFakeUpstream();
  const exchanges: TokenExchange[] = [];
  let issued = 0;
  const grant = () => json({ access_token: `ya29.token-${++issued}`, expires_in: 3599, token_type: "Bearer" });
  up.setDefault(async (req) => {
    const form = new URLSearchParams(req.bodyText);
    if (form.get("grant_type") === "urn:ietf:params:oauth:grant-type:jwt-bearer" && opts.publicKey) {
      const verdict = await verifyAssertion(form.get("assertion") ?? "", opts.publicKey);
      if (typeof verdict === "string") return status(400, { error: "invalid_grant", error_description: verdict });
      exchanges.push(verdict);
      return grant();
    }
    if (form.get("grant_type") === "refresh_token" && form.get("refresh_token") === USER_REFRESH_TOKEN) {
      exchanges.push({ grant: "refresh_token" });
      return grant();
    }
    return status(400, { error: "unsupported_grant_type" });
  });
  return { up, url: `${up.url}/token`, exchanges, issued: () => issued, stop: () => up.stop() };
}
