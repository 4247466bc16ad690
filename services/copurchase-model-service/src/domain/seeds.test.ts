import { describe, expect, it } from 'vitest';
import { tinyIndex } from '../testing/tiny-model';
import { recencySeeds, resolveSeeds } from './seeds';

describe('seeds', () => {
  it('resolves known seeds (0 weight = 1, repeats add up) and lists unknown ones once', () => {
    const resolved = resolveSeeds(tinyIndex(0.3), [
      { productId: 'P1', weight: 0 },
      { productId: 'Q', weight: 1 },
      { productId: 'P1', weight: 2 },
      { productId: 'Q', weight: 1 },
    ]);
    expect(resolved).toEqual({ known: [{ index: 1, weight: 3 }], unknown: ['Q'] });
  });

  it('keeps the most recent products, halving the weight every half-life', () => {
    const day = 86_400_000;
    const seeds = recencySeeds(
      [
        { productId: 'old', lastUnixMs: 0 },
        { productId: 'new', lastUnixMs: 20 * day },
        { productId: 'mid', lastUnixMs: 10 * day },
      ],
      20 * day,
      { halfLifeDays: 10, maxSeeds: 2 },
    );
    expect(seeds).toEqual([
      { productId: 'new', weight: 1 },
      { productId: 'mid', weight: 0.5 },
    ]);
  });
});
