import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EmbeddingIndex } from './embedding-index';
import { seededRandom } from '@aisle/retail-data';

function randomIndex(n: number, dim: number, seed: number): EmbeddingIndex {
  const random = seededRandom(seed);
  const vectors = Float32Array.from({ length: n * dim }, () => random() - 0.5);
  return new EmbeddingIndex(Array.from({ length: n }, (_, i) => `P${i}`), vectors, dim);
}

function naiveCandidates(index: EmbeddingIndex, seeds: { index: number; weight: number }[], limit: number, exclude: number[]) {
  const total = seeds.reduce((sum, seed) => sum + seed.weight, 0);
  const cosine = (a: number, b: number) => {
    let dot = 0;
    for (let c = 0; c < index.dim; c += 1) dot += index.vectors[a * index.dim + c] * index.vectors[b * index.dim + c];
    return dot;
  };
  const banned = new Set([...seeds.map((seed) => seed.index), ...exclude]);
  return Array.from({ length: index.size }, (_, row) => row)
    .filter((row) => !banned.has(row))
    .map((row) => ({ index: row, score: seeds.reduce((sum, seed) => sum + (seed.weight / total) * cosine(seed.index, row), 0) }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, limit);
}

describe('EmbeddingIndex', () => {
  it('normalises rows to unit length', () => {
    const index = new EmbeddingIndex(['a', 'b'], Float32Array.from([3, 4, 0, 2]), 2);
    [0.6, 0.8, 0, 1].forEach((value, i) => expect(index.vectors[i]).toBeCloseTo(value, 6));
  });

  it('returns the same top-K as a naive full sort of weighted mean cosines', () => {
    const index = randomIndex(200, 8, 1);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 199 }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.double({ min: 0.01, max: 5, noNaN: true }), { minLength: 10, maxLength: 10 }),
        fc.integer({ min: 1, max: 60 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 199 }), { maxLength: 20 }),
        (rows, weights, limit, exclude) => {
          const seeds = rows.map((row, i) => ({ index: row, weight: weights[i] }));
          const got = index.candidates(seeds, limit, exclude);
          const want = naiveCandidates(index, seeds, limit, exclude);
          expect(got.map((c) => c.index)).toEqual(want.map((c) => c.index));
          got.forEach((c, i) => expect(c.score).toBeCloseTo(want[i].score, 5));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('never returns seeds or excluded rows, and leaves no state behind between calls', () => {
    const index = randomIndex(50, 4, 2);
    const first = index.candidates([{ index: 0, weight: 1 }], 49, [1, 2]);
    expect(first.map((c) => c.index)).not.toContain(0);
    expect(first.map((c) => c.index)).not.toContain(1);
    expect(first).toHaveLength(47);
    const second = index.candidates([{ index: 3, weight: 1 }], 49);
    expect(second).toHaveLength(49);
    expect(second.map((c) => c.index)).toContain(1);
  });

  it('scores candidates on the same scale as candidates()', () => {
    const index = randomIndex(30, 6, 3);
    const seeds = [{ index: 4, weight: 2 }, { index: 9, weight: 1 }];
    const best = index.candidates(seeds, 5);
    expect(index.score(seeds, best.map((c) => c.index))).toEqual(best.map((c) => c.score));
    expect(index.candidates([], 5)).toEqual([]);
  });
});
