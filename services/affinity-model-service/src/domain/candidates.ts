// Candidate generation used offline (training negatives, evaluation): the products the ranker would
// hand to Score — popular products, the user's own products (repeat) and co-purchase neighbours
// (item-kNN over invoice co-occurrence, standing in for the copurchase service).
import { itemKnn, popularityRanking, type CleanLine, type SyncRecommender } from '@aisle/retail-data';
import type { ProductHistory } from './features';

export interface CandidateOptions {
  /** Top popular products offered to everyone. */
  popular: number;
  /** Co-purchase neighbours per user. */
  copurchase: number;
  /** At most this many of the user's own products (most invoices first). */
  own: number;
}

export const DEFAULT_CANDIDATES: CandidateOptions = { popular: 100, copurchase: 100, own: 300 };

export interface CandidateGenerator {
  /** Candidates for a user, own products first, without duplicates or excluded products. */
  candidates(user: string, history: ReadonlyMap<string, ProductHistory> | undefined, exclude: ReadonlySet<string>): string[];
  /** Popularity order (for tie-breaks). */
  readonly popularRank: ReadonlyMap<string, number>;
}

const NOTHING: ReadonlySet<string> = new Set();

export function candidateGenerator(lines: readonly CleanLine[], options: CandidateOptions = DEFAULT_CANDIDATES): CandidateGenerator {
  const ranking = popularityRanking(lines);
  const popular = ranking.slice(0, options.popular);
  const knn: SyncRecommender = itemKnn(lines);
  const popularRank = new Map(ranking.map((code, rank) => [code, rank]));
  return {
    popularRank,
    candidates(user, history, exclude) {
      const out: string[] = [];
      const seen = new Set<string>(exclude);
      const add = (code: string) => {
        if (seen.has(code)) return;
        seen.add(code);
        out.push(code);
      };
      if (history !== undefined) {
        const own = [...history.values()].sort((a, b) => b.invoiceCount - a.invoiceCount || b.lastUnixMs - a.lastUnixMs || (a.productId < b.productId ? -1 : 1));
        for (const item of own.slice(0, options.own)) add(item.productId);
      }
      for (const code of popular) add(code);
      // item-kNN pads with popular products when a user has few neighbours; those are candidates too.
      for (const code of knn(user, { k: options.copurchase, exclude: exclude.size > 0 ? exclude : NOTHING })) add(code);
      return out;
    },
  };
}
