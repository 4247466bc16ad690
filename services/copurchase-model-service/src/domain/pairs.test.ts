import { describe, expect, it } from 'vitest';
import { epochPairs, keepProbabilities, negativeSampler } from './pairs';
import { seededRandom } from '@aisle/retail-data';
import { buildVocabulary } from './vocabulary';

describe('training pairs', () => {
  const vocab = buildVocabulary([['a', 'b', 'c', 'd', 'e', 'f', 'g'], ['a', 'b'], ['x'], ['b', 'b', 'c']], 1);

  it('drops baskets with fewer than two products and de-duplicates products', () => {
    expect(vocab.products).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'x']);
    expect(vocab.baskets.map((b) => b.length)).toEqual([7, 2, 2]);
  });

  it('pairs each centre with distinct other products of its own basket, every centre once per context slot', () => {
    const pairs = epochPairs(vocab, keepProbabilities(vocab, 0), { contextSize: 3 }, seededRandom(1));
    expect(pairs.length).toBe(7 * 3 + 2 + 2);
    const perCentre = new Map<number, number[]>();
    for (let i = 0; i < pairs.length; i += 1) {
      expect(pairs.centres[i]).not.toBe(pairs.contexts[i]);
      perCentre.set(pairs.centres[i], [...(perCentre.get(pairs.centres[i]) ?? []), pairs.contexts[i]]);
    }
    // Product 'd' (id 3) is only in the big basket: exactly 3 distinct contexts from it.
    expect(new Set(perCentre.get(3)).size).toBe(3);
  });

  it('samples negatives in proportion to count^power', () => {
    const sample = negativeSampler(Int32Array.from([1, 9]), 1, seededRandom(2));
    let second = 0;
    for (let i = 0; i < 10_000; i += 1) second += sample();
    expect(second / 10_000).toBeGreaterThan(0.87);
    expect(second / 10_000).toBeLessThan(0.93);
  });
});
