// Online Retail lines → Ingest lines. Pure: the same file always gives the same ids, so a reload is
// a replay and changes nothing.
//
// Cleaning follows OR-temporal-v1 (@aisle/retail-data `isCleanLine`):
// - cancellations (`C…` invoices) and bad-debt adjustments (`A…`) are skipped, as are lines with a
//   non-positive quantity or price: Ingest takes purchases, not returns, and the protocol does not
//   net them out either;
// - non-product codes (POST, M, BANK CHARGES, …) are skipped;
// - lines without a customer are skipped rather than ingested as anonymous baskets, so the store's
//   popularity and product counts are exactly those of the protocol's training data (the `popular`
//   baseline). The store itself accepts anonymous lines (user_id "").
import { isCleanLine, type RetailLine } from '@aisle/retail-data';
import type { features } from '@aisle/contracts';

export type SkipReason = 'cancellation' | 'anonymous' | 'not-clean';

/**
 * Assigns each line of the file its id "<invoice>:<n>", n = 1-based position among the lines of that
 * invoice in file order, counting skipped lines too (so a change of cleaning rule never renumbers).
 */
export class LineNumbering {
  private readonly seen = new Map<string, number>();

  next(invoiceNo: string): string {
    const n = (this.seen.get(invoiceNo) ?? 0) + 1;
    this.seen.set(invoiceNo, n);
    return `${invoiceNo}:${n}`;
  }
}

export function skipReason(line: RetailLine): SkipReason | undefined {
  if (line.invoiceNo.startsWith('C')) return 'cancellation';
  if (line.customerId === null) return 'anonymous';
  return isCleanLine(line) ? undefined : 'not-clean';
}

export function toIngestLine(line: RetailLine, lineId: string): features.TransactionLine {
  return {
    lineId,
    invoiceNo: line.invoiceNo,
    productId: line.stockCode,
    description: line.description,
    quantity: line.quantity,
    unitPrice: line.unitPrice,
    timeUnixMs: line.invoiceDate,
    userId: line.customerId ?? '',
    country: line.country,
  };
}
