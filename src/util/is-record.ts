/** A JSON object (not null, not an array): its fields are there to be read, each one unknown. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An object or an array (not null): its properties can be read, each one unknown. */
export function isIndexable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
