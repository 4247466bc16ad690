// Sizes for the end-to-end suites: real data and real training, small enough for 2 cores in CI.

/** Dataset records loaded into the store (the first ones: December 2010 to mid-January 2011). */
export const STACK_SLICE = 60_000;

/** The training commands' own options for small, fast models on the same window. */
export const SMALL_TRAINING: Record<string, string[]> = {
  copurchase: ['--cut', '2011-03-01', '--epochs', '2', '--skip-baseline'],
  affinity: ['--cut', '2011-03-01'],
};

/** Budgets generous enough for a loaded CI machine, so only the injected faults cause non-OK. */
export const TEST_RANKER_ENV = {
  AISLE_RANK_BUDGET: '4000ms',
  AISLE_RANK_BUDGET_USER_CONTEXT: '1500ms',
  AISLE_RANK_BUDGET_CANDIDATES: '1500ms',
  AISLE_RANK_BUDGET_SCORES: '1500ms',
};

/**
 * The ranker's own caches off (every Rank computes its answer and calls Popular and BatchGetProducts),
 * for suites that assert each call and each fallback; the fault suite keeps the production defaults
 * and asks for computed answers (`fresh`).
 */
export const UNCACHED_RANKER_ENV = {
  ...TEST_RANKER_ENV,
  AISLE_RANK_POPULAR_REUSE: '0ms',
  AISLE_RANK_PRODUCT_CACHE_TTL: '0ms',
  AISLE_RANK_ANSWER_CACHE_TTL: '0ms',
};
