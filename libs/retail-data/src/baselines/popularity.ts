import { isCleanLine } from '../clean';
import { compareCodes } from '../compare-codes';
import type { RetailLine } from '../retail-line';

/**
 * What "popular" counts. `customers` (the default) = distinct buyers: a handful of wholesalers
 * re-ordering the same item every week cannot push it up, and "how many people want it" is what a
 * per-user hit rate rewards. `invoices` = distinct invoices containing the product (kept for comparison).
 */
export type PopularityBy = 'customers' | 'invoices';

/**
 * Products of the clean lines ranked by popularity, most popular first. Ties: the other count
 * (invoices for `customers`, customers for `invoices`), then product code, so the order is total.
 */
export function popularityRanking(lines: Iterable<RetailLine>, by: PopularityBy = 'customers'): string[] {
  const customers = new Map<string, Set<string>>();
  const invoices = new Map<string, Set<string>>();
  for (const line of lines) {
    if (!isCleanLine(line)) continue;
    const c = customers.get(line.stockCode);
    if (c === undefined) customers.set(line.stockCode, new Set([line.customerId]));
    else c.add(line.customerId);
    const i = invoices.get(line.stockCode);
    if (i === undefined) invoices.set(line.stockCode, new Set([line.invoiceNo]));
    else i.add(line.invoiceNo);
  }
  const count = (map: Map<string, Set<string>>, code: string): number => map.get(code)?.size ?? 0;
  const [first, second] = by === 'customers' ? [customers, invoices] : [invoices, customers];
  return [...customers.keys()].sort(
    (a, b) => count(first, b) - count(first, a) || count(second, b) - count(second, a) || compareCodes(a, b),
  );
}
