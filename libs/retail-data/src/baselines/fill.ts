/**
 * Appends items of `ranked` to `out` in order, skipping excluded items and ones already in `out`,
 * until `out` holds `k`. Baselines chain it: their own ranking first, then popular as padding, so
 * every user gets a full list.
 */
export function fillFrom(out: string[], ranked: Iterable<string>, k: number, exclude: ReadonlySet<string>): string[] {
  if (out.length >= k) return out;
  const taken = new Set(out);
  for (const item of ranked) {
    if (exclude.has(item) || taken.has(item)) continue;
    out.push(item);
    taken.add(item);
    if (out.length >= k) break;
  }
  return out;
}
