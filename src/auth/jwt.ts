/** Decodes a JWT's claims without checking the signature (the token came straight from the issuer). */
export function decodeJwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const b64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
    const padded = b64 + "=".repeat((4 - (b64.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === "object" && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export const OPENAI_AUTH_CLAIM = "https://api.openai.com/auth";

/** ChatGPT account id (the `chatgpt-account-id` header) from an OpenAI id or access token. */
export function chatgptAccountId(...tokens: (string | undefined)[]): string | undefined {
  for (const token of tokens) {
    if (!token) continue;
    const auth = decodeJwtClaims(token)?.[OPENAI_AUTH_CLAIM];
    const id = auth && typeof auth === "object" ? (auth as Record<string, unknown>).chatgpt_account_id : undefined;
    if (typeof id === "string" && id) return id;
  }
  return undefined;
}

/** The `exp` claim in milliseconds, if the token is a JWT that has one. */
export function jwtExpiryMs(token: string): number | undefined {
  const exp = decodeJwtClaims(token)?.exp;
  return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined;
}
