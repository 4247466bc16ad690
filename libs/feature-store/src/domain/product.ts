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
  return {
    productId,
    description: latest.description,
    unitPrice: latest.unitPrice,
    isProduct: isProductCode(productId),
    // In stock unless a stock update says otherwise (the stores apply those after deriving).
    inStock: true,
    firstSoldUnixMs: ordered[ordered.length - 1]!.timeUnixMs,
    lastSoldUnixMs: latest.timeUnixMs,
    customers: customers.size,
    invoices: invoices.size,
    quantity,
    invoicesLast30d: recentInvoices.size,
  };
}
