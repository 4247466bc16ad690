import { describe, expect, it } from 'vitest';
import { buildPool, seedsFrom } from '../flow/candidates';
import { breakdown, DEFAULT_BLEND, total, validateWeights } from './blend';
import { productFamily, selectTopK, type ScoredCandidate } from './select';
import { emptySignals, repeatSignal } from './signals';

const DAY = 86_400_000;

function candidate(productId: string, score: number): ScoredCandidate {
  const signals = emptySignals(productId);
  return { signals, parts: { copurchase: score, affinity: 0, popularity: 0, repeat: 0, context: 0 }, score, description: '' };
}

describe('blend', () => {
  it('splits a score into parts that sum to it', () => {
    const signals = { ...emptySignals('85123A'), copurchase: 0.5, affinity: 0.8, popularity: 0.1, repeat: 0.3, context: 1 };
    const parts = breakdown(signals, DEFAULT_BLEND);
    expect(parts.affinity).toBeCloseTo(0.8 * DEFAULT_BLEND.affinity, 12);
    expect(total(parts)).toBeCloseTo(0.5 * 0.25 + 0.8 * 0.45 + 0.1 * 0.05 + 0.3 * 0.2 + 1 * 0.05, 12);
  });

  it('refuses negative or missing weights, naming the part', () => {
    expect(() => validateWeights({ ...DEFAULT_BLEND, repeat: -1 })).toThrow(/"repeat"/);
    expect(() => validateWeights({ copurchase: 1 })).toThrow(/"affinity"/);
  });
});

describe('selectTopK', () => {
  it('orders by score, drops exclusions, unavailable and non-products', () => {
    const page = selectTopK([candidate('22423', 0.1), candidate('POST', 0.9), candidate('85123A', 0.5), candidate('21212', 0.7), candidate('84879', 0.3)], {
      k: 3,
      exclude: new Set(['21212']),
      unavailable: new Set(['84879']),
      maxPerFamily: 2,
    });
    expect(page.map((item) => item.signals.productId)).toEqual(['85123A', '22423']);
  });

  it('keeps at most maxPerFamily colour variants of one product', () => {
    const page = selectTopK([candidate('85099B', 0.9), candidate('85099C', 0.8), candidate('85099F', 0.7), candidate('22423', 0.1)], {
      k: 3,
      exclude: new Set(),
      unavailable: new Set(),
      maxPerFamily: 2,
    });
    expect(page.map((item) => item.signals.productId)).toEqual(['85099B', '85099C', '22423']);
    expect(productFamily('85099F')).toBe('85099');
  });
});

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
