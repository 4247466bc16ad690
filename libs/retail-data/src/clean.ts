import type { RetailLine } from './retail-line';

/** A line that passed `isCleanLine`; its customer is known. */
export type CleanLine = RetailLine & { readonly customerId: string };

// Real products have a five-digit code, optionally followed by letters (variants such as `85123A`).
// Everything else is a fee, postage, manual adjustment, voucher or sample (`POST`, `D`, `M`, `C2`,
// `BANK CHARGES`, `AMAZONFEE`, `DOT`, `CRUK`, `PADS`, `DCGSSGIRL`, `gift_0001_20`, …).
const PRODUCT_CODE = /^[0-9]{5}/;

/** True when the stock code is a real product under OR-temporal-v1 (starts with five digits). */
export function isProductCode(stockCode: string): boolean {
  return PRODUCT_CODE.test(stockCode);
}

/**
 * True for a real sale of a product, whoever bought it: not a `C` cancellation or `A` bad-debt
 * adjustment, positive quantity and price, a product code. Anonymous baskets that pass this are still
 * good "bought together" evidence for basket models, though the protocol's users need an id.
 *
 * Cancellations are dropped rather than netted against earlier sales: the protocol counts what a
 * customer chose to buy, even if it was later returned.
 */
export function isCleanSale(line: RetailLine): boolean {
  return (
    !line.invoiceNo.startsWith('C') &&
    !line.invoiceNo.startsWith('A') &&
    line.quantity > 0 &&
    line.unitPrice > 0 &&
    isProductCode(line.stockCode)
  );
}

/** True for the lines OR-temporal-v1 keeps: a clean sale (`isCleanSale`) by a known customer. */
export function isCleanLine(line: RetailLine): line is CleanLine {
  return line.customerId !== null && isCleanSale(line);
}
