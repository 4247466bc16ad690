/**
 * Code-unit order for ids and product codes, used as the last tie-break everywhere. Unlike
 * `localeCompare` it does not depend on the runtime's locale, so rankings are reproducible (and match
 * Python's default string order, which the reference numbers were cross-checked with).
 */
export function compareCodes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
