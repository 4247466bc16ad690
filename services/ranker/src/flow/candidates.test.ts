import { repeatSignal } from '@aisle/ranking';
import { describe, expect, it } from 'vitest';
import { buildPool, seedsFrom } from './candidates';

const DAY = 86_400_000;

describe('candidates', () => {
  it('repeat signal grows with invoices and decays with age', () => {
    const now = 100 * DAY;
    expect(repeatSignal(5, now, now)).toBeGreaterThan(repeatSignal(1, now, now));
    expect(repeatSignal(5, now - 60 * DAY, now)).toBeCloseTo(repeatSignal(5, now, now) / 2, 12);
    expect(repeatSignal(0, now, now)).toBe(0);
  });

  it('pools every generator and gives every candidate its popularity and context signals', () => {
    const pool = buildPool({
      copurchase: [{ productId: 'A', score: 0.9 }],
      bought: [{ productId: 'B', invoiceCount: 3, totalQuantity: 10, firstUnixMs: 0, lastUnixMs: 10 * DAY, spend: 5 }],
      popularGlobal: [
        { productId: 'C', score: 100 },
        { productId: 'A', score: 50 },
      ],
      popularCountry: [{ productId: 'B', score: 9 }],
      nowUnixMs: 10 * DAY,
      includeBought: true,
      limits: { repeat: 10, popular: 10, country: 10, pool: 100 },
    });
    expect([...pool.keys()].sort()).toEqual(['A', 'B', 'C']);
    expect([...pool.get('A')!.sources].sort()).toEqual(['copurchase', 'popular']);
    expect(pool.get('A')!.popularity).toBeCloseTo(0.5, 12);
    expect(pool.get('C')!.popularity).toBe(1);
    expect(pool.get('B')!.context).toBe(1);
    expect(pool.get('B')!.repeat).toBeCloseTo(1 - Math.exp(-1), 12);
  });

  it('leaves bought items out of the pool when asked for new products only', () => {
    const pool = buildPool({
      copurchase: [],
      bought: [{ productId: 'B', invoiceCount: 3, totalQuantity: 10, firstUnixMs: 0, lastUnixMs: 0, spend: 5 }],
      popularGlobal: [],
      popularCountry: [],
      nowUnixMs: 0,
      includeBought: false,
      limits: { repeat: 10, popular: 10, country: 10, pool: 100 },
    });
    expect(pool.size).toBe(0);
  });

  it('seeds from distinct recent items, newest first, with decaying weights', () => {
    const seeds = seedsFrom(
      [
        { productId: 'X', invoiceNo: '2', timeUnixMs: 2, quantity: 1 },
        { productId: 'Y', invoiceNo: '2', timeUnixMs: 2, quantity: 1 },
        { productId: 'X', invoiceNo: '1', timeUnixMs: 1, quantity: 1 },
        { productId: 'Z', invoiceNo: '1', timeUnixMs: 1, quantity: 1 },
      ],
      2,
    );
    expect(seeds).toEqual([
      { productId: 'X', weight: 1 },
      { productId: 'Y', weight: 0.85 },
    ]);
  });
});
