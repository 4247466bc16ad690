import { describe, expect, it } from 'vitest';
import { GLOBAL_SCOPE, type UserPurchaseRow } from '../types';
import { splitChunks } from './artifact';
import { PopularityAccumulator } from './popularity';
import { DAY_MS } from './product';
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
});

describe('splitChunks', () => {
  it('splits into fixed-size chunks, and an empty artifact into one empty chunk', () => {
    expect(splitChunks(new Uint8Array(5), 2).map((chunk) => chunk.length)).toEqual([2, 2, 1]);
    expect(splitChunks(new Uint8Array(0), 2).map((chunk) => chunk.length)).toEqual([0]);
  });
});
