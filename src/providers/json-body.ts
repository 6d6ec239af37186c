import { TranslateError } from "../util/errors.ts";

/** A 2xx upstream body parsed as JSON; anything else is a 502 naming the provider. */
export async function readJsonBody(res: Response, provider: string): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new TranslateError(`${provider}: upstream answered ${res.status} with a body that is not JSON`, 502);
  }
}

export function jsonResponse(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
}
