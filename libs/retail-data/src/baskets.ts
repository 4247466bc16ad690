import { isCleanLine, isCleanSale } from './clean';
import type { RetailLine } from './retail-line';

export interface InvoiceBasketsOptions {
  /**
   * Also keep invoices without a CustomerID (about a quarter of the lines). They are not part of the
   * protocol's clean lines but are valid co-purchase evidence. Default false (protocol-clean only).
   */
  readonly anonymous?: boolean;
}

/**
 * Distinct product codes of each invoice, for basket models (item2vec, co-occurrence).
 *
 * Invoices appear in order of their first line, products in order of first appearance in the invoice;
 * a product on several lines of one invoice appears once. Only clean lines count. Callers choose the
 * time window by what they pass in (e.g. `split.train`), so test data cannot leak through here.
 */
export function invoiceBaskets(lines: Iterable<RetailLine>, options: InvoiceBasketsOptions = {}): string[][] {
  const keep = options.anonymous === true ? isCleanSale : isCleanLine;
  const baskets = new Map<string, Set<string>>();
  for (const line of lines) {
    if (!keep(line)) continue;
    const basket = baskets.get(line.invoiceNo);
    if (basket === undefined) baskets.set(line.invoiceNo, new Set([line.stockCode]));
    else basket.add(line.stockCode);
  }
  return [...baskets.values()].map((items) => [...items]);
}
