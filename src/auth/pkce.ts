import type { Pkce } from "./types.ts";

export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

export async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** RFC 7636 PKCE pair: a 32-byte random verifier (43 chars) and its S256 challenge. */
export async function createPkce(): Promise<Pkce> {
  const verifier = base64url(randomBytes(32));
  return { verifier, challenge: await s256(verifier), method: "S256" };
}

/** The OAuth `state`: random and unrelated to the verifier, which never leaves this process. */
export function createState(): string {
  return base64url(randomBytes(24));
}
