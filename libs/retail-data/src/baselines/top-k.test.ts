import { describe, expect, it } from 'vitest';
import { topK } from './top-k';

describe('topK', () => {
  it('equals a full sort then slice, for many sizes', () => {
    // Deterministic pseudo-random scores with many ties; order: score desc, then id asc.
    let seed = 12345;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    for (let round = 0; round < 200; round += 1) {
      const n = next() % 60;
      const score = Array.from({ length: n }, () => next() % 7);
      const ids = Array.from({ length: n }, (_, i) => i).reverse();
      const before = (a: number, b: number): boolean => score[a] > score[b] || (score[a] === score[b] && a < b);
      const sorted = [...ids].sort((a, b) => score[b] - score[a] || a - b);
      const k = next() % 70;
      expect(topK(ids, k, before)).toEqual(sorted.slice(0, k));
    }
  });

  it('returns nothing for k = 0', () => {
    expect(topK([3, 1, 2], 0, (a, b) => a < b)).toEqual([]);
  });
});
