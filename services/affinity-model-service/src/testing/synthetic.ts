// Small synthetic transaction logs for tests: every user has a planted favourite product bought on
// most of their visits, plus random other products, so a model has something true to learn.
import { seededRandom, type RetailLine } from '@aisle/retail-data';
import { DAY_MS } from '../domain/time';

export interface SyntheticOptions {
  users: number;
  products: number;
  days: number;
  startMs: number;
  seed: number;
}

export const SYNTHETIC_DEFAULTS: SyntheticOptions = { users: 40, products: 30, days: 150, startMs: Date.UTC(2011, 0, 3), seed: 1 };

export const productCode = (i: number): string => String(20000 + i);
/** The product user `u` buys on most visits. */
export const favouriteOf = (u: number, products: number): string => productCode((u * 7) % products);

export function syntheticLines(options: Partial<SyntheticOptions> = {}): RetailLine[] {
  const o = { ...SYNTHETIC_DEFAULTS, ...options };
  const random = seededRandom(o.seed);
  const lines: RetailLine[] = [];
  let invoice = 500000;
  for (let day = 0; day < o.days; day += 1) {
    for (let u = 0; u < o.users; u += 1) {
      if (random() > 0.12) continue;
      invoice += 1;
      const time = o.startMs + day * DAY_MS + (9 + Math.floor(random() * 8)) * 3_600_000;
      const items = new Set<string>();
      if (random() < 0.8) items.add(favouriteOf(u, o.products));
      const extra = 1 + Math.floor(random() * 3);
      for (let i = 0; i < extra; i += 1) items.add(productCode(Math.floor(random() * random() * o.products)));
      for (const stockCode of items) {
        lines.push({ invoiceNo: String(invoice), stockCode, description: '', quantity: 1 + Math.floor(random() * 6), invoiceDate: time, unitPrice: 1 + (Number(stockCode) % 5), customerId: String(13000 + u), country: u % 5 === 0 ? 'France' : 'United Kingdom' });
      }
    }
  }
  return lines;
}
