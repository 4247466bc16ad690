/** What the evaluator asks of a recommender for one user. */
export interface RecommendOptions {
  /** How many items to return, at most. */
  readonly k: number;
  /** Items that must not be returned (the user's train items in the "new" view; empty otherwise). */
  readonly exclude: ReadonlySet<string>;
}

/**
 * Anything that ranks products for a user: a baseline, a model, or a client of a remote service.
 * Returns product codes, best first.
 */
export type Recommender = (userId: string, options: RecommendOptions) => readonly string[] | Promise<readonly string[]>;

/** A recommender that answers synchronously (all baselines are); usable wherever a `Recommender` is. */
export type SyncRecommender = (userId: string, options: RecommendOptions) => string[];
