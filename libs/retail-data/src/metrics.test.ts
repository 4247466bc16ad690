import { describe, expect, it } from 'vitest';
import { meanMetrics, userMetrics } from './metrics';

const truth = new Set(['a', 'b', 'c']);

describe('userMetrics', () => {
  it('computes NDCG with binary gains and ideal DCG over min(|truth|, k)', () => {
    // Hits at ranks 1 and 3: DCG = 1 + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3) + 1/log2(4).
    const m = userMetrics(['a', 'x', 'b', 'y'], truth, 4);
    expect(m.hr).toBe(1);
    expect(m.recall).toBeCloseTo(2 / 3, 15);
    expect(m.ndcg).toBeCloseTo(0.7039180890341347, 15);
  });

  it('only counts the first k', () => {
    // k = 2: DCG = 1, IDCG = 1 + 1/log2(3).
    const m = userMetrics(['a', 'x', 'b', 'y'], truth, 2);
    expect(m).toEqual({ hr: 1, recall: 1 / 3, ndcg: expect.closeTo(0.6131471927654584, 15) as number });
    expect(userMetrics(['x', 'y', 'a'], truth, 2)).toEqual({ hr: 0, recall: 0, ndcg: 0 });
  });

  it('is 1 for a perfect list, and ideal DCG stops at |truth|', () => {
    expect(userMetrics(['c', 'a', 'b', 'x'], truth, 10)).toEqual({ hr: 1, recall: 1, ndcg: 1 });
    expect(userMetrics(['x', 'y', 'a'], new Set(['a']), 10).ndcg).toBe(0.5);
  });

  it('never counts a repeated item twice', () => {
    expect(userMetrics(['a', 'a', 'a'], truth, 3)).toEqual({ hr: 1, recall: 1 / 3, ndcg: expect.closeTo(1 / (1 + 1 / Math.log2(3) + 0.5), 15) as number });
  });

  it('handles short lists and rejects bad input', () => {
    expect(userMetrics([], truth, 10)).toEqual({ hr: 0, recall: 0, ndcg: 0 });
    expect(() => userMetrics(['a'], new Set(), 10)).toThrow(/truth is empty/);
    expect(() => userMetrics(['a'], truth, 0)).toThrow(/positive integer/);
    expect(() => userMetrics(['a'], truth, 2.5)).toThrow(/positive integer/);
  });
});

describe('meanMetrics', () => {
  it('weights users equally', () => {
    expect(
      meanMetrics([
        { hr: 1, recall: 0.5, ndcg: 0.25 },
        { hr: 0, recall: 0, ndcg: 0 },
      ]),
    ).toEqual({ hr: 0.5, recall: 0.25, ndcg: 0.125, users: 2 });
    expect(meanMetrics([])).toEqual({ hr: 0, recall: 0, ndcg: 0, users: 0 });
  });
});
