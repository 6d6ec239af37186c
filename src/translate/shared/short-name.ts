/** FNV-1a over UTF-16 code units with the given offset basis; 32 bits. */
function fnv1a(text: string, basis: number): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A stable 12-character digest of `text` (two independent 32-bit FNV-1a passes, base 36). */
export function shortDigest(text: string): string {
  const a = fnv1a(text, 0x811c9dc5).toString(36).padStart(7, "0");
  const b = fnv1a(text, 0x050c5d1f).toString(36).padStart(7, "0");
  return (a + b).slice(0, 12);
}

/**
 * `name` if it fits in `max` characters, else its head and a digest of the whole: deterministic, so
 * the same long name always shortens the same way, and distinct names stay distinct.
 */
export function fitName(name: string, max: number): string {
  if (name.length <= max) return name;
  const digest = shortDigest(name);
  return `${name.slice(0, max - digest.length - 1)}_${digest}`;
}
