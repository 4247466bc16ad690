// The training examples of one epoch: (centre, context) pairs where the context is another item of
// the same basket (a basket is a set, so there is no window order), with frequent items subsampled
// and negatives drawn from the smoothed unigram distribution. All randomness comes from `random`.
import type { TrainingParams } from './params';
import { shuffleInPlace, type Random } from '@aisle/retail-data';
import type { Vocabulary } from './vocabulary';

export interface EpochPairs {
  readonly centres: Int32Array;
  readonly contexts: Int32Array;
  readonly length: number;
}

/** Probability of keeping each item in a basket (word2vec subsampling over basket frequency). */
export function keepProbabilities(vocab: Vocabulary, threshold: number): Float64Array {
  const keep = new Float64Array(vocab.counts.length).fill(1);
  if (threshold <= 0) return keep;
  const total = vocab.baskets.length;
  vocab.counts.forEach((count, id) => {
    const ratio = threshold / (count / total);
    keep[id] = Math.min(1, Math.sqrt(ratio) + ratio);
  });
  return keep;
}

export function epochPairs(vocab: Vocabulary, keep: Float64Array, params: Pick<TrainingParams, 'contextSize'>, random: Random): EpochPairs {
  let capacity = 0;
  for (const basket of vocab.baskets) capacity += basket.length * Math.min(params.contextSize, basket.length - 1);
  const centres = new Int32Array(capacity);
  const contexts = new Int32Array(capacity);
  let length = 0;
  const kept: number[] = [];
  const scratch: number[] = [];
  for (const basket of vocab.baskets) {
    kept.length = 0;
    for (const id of basket) if (keep[id] >= 1 || random() < keep[id]) kept.push(id);
    if (kept.length < 2) continue;
    const others = kept.length - 1;
    for (let i = 0; i < kept.length; i += 1) {
      if (others <= params.contextSize) {
        for (let j = 0; j < kept.length; j += 1) {
          if (j === i) continue;
          centres[length] = kept[i];
          contexts[length++] = kept[j];
        }
      } else {
        // Distinct random others: a partial Fisher–Yates over a copy without the centre, so the
        // basket's own order (which drives the outer loop) is never disturbed.
        scratch.length = 0;
        for (let j = 0; j < kept.length; j += 1) if (j !== i) scratch.push(kept[j]);
        for (let n = 0; n < params.contextSize; n += 1) {
          const pick = n + Math.floor(random() * (others - n));
          const t = scratch[n];
          scratch[n] = scratch[pick];
          scratch[pick] = t;
          centres[length] = kept[i];
          contexts[length++] = scratch[n];
        }
      }
    }
  }
  // One global shuffle so a batch mixes many baskets (pairs of one basket are strongly correlated).
  const order = new Int32Array(length);
  for (let i = 0; i < length; i += 1) order[i] = i;
  shuffleInPlace(order, random);
  const c = new Int32Array(length);
  const x = new Int32Array(length);
  for (let i = 0; i < length; i += 1) {
    c[i] = centres[order[i]];
    x[i] = contexts[order[i]];
  }
  return { centres: c, contexts: x, length };
}

/** A sampler of negative items: unigram^power, via a cumulative table and binary search. */
export function negativeSampler(counts: Int32Array, power: number, random: Random): () => number {
  const cumulative = new Float64Array(counts.length);
  let total = 0;
  counts.forEach((count, id) => {
    total += Math.pow(count, power);
    cumulative[id] = total;
  });
  return () => {
    const target = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}
