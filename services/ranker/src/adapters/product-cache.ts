// Catalogue facts (is it a product, in stock, its description) change rarely and are needed for every
// candidate of every Rank: the ranker keeps them in a bounded LRU with a time-to-live and asks the
// feature service only for the ones it does not hold (unknown ids are remembered too).
import type { features } from '@aisle/contracts';
import { LRUCache } from 'lru-cache';

export class ProductCache {
  private readonly entries: LRUCache<string, { product: features.Product | null }> | undefined;

  /** `ttlMs` 0 turns the cache off: every lookup misses. */
  constructor(maxEntries: number, ttlMs: number) {
    this.entries = ttlMs > 0 ? new LRUCache({ max: Math.max(1, maxEntries), ttl: ttlMs }) : undefined;
  }

  /** The facts held for `ids`, and the ids to fetch. */
  lookup(ids: readonly string[]): { found: features.Product[]; missing: string[] } {
    if (!this.entries) return { found: [], missing: [...ids] };
    const found: features.Product[] = [];
    const missing: string[] = [];
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry === undefined) missing.push(id);
      else if (entry.product) found.push(entry.product);
    }
    return { found, missing };
  }

  /** Remembers a fetch: the products returned, and the requested ids that are not products. */
  store(requested: readonly string[], products: readonly features.Product[]): void {
    if (!this.entries) return;
    const byId = new Map(products.map((product) => [product.productId, product]));
    for (const id of requested) this.entries.set(id, { product: byId.get(id) ?? null });
  }
}
