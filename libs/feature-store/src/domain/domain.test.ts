import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GLOBAL_SCOPE, type UserPurchaseRow } from '../types';
import { splitChunks } from './artifact';
import { PopularityAccumulator } from './popularity';
import { DAY_MS, RECENT_WINDOW_MS } from './product';
import { deriveUserContext } from './user-context';

const row = (lineId: string, timeUnixMs: number, overrides: Partial<UserPurchaseRow> = {}): UserPurchaseRow => ({
  lineId,
  invoiceNo: 'i',
  productId: 'p',
  quantity: 1,
  unitPrice: 1,
  timeUnixMs,
  country: 'UK',
  writtenUnixMs: 5,
  ...overrides,
});

describe('deriveUserContext', () => {
  it('gives the same answer whatever order the rows come in', () => {
    const rows = [row('a', 1), row('b', 3, { invoiceNo: 'j', productId: 'q' }), row('c', 3, { invoiceNo: 'j', unitPrice: 0.1 }), row('d', 2, { writtenUnixMs: 9 })];
    const forward = deriveUserContext('u', rows, 10);
    expect(deriveUserContext('u', [...rows].reverse(), 10)).toEqual(forward);
    expect(forward.recent.map((purchase) => purchase.timeUnixMs)).toEqual([3, 3, 2, 1]);
    expect(forward.lastWriteUnixMs).toBe(9);
  });
});

describe('PopularityAccumulator', () => {
  it('counts an invoice once per product however many lines it has', () => {
    const accumulator = new PopularityAccumulator();
    for (const lineNo of [1, 2, 3]) accumulator.add({ productId: 'p', invoiceNo: 'i', timeUnixMs: 40 * DAY_MS + lineNo, country: 'UK' });
    accumulator.add({ productId: 'q', invoiceNo: 'k', timeUnixMs: 1, country: '' });
    const rankings = accumulator.rankings(10);
    expect(rankings.find((r) => r.scope === GLOBAL_SCOPE && r.window === 'all')?.products).toEqual([
      { productId: 'p', score: 1 },
      { productId: 'q', score: 1 },
    ]);
    expect(rankings.find((r) => r.scope === GLOBAL_SCOPE && r.window === 'last30d')?.products).toEqual([{ productId: 'p', score: 1 }]);
    expect(rankings.find((r) => r.scope === 'UK' && r.window === 'all')?.products).toEqual([{ productId: 'p', score: 1 }]);
  });

  it('ranks products by distinct invoices per scope and window, as a plain count does', () => {
    const countries = ['', 'UK', 'France', 'EIRE'];
    const line = fc.record({
      productId: fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5'),
      invoiceNo: fc.constantFrom('i1', 'i2', 'i3', 'i4', 'i5', 'i6'),
      timeUnixMs: fc.integer({ min: 0, max: 90 * DAY_MS }),
      country: fc.constantFrom(...countries),
    });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 80 }), fc.integer({ min: 1, max: 5 }), (lines, depth) => {
        // Grouped by product as the stores scan; within a product, any order.
        const scan = [...lines].sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
        const accumulator = new PopularityAccumulator();
        for (const row of scan) accumulator.add(row);
        // Reference: the first line of each (product, invoice) stands for the invoice.
        const latest = Math.max(0, ...lines.map((l) => l.timeUnixMs));
        const invoices = new Map<string, (typeof lines)[number]>();
        for (const row of scan) if (!invoices.has(`${row.productId}/${row.invoiceNo}`)) invoices.set(`${row.productId}/${row.invoiceNo}`, row);
        const counts = new Map<string, Map<string, number>>();
        for (const row of invoices.values()) {
          const windows = row.timeUnixMs > latest - RECENT_WINDOW_MS ? ['all', 'last30d'] : ['all'];
          for (const window of windows) {
            for (const scope of row.country ? [GLOBAL_SCOPE, row.country] : [GLOBAL_SCOPE]) {
              const key = `${scope}/${window}`;
              if (!counts.has(key)) counts.set(key, new Map());
              counts.get(key)!.set(row.productId, (counts.get(key)!.get(row.productId) ?? 0) + 1);
            }
          }
        }
        const expected = [...counts].map(([key, products]) => ({
          key,
          products: [...products]
            .map(([productId, score]) => ({ productId, score }))
            .sort((a, b) => b.score - a.score || (a.productId < b.productId ? -1 : 1))
            .slice(0, depth),
        }));
        const actual = accumulator.rankings(depth).map((r) => ({ key: `${r.scope}/${r.window}`, products: r.products }));
        const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
        expect(actual.sort(byKey)).toEqual(expected.sort(byKey));
        expect(accumulator.scanned).toBe(lines.length);
      }),
    );
  });

  it('refuses a scan that is not grouped by product, rather than count an invoice twice', () => {
    const accumulator = new PopularityAccumulator();
    accumulator.add({ productId: 'p', invoiceNo: 'i', timeUnixMs: 1, country: 'UK' });
    accumulator.add({ productId: 'q', invoiceNo: 'i', timeUnixMs: 1, country: 'UK' });
    expect(() => accumulator.add({ productId: 'p', invoiceNo: 'i', timeUnixMs: 1, country: 'UK' })).toThrow(/not grouped by product: p came back/);
  });
});

describe('splitChunks', () => {
  it('splits into fixed-size chunks, and an empty artifact into one empty chunk', () => {
    expect(splitChunks(new Uint8Array(5), 2).map((chunk) => chunk.length)).toEqual([2, 2, 1]);
    expect(splitChunks(new Uint8Array(0), 2).map((chunk) => chunk.length)).toEqual([0]);
  });
});
