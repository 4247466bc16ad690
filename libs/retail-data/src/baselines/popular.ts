import { DAY_MS, cutToMs, type CutDate } from '../invoice-date';
import type { SyncRecommender } from '../recommender';
import type { RetailLine } from '../retail-line';
import { fillFrom } from './fill';
import { popularityRanking, type PopularityBy } from './popularity';

export interface PopularOptions {
  /** Default `customers`; see `PopularityBy`. */
  readonly by?: PopularityBy;
}

/** The same list for everyone: products by popularity over all of `train`. */
export function popular(train: Iterable<RetailLine>, options: PopularOptions = {}): SyncRecommender {
  const ranked = popularityRanking(train, options.by);
  return (_user, { k, exclude }) => fillFrom([], ranked, k, exclude);
}

export interface RecentPopularOptions extends PopularOptions {
  /** End of the window (exclusive), normally the split's cut. */
  readonly cut: CutDate;
  /** Window length in days before the cut. Default 30. */
  readonly days?: number;
}

/**
 * Products by popularity over the last `days` before the cut (window [cut − days, cut), trending),
 * padded with popularity over everything before the cut so a short window never leaves a list short.
 */
export function recentPopular(train: Iterable<RetailLine>, options: RecentPopularOptions): SyncRecommender {
  const end = cutToMs(options.cut);
  const days = options.days ?? 30;
  if (!(days > 0)) throw new Error(`days must be positive, got ${days}`);
  const start = end - days * DAY_MS;
  // Both rankings stop at the cut, so lines after it can never leak in even if a caller passes them.
  const before = [...train].filter((line) => line.invoiceDate < end);
  const recent = popularityRanking(
    before.filter((line) => line.invoiceDate >= start),
    options.by,
  );
  const allTime = popularityRanking(before, options.by);
  return (_user, { k, exclude }) => fillFrom(fillFrom([], recent, k, exclude), allTime, k, exclude);
}
