// Which Online Retail lines the loader sends to Ingest (ids and the conversion are @aisle/retail-data's
// LineNumbering and toTransactionLine, shared with every loader of the dataset).
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

export type SkipReason = 'cancellation' | 'anonymous' | 'not-clean';

export function skipReason(line: RetailLine): SkipReason | undefined {
  if (line.invoiceNo.startsWith('C')) return 'cancellation';
  if (line.customerId === null) return 'anonymous';
  return isCleanLine(line) ? undefined : 'not-clean';
}
