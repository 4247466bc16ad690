// Co-purchase-only recommendations on OR-temporal-v1: each test user's most recent train products
// are the seeds (recency-weighted, as the ranker sends them), and the answer is Candidates.
import { evaluate, userHistories, type Evaluation, type SyncRecommender, type TemporalSplit } from '@aisle/retail-data';
import type { EmbeddingIndex } from './domain/embedding-index';
import { recencySeeds, resolveSeeds } from './domain/seeds';

export interface SeedPolicy {
  readonly halfLifeDays: number;
  readonly maxSeeds: number;
}

export const DEFAULT_SEED_POLICY: SeedPolicy = { halfLifeDays: 30, maxSeeds: 100 };

export function copurchaseRecommender(index: EmbeddingIndex, split: Pick<TemporalSplit, 'train' | 'cut'>, policy: SeedPolicy = DEFAULT_SEED_POLICY): SyncRecommender {
  const histories = userHistories(split.train);
  return (user, { k, exclude }) => {
    const history = histories.get(user);
    if (!history) return [];
    const items = [...history.items.values()].map((item) => ({ productId: item.stockCode, lastUnixMs: item.lastTime }));
    const { known } = resolveSeeds(index, recencySeeds(items, split.cut, policy));
    const excluded: number[] = [];
    for (const productId of exclude) {
      const row = index.indexOf(productId);
      if (row !== undefined) excluded.push(row);
    }
    return index.candidates(known, k, excluded).map(({ index: row }) => index.ids[row]);
  };
}

/** Registry metrics ("all.hr@10", "new.ndcg@10", ...) from an evaluation. */
export function metricsOf(result: Evaluation): Record<string, number> {
  const out: Record<string, number> = {};
  for (const view of ['all', 'new'] as const) {
    out[`${view}.hr@${result.k}`] = result[view].hr;
    out[`${view}.recall@${result.k}`] = result[view].recall;
    out[`${view}.ndcg@${result.k}`] = result[view].ndcg;
  }
  return out;
}

export async function evaluateCopurchase(index: EmbeddingIndex, split: TemporalSplit, policy?: SeedPolicy): Promise<Evaluation> {
  return evaluate(copurchaseRecommender(index, split, policy), split, { k: 10 });
}
