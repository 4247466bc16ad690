import { parseInvoiceDate } from './invoice-date';
import type { RetailLine } from './retail-line';

/** The exact header of the shipped CSV; checked so a different or reordered file fails loudly. */
export const RETAIL_CSV_HEADER: readonly string[] = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'UnitPrice',
  'CustomerID',
  'Country',
];

/** Throws unless `record` is exactly the expected header. */
export function assertRetailHeader(record: readonly string[]): void {
  const same = record.length === RETAIL_CSV_HEADER.length && record.every((name, i) => name === RETAIL_CSV_HEADER[i]);
  if (!same) {
    throw new Error(`unexpected CSV header ${JSON.stringify(record)}; expected ${JSON.stringify(RETAIL_CSV_HEADER)}`);
  }
}

// `Number('')` is 0, so empty fields must be rejected before converting.
function toNumber(text: string, field: string, recordNo: number): number {
  const value = text === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) throw new Error(`record ${recordNo}: ${field} ${JSON.stringify(text)} is not a number`);
  return value;
}

// One-entry memo for the date: consecutive lines of an invoice share a timestamp (about 21 lines per
// invoice on average), so most lines skip date parsing when the file is read in order. Pure, so safe to share.
let lastDateText = '';
let lastDateMs = 0;

function invoiceDateOf(text: string, recordNo: number): number {
  if (text !== lastDateText || lastDateText === '') {
    try {
      lastDateMs = parseInvoiceDate(text);
    } catch (err) {
      throw new Error(`record ${recordNo}: InvoiceDate: ${(err as Error).message}`);
    }
    lastDateText = text;
  }
  return lastDateMs;
}

/**
 * Converts one CSV record (fields in header order) to a `RetailLine`.
 * `recordNo` is the 1-based data record number, used only in error messages.
 */
export function toRetailLine(record: readonly string[], recordNo: number): RetailLine {
  if (record.length !== RETAIL_CSV_HEADER.length) {
    throw new Error(`record ${recordNo}: expected ${RETAIL_CSV_HEADER.length} fields, got ${record.length}`);
  }
  const [invoiceNo, stockCode, description, quantityText, dateText, priceText, customerText, country] = record;
  if (invoiceNo === '') throw new Error(`record ${recordNo}: empty InvoiceNo`);
  if (stockCode === '') throw new Error(`record ${recordNo}: empty StockCode`);
  const quantity = toNumber(quantityText, 'Quantity', recordNo);
  if (!Number.isInteger(quantity)) throw new Error(`record ${recordNo}: Quantity ${quantityText} is not an integer`);
  return {
    invoiceNo,
    stockCode,
    description,
    quantity,
    invoiceDate: invoiceDateOf(dateText, recordNo),
    unitPrice: toNumber(priceText, 'UnitPrice', recordNo),
    customerId: customerText === '' ? null : customerText,
    country,
  };
}
