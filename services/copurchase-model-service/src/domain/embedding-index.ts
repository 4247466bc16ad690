// Product embeddings for serving: L2-normalised vectors in one Float32Array, so a cosine is a dot
// product, and brute-force top-K over the whole catalogue (a few thousand × 64 floats) in well under
// a millisecond. Scratch buffers are owned by the index and reused: calls are synchronous and never
// interleave, so Candidates allocates only its result.

/** A known product of a request, by its row in the index, with its (positive) weight. */
export interface WeightedSeed {
  readonly index: number;
  readonly weight: number;
}

export interface ScoredIndex {
  readonly index: number;
  readonly score: number;
}

export class EmbeddingIndex {
  readonly size: number;
  private readonly idOf: Map<string, number>;
  private readonly query: Float32Array;
  private readonly scores: Float64Array;
  private readonly excluded: Uint8Array;

  /**
   * `vectors` holds `ids.length` rows of `dim` floats; rows are copied and L2-normalised. With
   * `targetVectors` (same shape), seeds are read from `vectors` and candidates from `targetVectors`
   * (skip-gram's input × output embeddings: the model's own estimate of "bought together");
   * without, one space serves both (symmetric similarity).
   */
  constructor(
    readonly ids: readonly string[],
    vectors: Float32Array,
    readonly dim: number,
    targetVectors?: Float32Array,
  ) {
    if (vectors.length !== ids.length * dim) throw new Error(`expected ${ids.length}×${dim} floats, got ${vectors.length}`);
    if (targetVectors && targetVectors.length !== vectors.length) throw new Error(`expected ${ids.length}×${dim} target floats, got ${targetVectors.length}`);
    this.size = ids.length;
    this.idOf = new Map(ids.map((id, index) => [id, index]));
    if (this.idOf.size !== ids.length) throw new Error('product ids must be unique');
    this.vectors = normalisedRows(vectors, dim);
    this.targets = targetVectors ? normalisedRows(targetVectors, dim) : this.vectors;
    this.query = new Float32Array(dim);
    this.scores = new Float64Array(this.size);
    this.excluded = new Uint8Array(this.size);
  }

  /** Normalised seed-side rows, row-major (`size × dim`). */
  readonly vectors: Float32Array;
  /** Normalised candidate-side rows; the same array as `vectors` for a symmetric index. */
  readonly targets: Float32Array;

  indexOf(productId: string): number | undefined {
    return this.idOf.get(productId);
  }

  /**
   * The `limit` products most similar to the seeds, best first: score = weighted mean cosine
   * similarity to the seeds, i.e. the dot product with the weighted mean of their vectors. Seeds and
   * `exclude` (row indices) are never returned. Ties go to the lower row, so results are deterministic.
   */
  candidates(seeds: readonly WeightedSeed[], limit: number, exclude: readonly number[] = []): ScoredIndex[] {
    if (seeds.length === 0 || limit <= 0) return [];
    this.buildQuery(seeds);
    const { dim, targets, query, scores, excluded } = this;
    for (const seed of seeds) excluded[seed.index] = 1;
    for (const index of exclude) excluded[index] = 1;
    for (let row = 0, offset = 0; row < this.size; row += 1, offset += dim) {
      let dot = 0;
      for (let c = 0; c < dim; c += 1) dot += targets[offset + c] * query[c];
      scores[row] = dot;
    }
    const best = topRows(scores, excluded, limit);
    for (const seed of seeds) excluded[seed.index] = 0;
    for (const index of exclude) excluded[index] = 0;
    return best;
  }

  /** Score of each candidate row on the scale of `candidates` (0 for every one when there are no seeds). */
  score(seeds: readonly WeightedSeed[], candidates: readonly number[]): number[] {
    if (seeds.length === 0) return candidates.map(() => 0);
    this.buildQuery(seeds);
    return candidates.map((row) => {
      let dot = 0;
      const offset = row * this.dim;
      for (let c = 0; c < this.dim; c += 1) dot += this.targets[offset + c] * this.query[c];
      return dot;
    });
  }

  private buildQuery(seeds: readonly WeightedSeed[]): void {
    const { dim, vectors, query } = this;
    query.fill(0);
    let total = 0;
    for (const { index, weight } of seeds) {
      total += weight;
      const offset = index * dim;
      for (let c = 0; c < dim; c += 1) query[c] += weight * vectors[offset + c];
    }
    for (let c = 0; c < dim; c += 1) query[c] /= total;
  }
}

function normalisedRows(vectors: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(vectors.length);
  for (let offset = 0; offset < vectors.length; offset += dim) {
    let norm = 0;
    for (let c = 0; c < dim; c += 1) norm += vectors[offset + c] * vectors[offset + c];
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let c = 0; c < dim; c += 1) out[offset + c] = vectors[offset + c] * scale;
  }
  return out;
}

/** Rows with the `k` highest scores among those not excluded, best first; ties to the lower row. */
function topRows(scores: Float64Array, excluded: Uint8Array, k: number): ScoredIndex[] {
  // Min-heap of the best k so far; its root is the weakest kept row.
  const heap = new Int32Array(k);
  let size = 0;
  const worse = (a: number, b: number) => scores[a] < scores[b] || (scores[a] === scores[b] && a > b);
  for (let row = 0; row < scores.length; row += 1) {
    if (excluded[row]) continue;
    if (size < k) {
      let c = size++;
      heap[c] = row;
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (!worse(heap[c], heap[parent])) break;
        [heap[c], heap[parent]] = [heap[parent], heap[c]];
        c = parent;
      }
    } else if (worse(heap[0], row)) {
      heap[0] = row;
      for (let p = 0; ; ) {
        const l = 2 * p + 1;
        const r = l + 1;
        let w = p;
        if (l < size && worse(heap[l], heap[w])) w = l;
        if (r < size && worse(heap[r], heap[w])) w = r;
        if (w === p) break;
        [heap[p], heap[w]] = [heap[w], heap[p]];
        p = w;
      }
    }
  }
  const rows = Array.from(heap.subarray(0, size)).sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
  return rows.map((index) => ({ index, score: scores[index] }));
}
