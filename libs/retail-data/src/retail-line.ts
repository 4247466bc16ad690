/**
 * One invoice line of the UCI Online Retail dataset, typed.
 *
 * Field values are kept as the source has them (no trimming, no upper-casing) so that any count we
 * report can be recomputed from the CSV with another tool and match exactly.
 */
export interface RetailLine {
  /** Invoice number; a leading `C` marks a cancellation, a leading `A` a bad-debt adjustment. */
  readonly invoiceNo: string;
  /** Product code as written in the source, e.g. `85123A`; non-products look like `POST`, `M`, `gift_0001_20`. */
  readonly stockCode: string;
  /** Product description; an empty string when the source has none (1,454 rows). */
  readonly description: string;
  /** Units on the line; negative on cancellations. Always an integer. */
  readonly quantity: number;
  /**
   * Invoice time in epoch milliseconds. The CSV holds UK local wall-clock time without a zone; we read
   * it as if it were UTC (see `parseInvoiceDate`), so `new Date(ms).toISOString()` shows the same digits.
   */
  readonly invoiceDate: number;
  /** Price per unit in pounds sterling. */
  readonly unitPrice: number;
  /** Customer id as written (e.g. `17850`); `null` when the source has none (anonymous basket). */
  readonly customerId: string | null;
  readonly country: string;
}
