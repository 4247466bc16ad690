import type { EmbeddingIndex, WeightedSeed } from './embedding-index';

export interface ProductWeight {
  readonly productId: string;
  /** Relative weight; 0 means 1 (the contract's default). */
  readonly weight: number;
}

export interface ResolvedSeeds {
  /** Known seeds, one per product (weights of a repeated product add up). */
  readonly known: WeightedSeed[];
  /** Products the model does not know, in request order, once each. */
  readonly unknown: string[];
}

export function resolveSeeds(index: EmbeddingIndex, seeds: readonly ProductWeight[]): ResolvedSeeds {
  const weights = new Map<number, number>();
  const unknown = new Set<string>();
  for (const { productId, weight } of seeds) {
    const row = index.indexOf(productId);
    if (row === undefined) unknown.add(productId);
    else weights.set(row, (weights.get(row) ?? 0) + (weight === 0 ? 1 : weight));
  }
  return { known: [...weights].map(([row, weight]) => ({ index: row, weight })), unknown: [...unknown] };
}

/** One product of a customer's history, as a seed source. */
export interface HistoryItem {
  readonly productId: string;
  /** Time of the latest purchase of the product, ms since the epoch. */
  readonly lastUnixMs: number;
}

/**
 * Seeds for "what does this customer buy next": the `maxSeeds` most recently bought products, each
 * weighted by recency, 2^(-age / halfLife). Recent baskets say most about the next one (the shop's
 * range is seasonal), which a plain sum over the whole history ignores.
 */
export function recencySeeds(items: readonly HistoryItem[], nowUnixMs: number, options: { halfLifeDays: number; maxSeeds: number }): ProductWeight[] {
  const halfLifeMs = options.halfLifeDays * 86_400_000;
  return [...items]
    .sort((a, b) => b.lastUnixMs - a.lastUnixMs || (a.productId < b.productId ? -1 : 1))
    .slice(0, options.maxSeeds)
    .map((item) => ({ productId: item.productId, weight: Math.max(Math.pow(2, -Math.max(0, nowUnixMs - item.lastUnixMs) / halfLifeMs), 1e-9) }));
}
