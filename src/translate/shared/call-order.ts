/**
 * Claude Code sends parallel tool results in the order the tools *finish*; upstreams that pair
 * results with calls by position need them in the order the model made the calls. Stable: items
 * whose id the last assistant turn did not call keep their place after the known ones.
 */
export function inCallOrder<T>(items: T[], idOf: (item: T) => string, callOrder: ReadonlyMap<string, number>): T[] {
  if (items.length < 2) return items;
  const rank = (item: T) => callOrder.get(idOf(item)) ?? Number.MAX_SAFE_INTEGER;
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => rank(a.item) - rank(b.item) || a.i - b.i)
    .map((x) => x.item);
}

/** tool_use id → its position among the calls of one assistant turn. */
export function callOrderOf(ids: Iterable<string>): Map<string, number> {
  const order = new Map<string, number>();
  for (const id of ids) if (!order.has(id)) order.set(id, order.size);
  return order;
}
