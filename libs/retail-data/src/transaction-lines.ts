// Dataset lines as the feature service's Ingest takes them. Every tool that loads the dataset uses
// these, so a line always gets the same id and a reload is a replay that changes nothing.
import type { RetailLine } from './retail-line';

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

/** The fields of an Ingest line (aisle.features.v1.TransactionLine), structurally. */
export interface TransactionLineFields {
  lineId: string;
  invoiceNo: string;
  productId: string;
  description: string;
  quantity: number;
  unitPrice: number;
  timeUnixMs: number;
  /** '' for an anonymous basket. */
  userId: string;
  country: string;
}

export function toTransactionLine(line: RetailLine, lineId: string): TransactionLineFields {
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
