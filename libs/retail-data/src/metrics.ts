/** Ranking quality of one recommendation list for one user. */
export interface UserMetrics {
  /** 1 if any of the first k items is relevant, else 0. */
  readonly hr: number;
  /** Relevant items among the first k, divided by the number of relevant items. */
  readonly recall: number;
  /** DCG of the first k (binary gains) divided by the ideal DCG over min(|truth|, k) positions. */
  readonly ndcg: number;
}

/** Discount of 0-based rank `i`: 1 / log2(i + 2), so rank 0 counts fully. */
function discount(i: number): number {
  return 1 / Math.log2(i + 2);
}

function assertK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer, got ${k}`);
}

/**
 * HR, Recall and NDCG at `k` for one user. Only the first `k` entries of `ranked` count, and a
 * relevant item counts once even if a (buggy) list repeats it, so duplicates can never inflate a score.
 */
export function userMetrics(ranked: readonly string[], truth: ReadonlySet<string>, k: number): UserMetrics {
  assertK(k);
  if (truth.size === 0) throw new Error('truth is empty: recall and NDCG are undefined');
  const seen = new Set<string>();
  let hits = 0;
  let dcg = 0;
  const depth = Math.min(k, ranked.length);
  for (let i = 0; i < depth; i += 1) {
    const item = ranked[i];
    if (truth.has(item) && !seen.has(item)) {
      hits += 1;
      dcg += discount(i);
    }
    seen.add(item);
  }
  let idcg = 0;
  for (let i = 0; i < Math.min(truth.size, k); i += 1) idcg += discount(i);
  return { hr: hits > 0 ? 1 : 0, recall: hits / truth.size, ndcg: dcg / idcg };
}

/** Means of per-user metrics, with the number of users averaged over. */
export interface ViewMetrics extends UserMetrics {
  readonly users: number;
}

/** Averages per-user metrics with equal weight per user; all zeros for an empty list. */
export function meanMetrics(perUser: readonly UserMetrics[]): ViewMetrics {
  const n = perUser.length;
  if (n === 0) return { hr: 0, recall: 0, ndcg: 0, users: 0 };
  let hr = 0;
  let recall = 0;
  let ndcg = 0;
  for (const m of perUser) {
    hr += m.hr;
    recall += m.recall;
    ndcg += m.ndcg;
  }
  return { hr: hr / n, recall: recall / n, ndcg: ndcg / n, users: n };
}
