import { mapLimit } from './map-limit';
import { meanMetrics, userMetrics, type ViewMetrics } from './metrics';
import type { Recommender } from './recommender';
import type { TemporalSplit } from './split';

export interface EvaluateOptions {
  /** Cut-off rank; OR-temporal-v1 reports at 10. */
  readonly k?: number;
  /** Users asked in parallel (for remote recommenders); results do not depend on it. Default 1. */
  readonly concurrency?: number;
}

export interface Evaluation {
  readonly k: number;
  readonly all: ViewMetrics;
  readonly new: ViewMetrics;
}

const NOTHING: ReadonlySet<string> = new Set<string>();

/**
 * The list that is actually scored: first occurrences only, excluded items dropped, cut to `k`.
 * Filtering here (not only trusting the recommender) makes the "new" view hold for any recommender.
 */
export function scoredList(returned: readonly string[], exclude: ReadonlySet<string>, k: number): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const item of returned) {
    if (out.length >= k) break;
    if (exclude.has(item) || seen.has(item)) continue;
    seen.add(item);
    out.push(item);
  }
  return out;
}

/**
 * Scores a recommender on both OR-temporal-v1 views.
 *
 * "all": asks for `k` items with nothing excluded. "new": passes the user's train items as `exclude`
 * and asks for `k + |exclude|` items, so a recommender that ignores `exclude` still leaves `k` after
 * the evaluator removes them; one that honours it may return just `k`.
 */
export async function evaluate(
  recommend: Recommender,
  split: Pick<TemporalSplit, 'all' | 'new' | 'trainItems'>,
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  const k = options.k ?? 10;
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer, got ${k}`);
  const concurrency = options.concurrency ?? 1;

  const all = await mapLimit(split.all.users, concurrency, async (user) => {
    const returned = await recommend(user, { k, exclude: NOTHING });
    return userMetrics(scoredList(checked(returned, user), NOTHING, k), truthOf(split.all.truth, user), k);
  });
  const fresh = await mapLimit(split.new.users, concurrency, async (user) => {
    const exclude = split.trainItems.get(user) ?? NOTHING;
    const returned = await recommend(user, { k: k + exclude.size, exclude });
    return userMetrics(scoredList(checked(returned, user), exclude, k), truthOf(split.new.truth, user), k);
  });
  return { k, all: meanMetrics(all), new: meanMetrics(fresh) };
}

function truthOf(truth: ReadonlyMap<string, ReadonlySet<string>>, user: string): ReadonlySet<string> {
  const items = truth.get(user);
  if (items === undefined) throw new Error(`no truth for user ${user}`);
  return items;
}

function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((item: unknown) => typeof item === 'string');
}

// Remote recommenders are not type-checked at runtime; fail with the user id rather than deep inside scoring.
function checked(returned: unknown, user: string): readonly string[] {
  if (!isStringArray(returned)) throw new Error(`recommender returned a non-string-array for user ${user}`);
  return returned;
}
