/** Produces the random part of an id. Inject a deterministic one in tests. */
export type IdFactory = () => string;

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** 24 random base62 characters, the length Anthropic's own ids use. */
export function randomBase62(length = 24): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += BASE62[b % 62];
  return out;
}

export function messageId(idFactory: IdFactory = randomBase62): string {
  return `msg_${idFactory()}`;
}

export function toolUseId(idFactory: IdFactory = randomBase62): string {
  return `toolu_${idFactory()}`;
}
