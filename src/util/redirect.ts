// Redirects are never followed: fetch would re-send the provider's key, custom headers and the
// prompt to whatever host `Location` names. Every upstream and token-endpoint call sends
// `redirect: "manual"` and turns a 3xx into an error naming where it pointed.

export const NO_REDIRECTS = { redirect: "manual" } as const satisfies RequestInit;

export function isRedirect(res: Response): boolean {
  return res.status >= 300 && res.status < 400;
}

/** `Location` resolved against the request URL, as host and path: never the query, which may carry a code or key. */
export function redirectTarget(res: Response, requestUrl: string): string {
  const location = res.headers.get("location");
  if (!location) return "no location";
  try {
    const target = new URL(location, requestUrl);
    return `${target.host}${target.pathname}`;
  } catch {
    return "an invalid location";
  }
}

/**
 * The message for a refused redirect; the body is released so the connection is not held.
 * `who` names the provider or the endpoint.
 */
export function refusedRedirect(res: Response, requestUrl: string, who: string): string {
  res.body?.cancel().catch(() => {});
  return `${who}: upstream answered ${res.status} redirecting to ${redirectTarget(res, requestUrl)}; redirects are not followed`;
}
