// Builders of transaction lines for tests: a valid line by default, overridden where a test cares.
import type { TransactionLine } from '../types';

export const T0 = Date.UTC(2011, 0, 10, 9, 0);
export const DAY = 86_400_000;

export function line(overrides: Partial<TransactionLine> & { lineId: string }): TransactionLine {
  return {
    invoiceNo: 'inv-1',
    productId: '85123A',
    description: 'WHITE HANGING HEART T-LIGHT HOLDER',
    quantity: 1,
    unitPrice: 2.55,
    timeUnixMs: T0,
    userId: 'u-1',
    country: 'United Kingdom',
    ...overrides,
  };
}

/** A unique prefix, so tests sharing one store never see each other's ids. */
export function uniqueIds(label: string): (id: string) => string {
  const prefix = `${label}-${Math.random().toString(36).slice(2, 8)}`;
  return (id) => `${prefix}-${id}`;
}
