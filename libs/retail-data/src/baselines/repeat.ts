import { compareCodes } from '../compare-codes';
import { userHistories } from '../histories';
import type { SyncRecommender } from '../recommender';
import type { RetailLine } from '../retail-line';
import { fillFrom } from './fill';
import { popularityRanking, type PopularityBy } from './popularity';

export interface RepeatOptions {
  /** Popularity used for padding. Default `customers`. */
  readonly by?: PopularityBy;
}

/**
 * The user's own products, by number of invoices they appear in, then most recent purchase, then
 * code; padded with popular products. Unknown users get popular only. In the "new" view all own items
 * are excluded, so this reduces to popular there, as it should.
 */
export function repeat(train: Iterable<RetailLine>, options: RepeatOptions = {}): SyncRecommender {
  const lines = [...train];
  const fallback = popularityRanking(lines, options.by);
  const own = new Map<string, string[]>();
  for (const [user, history] of userHistories(lines)) {
    const items = [...history.items.values()].sort(
      (a, b) => b.invoices - a.invoices || b.lastTime - a.lastTime || compareCodes(a.stockCode, b.stockCode),
    );
    own.set(
      user,
      items.map((item) => item.stockCode),
    );
  }
  return (user, { k, exclude }) => fillFrom(fillFrom([], own.get(user) ?? [], k, exclude), fallback, k, exclude);
}
