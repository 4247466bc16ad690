// A product's attributes and all-time aggregates, derived from the product's lines.
import type { ProductLineRow, ProductRecord } from '../types';
import { newestFirst } from './order';

export const DAY_MS = 86_400_000;
export const RECENT_WINDOW_MS = 30 * DAY_MS;

// OR-temporal-v1: real products have a five-digit stock code; the rest are fees, postage, adjustments.
const PRODUCT_CODE = /^[0-9]{5}/;

export function isProductCode(productId: string): boolean {
  return PRODUCT_CODE.test(productId);
}

/** What a product record is made of: counts over all its lines, and its latest line. */
export interface ProductAggregates {
  invoices: number;
  /** Distinct non-empty customer ids. */
  customers: number;
  quantity: number;
  firstSoldUnixMs: number;
  /** Distinct invoices with a line newer than RECENT_WINDOW_MS before the latest line. */
  invoicesLast30d: number;
  /** The first line in `newestFirst` order. */
  latest: Pick<ProductLineRow, 'description' | 'unitPrice' | 'timeUnixMs'>;
}

/** The record of a product with lines, from its aggregates (however a store computed them). */
export function productRecord(productId: string, aggregates: ProductAggregates): ProductRecord {
  return {
    productId,
    description: aggregates.latest.description,
    unitPrice: aggregates.latest.unitPrice,
    isProduct: isProductCode(productId),
    // In stock unless a stock update says otherwise (the stores apply those after deriving).
    inStock: true,
    firstSoldUnixMs: aggregates.firstSoldUnixMs,
    lastSoldUnixMs: aggregates.latest.timeUnixMs,
    customers: aggregates.customers,
    invoices: aggregates.invoices,
    quantity: aggregates.quantity,
    invoicesLast30d: aggregates.invoicesLast30d,
  };
}

/** The record of a product from all its lines (undefined without any). */
export function deriveProduct(productId: string, rows: readonly ProductLineRow[]): ProductRecord | undefined {
  if (rows.length === 0) return undefined;
  const ordered = [...rows].sort(newestFirst);
  const latest = ordered[0]!;
  const invoices = new Set<string>();
  const recentInvoices = new Set<string>();
  const customers = new Set<string>();
  let quantity = 0;
  for (const row of ordered) {
    invoices.add(row.invoiceNo);
    if (row.timeUnixMs > latest.timeUnixMs - RECENT_WINDOW_MS) recentInvoices.add(row.invoiceNo);
    if (row.customerId) customers.add(row.customerId);
    quantity += row.quantity;
  }
  return productRecord(productId, {
    invoices: invoices.size,
    customers: customers.size,
    quantity,
    firstSoldUnixMs: ordered[ordered.length - 1]!.timeUnixMs,
    invoicesLast30d: recentInvoices.size,
    latest,
  });
}
