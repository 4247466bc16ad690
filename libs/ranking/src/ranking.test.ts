import { describe, expect, it } from 'vitest';
import { breakdown, DEFAULT_BLEND, total, validateWeights } from './blend';
import { productFamily, selectTopK, type ScoredCandidate } from './select';
import { emptySignals } from './signals';

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
