// Builds the candidate pool from what stages 1 and 2 returned: co-purchase neighbours of the recent
// items, the user's own repeat items and popular products (global and in the user's country).
import type { common, features } from '@aisle/contracts';
import { emptySignals, rankScore, repeatSignal, type CandidateSignals, type CandidateSource } from '@aisle/ranking';

export interface PoolInputs {
  copurchase: common.ScoredProduct[];
  bought: common.UserProductStats[];
  popularGlobal: common.ScoredProduct[];
  popularCountry: common.ScoredProduct[];
  /** Reference time for repeat recency. */
  nowUnixMs: number;
  includeBought: boolean;
  limits: { repeat: number; popular: number; country: number; pool: number };
}

export function buildPool(inputs: PoolInputs): Map<string, CandidateSignals> {
  const pool = new Map<string, CandidateSignals>();
  const add = (productId: string, source: CandidateSource): CandidateSignals => {
    let signals = pool.get(productId);
    if (!signals) {
      signals = emptySignals(productId);
      pool.set(productId, signals);
    }
    signals.sources.add(source);
    return signals;
  };

  for (const candidate of inputs.copurchase) add(candidate.productId, 'copurchase').copurchase = Math.max(0, candidate.score);

  if (inputs.includeBought) {
    const repeats = inputs.bought
      .map((stats) => ({ productId: stats.productId, value: repeatSignal(stats.invoiceCount, stats.lastUnixMs, inputs.nowUnixMs) }))
      .sort((a, b) => b.value - a.value)
      .slice(0, inputs.limits.repeat);
    for (const item of repeats) add(item.productId, 'repeat').repeat = item.value;
  }

  inputs.popularGlobal.slice(0, inputs.limits.popular).forEach((product) => add(product.productId, 'popular'));
  inputs.popularCountry.slice(0, inputs.limits.country).forEach((product) => add(product.productId, 'popular'));

  // Popularity and context are signals for every candidate, whoever proposed it.
  const globalRank = new Map(inputs.popularGlobal.map((product, index) => [product.productId, rankScore(index, inputs.popularGlobal.length)]));
  const countryRank = new Map(inputs.popularCountry.map((product, index) => [product.productId, rankScore(index, inputs.popularCountry.length)]));
  for (const signals of pool.values()) {
    signals.popularity = globalRank.get(signals.productId) ?? 0;
    signals.context = countryRank.get(signals.productId) ?? 0;
  }

  if (pool.size <= inputs.limits.pool) return pool;
  // Keep the strongest by their best single signal so no generator is starved.
  const kept = [...pool.values()]
    .sort((a, b) => Math.max(b.copurchase, b.repeat, b.popularity, b.context) - Math.max(a.copurchase, a.repeat, a.popularity, a.context))
    .slice(0, inputs.limits.pool);
  return new Map(kept.map((signals) => [signals.productId, signals]));
}

/** Seeds for co-purchase: distinct recent products, newest first, weights decaying with position. */
export function seedsFrom(recent: features.RecentPurchase[], maxSeeds: number): common.ProductRef[] {
  const seen = new Set<string>();
  const seeds: common.ProductRef[] = [];
  for (const purchase of recent) {
    if (seen.has(purchase.productId)) continue;
    seen.add(purchase.productId);
    seeds.push({ productId: purchase.productId, weight: Math.pow(0.85, seeds.length) });
    if (seeds.length >= maxSeeds) break;
  }
  return seeds;
}
