// Builders for tiny synthetic datasets in tests (excluded from the build).
import { parseInvoiceDate } from '../invoice-date';
import type { RetailLine } from '../retail-line';

/** A clean sale unless overridden; `at` is 'YYYY-MM-DD HH:MM:SS' or 'YYYY-MM-DD' in the file clock. */
export function sale(
  customerId: string | null,
  invoiceNo: string,
  stockCode: string,
  at: string,
  overrides: Partial<RetailLine> = {},
): RetailLine {
  return {
    invoiceNo,
    stockCode,
    description: `item ${stockCode}`,
    quantity: 1,
    invoiceDate: parseInvoiceDate(at),
    unitPrice: 1.25,
    customerId,
    country: 'United Kingdom',
    ...overrides,
  };
}
