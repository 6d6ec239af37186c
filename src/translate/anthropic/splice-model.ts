const KEY = '"model"';

/** Index just past the JSON string starting at `open` (a `"`), or -1. */
function stringEnd(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92)
      i++; // backslash: skip the escaped character
    else if (c === 34) return i + 1;
  }
  return -1;
}

/** Whether `at` lies directly inside the top-level object (depth 1, outside any string). */
function atTopLevel(text: string, at: number): boolean {
  let depth = 0;
  for (let i = 0; i < at; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = stringEnd(text, i) - 1;
      if (i < 0) return false;
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) depth--;
  }
  return depth === 1;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

/**
 * The client's JSON body with only the top-level `model` value replaced, so an unchanged request is
 * forwarded without being serialised again (and, when the value is already `model`, the body itself). Scans only up to the first `"model"` key (Claude Code
 * and the SDKs put it first); returns undefined when that key is not the top-level one or the body
 * is not as expected, and the caller serialises instead.
 */
export function spliceModel(raw: string, model: string): string | undefined {
  const key = raw.indexOf(KEY);
  if (key < 0 || !atTopLevel(raw, key)) return undefined;
  const colon = skipSpace(raw, key + KEY.length);
  if (raw[colon] !== ":") return undefined;
  const open = skipSpace(raw, colon + 1);
  if (raw[open] !== '"') return undefined;
  const close = stringEnd(raw, open);
  if (close < 0) return undefined;
  const value = JSON.stringify(model);
  // The model already named (pass-through to the same model): the client's text itself, not a copy of it.
  if (raw.slice(open, close) === value) return raw;
  return raw.slice(0, open) + value + raw.slice(close);
}
