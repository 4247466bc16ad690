import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EmbeddingIndex, type ScoredIndex, type WeightedSeed } from './embedding-index';
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

// The index's arithmetic written out plainly, as the reference for its optimised loops (blocked dot
// products, heap selection): the float32 weighted mean query, one double sum per row in column order,
// every row scored, a full sort. Results must match it exactly, bits and order.
function referenceQuery(index: EmbeddingIndex, seeds: readonly WeightedSeed[]): Float32Array {
  const query = new Float32Array(index.dim);
  let total = 0;
  for (const { index: row, weight } of seeds) {
    total += weight;
    for (let c = 0; c < index.dim; c += 1) query[c] += weight * index.vectors[row * index.dim + c];
  }
  for (let c = 0; c < index.dim; c += 1) query[c] /= total;
  return query;
}

function referenceScore(index: EmbeddingIndex, seeds: readonly WeightedSeed[], rows: readonly number[]): number[] {
  const query = referenceQuery(index, seeds);
  return rows.map((row) => {
    let dot = 0;
    for (let c = 0; c < index.dim; c += 1) dot += index.targets[row * index.dim + c] * query[c];
    return dot;
  });
}

function referenceCandidates(index: EmbeddingIndex, seeds: readonly WeightedSeed[], limit: number, exclude: readonly number[]): ScoredIndex[] {
  const banned = new Set([...seeds.map((seed) => seed.index), ...exclude]);
  const rows = Array.from({ length: index.size }, (_, row) => row).filter((row) => !banned.has(row));
  const scores = referenceScore(index, seeds, rows);
  return rows
    .map((row, i) => ({ index: row, score: scores[i] }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, limit);
}

/** Coordinates from a few values, so that equal rows, zero rows and tied scores are common. */
const coordinate = fc.oneof(fc.constantFrom(-1, 0, 0.5, 1, 2), fc.integer({ min: -1000, max: 1000 }).map((v) => v / 1000));
const weight = fc.oneof(fc.constantFrom(0.5, 1, 2), fc.double({ min: 0.001, max: 10, noNaN: true }));

/** An index (symmetric or not) with two requests against it: seeds (repeats allowed), exclusions, limit, rows to score. */
function indexCase(maxSize: number, maxDim: number) {
  return fc
    .record({ size: fc.integer({ min: 1, max: maxSize }), dim: fc.integer({ min: 1, max: maxDim }), asymmetric: fc.boolean() })
    .chain(({ size, dim, asymmetric }) => {
      const row = fc.integer({ min: 0, max: size - 1 });
      const request = fc.record({
        seeds: fc.array(fc.record({ index: row, weight }), { minLength: 1, maxLength: 12 }),
        exclude: fc.array(row, { maxLength: size }),
        limit: fc.integer({ min: 1, max: size + 10 }),
        scored: fc.array(row, { maxLength: 30 }),
      });
      const matrix = fc.array(coordinate, { minLength: size * dim, maxLength: size * dim });
      return fc.record({ dim: fc.constant(dim), vectors: matrix, targets: asymmetric ? matrix : fc.constant(undefined), requests: fc.tuple(request, request) });
    })
    .map(({ dim, vectors, targets, requests }) => ({
      index: new EmbeddingIndex(Array.from({ length: vectors.length / dim }, (_, i) => `P${i}`), Float32Array.from(vectors), dim, targets && Float32Array.from(targets)),
      requests,
    }));
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

  it('matches the plain reference exactly: same rows, order and score bits, ties to the lower row', () => {
    const check = ({ index, requests }: { index: EmbeddingIndex; requests: { seeds: WeightedSeed[]; exclude: number[]; limit: number; scored: number[] }[] }) => {
      // Two requests on one index: the second also checks that the first left no state behind.
      for (const { seeds, exclude, limit, scored } of requests) {
        expect(index.candidates(seeds, limit, exclude)).toEqual(referenceCandidates(index, seeds, limit, exclude));
        expect(index.score(seeds, scored)).toEqual(referenceScore(index, seeds, scored));
      }
    };
    // Small catalogues and dims: partial blocks of rows, tiny heaps, many ties.
    fc.assert(fc.property(indexCase(40, 6), check), { numRuns: 300 });
    // Catalogues larger than the limits: the heap fills and keeps replacing its root.
    fc.assert(fc.property(indexCase(400, 24), check), { numRuns: 30 });
  });

  it('breaks ties by the lower row, also when the limit cuts through a tie, and caps the limit at the catalogue', () => {
    const index = new EmbeddingIndex(
      Array.from({ length: 12 }, (_, i) => `P${i}`),
      Float32Array.from({ length: 24 }, (_, i) => (i < 2 ? 1 : i % 2 === 0 ? 1 : 0)),
      2,
    );
    const tied = index.candidates([{ index: 0, weight: 1 }], 4, [2]);
    expect(tied.map((c) => c.index)).toEqual([1, 3, 4, 5]);
    expect(new Set(tied.map((c) => c.score)).size).toBe(1);
    expect(index.candidates([{ index: 0, weight: 1 }], Number.MAX_SAFE_INTEGER, [2]).map((c) => c.index)).toEqual([1, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
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
