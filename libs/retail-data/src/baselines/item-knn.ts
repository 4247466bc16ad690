import { invoiceBaskets } from '../baskets';
import { isCleanLine } from '../clean';
import type { SyncRecommender } from '../recommender';
import type { RetailLine } from '../retail-line';
import { cosineNeighbors } from './cosine-neighbors';
import { fillFrom } from './fill';
import { popularityRanking, type PopularityBy } from './popularity';
import { topK } from './top-k';

export interface ItemKnnOptions {
  /** Keep only this many most similar neighbours per item. Default: all (exact protocol baseline). */
  readonly neighbors?: number;
  /** Popularity used for tie-breaks and padding. Default `customers`. */
  readonly by?: PopularityBy;
}

/**
 * Item-kNN: cosine similarity over invoice co-occurrence in `train`; a candidate's score is the sum of
 * its similarities to the user's distinct train products. Ties go to the more popular product; lists are
 * padded with popular products.
 *
 * The user's own products may be recommended (in the "all" view repeat purchases are hits) but only
 * through similarity to their *other* products: there is no self-similarity, so this stays a
 * neighbourhood method and does not collapse into `repeat`.
 */
export function itemKnn(train: Iterable<RetailLine>, options: ItemKnnOptions = {}): SyncRecommender {
  const lines = [...train];
  const fallback = popularityRanking(lines, options.by);
  const nn = cosineNeighbors(invoiceBaskets(lines), options.neighbors);
  const n = nn.codes.length;
  const popRank = new Int32Array(n).fill(n);
  fallback.forEach((code, rank) => {
    const id = nn.idOf.get(code);
    if (id !== undefined) popRank[id] = rank;
  });

  // Distinct item ids per user, ascending (= code order): sums, and so exact ties, are reproducible.
  const profileSets = new Map<string, Set<number>>();
  for (const line of lines) {
    if (!isCleanLine(line)) continue;
    const id = nn.idOf.get(line.stockCode);
    if (id === undefined) continue;
    const set = profileSets.get(line.customerId);
    if (set === undefined) profileSets.set(line.customerId, new Set([id]));
    else set.add(id);
  }
  const profiles = new Map([...profileSets].map(([user, ids]) => [user, Int32Array.from(ids).sort()]));

  // Scratch buffer reused across calls (the recommender is synchronous, so calls never interleave).
  const scores = new Float64Array(n);

  return (user, { k, exclude }) => {
    const profile = profiles.get(user);
    if (profile === undefined) return fillFrom([], fallback, k, exclude);
    // The hot loop (≈88 items × ≈1,900 neighbours per test user at the default cut) is pure adds; candidates
    // are found by one scan of all n scores afterwards, which is cheaper than tracking them inline.
    for (const i of profile) {
      const ids = nn.neighborIds[i];
      const sims = nn.neighborSims[i];
      for (let p = 0; p < ids.length; p += 1) scores[ids[p]] += sims[p];
    }
    const candidates: number[] = [];
    for (let j = 0; j < n; j += 1) {
      if (scores[j] > 0 && !exclude.has(nn.codes[j])) candidates.push(j);
    }
    const best = topK(candidates, k, (a, b) => scores[a] > scores[b] || (scores[a] === scores[b] && popRank[a] < popRank[b]));
    const out = best.map((j) => nn.codes[j]);
    scores.fill(0);
    return fillFrom(out, fallback, k, exclude);
  };
}
