import shipped from "./prices.json" with { type: "json" };
import type { TokenCounts } from "../proxy/request-record.ts";

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
}

/** Model id (normalised: see `priceKey`) → price. */
export type PriceBook = Map<string, ModelPrice>;

/** The date the shipped prices were last compared with the providers' pages. */
export const PRICES_CHECKED: string = shipped.checked;

/**
 * "anthropic/claude-sonnet-4.5" and "models/gemini-2.5-pro" name the same models as
 * "claude-sonnet-4-5" and "gemini-2-5-pro": the vendor prefix goes, dots become dashes.
 */
export function priceKey(model: string): string {
  const bare = model.slice(model.lastIndexOf("/") + 1).toLowerCase();
  return bare.replace(/[.@:_[\]]/g, "-");
}

/** The shipped prices, with the config's `[prices]` entries on top. */
export function priceBook(overrides: Record<string, ModelPrice> = {}): PriceBook {
  const book: PriceBook = new Map();
  for (const [id, price] of Object.entries(shipped.models)) book.set(priceKey(id), price);
  for (const [id, price] of Object.entries(overrides)) book.set(priceKey(id), price);
  return book;
}

/**
 * The price of a model id: an exact entry, else the longest entry the id starts with that ends at a
 * dash, so "claude-sonnet-4-5-20250929" finds "claude-sonnet-4-5" and never "claude-sonnet-4".
 */
export function priceOf(book: PriceBook, model: string): ModelPrice | undefined {
  const key = priceKey(model);
  const exact = book.get(key);
  if (exact) return exact;
  let best: string | undefined;
  for (const id of book.keys()) {
    if (key.startsWith(`${id}-`) && (best === undefined || id.length > best.length)) best = id;
  }
  return best === undefined ? undefined : book.get(best);
}

export function costOf(book: PriceBook, model: string, tokens: TokenCounts): number | undefined {
  const price = priceOf(book, model);
  if (!price) return undefined;
  const perToken =
    tokens.input * price.input +
    tokens.output * price.output +
    tokens.cacheRead * price.cache_read +
    tokens.cacheWrite * price.cache_write;
  return perToken / 1_000_000;
}
