import { Buffer } from "node:buffer";

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/** The fields of a service-account key file that signing needs. */
export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
}

const b64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64url");

/** PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----") → an RS256 signing key. */
export async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const body = pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, "").replace(/\s+/g, "");
  const der = Buffer.from(body, "base64");
  return crypto.subtle.importKey("pkcs8", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
}

/**
 * The signed JWT a service account trades for an access token (RFC 7523): issued by the
 * account, for the token endpoint, valid one hour, asking for `scope`.
 */
export async function signServiceAccountJwt(
  key: ServiceAccountKey,
  audience: string,
  nowMs: number,
  scope = CLOUD_PLATFORM_SCOPE,
): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  const header = { alg: "RS256", typ: "JWT", ...(key.private_key_id ? { kid: key.private_key_id } : {}) };
  const claims = { iss: key.client_email, scope, aud: audience, iat, exp: iat + 3600 };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signingKey = await importPrivateKey(key.private_key);
  const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", signingKey, new TextEncoder().encode(input));
  return `${input}.${b64url(new Uint8Array(signature))}`;
}
