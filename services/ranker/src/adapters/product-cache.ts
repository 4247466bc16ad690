// Catalogue facts (is it a product, in stock, its description) change rarely and are needed for every
// candidate of every Rank: the ranker keeps them in a bounded LRU with a time-to-live and asks the
// feature service only for the ones it does not hold (unknown ids are remembered too).
//
// Refresh ahead: a product asked for in the last quarter of its TTL is still served from the cache, and
// named once (`ageing`) so that one caller reads it again in the background. Without it, the products of
// the first computed answers, all cached together, would all expire together, and every Rank of the
// next moment would wait for the same few hundred products (the feature service's own cache of them
// expires at the same moment, so that read goes to the store: on SQLite ~120 ms for 500 popular products).
import type { features } from '@aisle/contracts';
import { LRUCache } from 'lru-cache';

/** Share of the TTL, at its end, in which a cached product is read again in the background. */
const REFRESH_AHEAD_SHARE = 0.25;

export interface ProductLookup {
  /** Facts held for the asked ids (unknown ids held as such are in neither list). */
  found: features.Product[];
  /** Ids to fetch before answering. */
  missing: string[];
  /** Held ids to read again in the background (each named to one caller until stored or released). */
  ageing: string[];
}

export class ProductCache {
  private readonly entries: LRUCache<string, { product: features.Product | null }> | undefined;
  private readonly refreshAheadMs: number;
  private readonly refreshing = new Set<string>();

  /** `ttlMs` 0 turns the cache off: every lookup misses. `clock` is the TTL's time source (tests pass their own). */
  constructor(maxEntries: number, ttlMs: number, clock?: { now(): number }) {
    // A test clock is read on every lookup (the cache otherwise reuses a reading for 1 ms).
    const perf = clock ? { perf: clock, ttlResolution: 0 } : {};
    this.entries = ttlMs > 0 ? new LRUCache({ max: Math.max(1, maxEntries), ttl: ttlMs, ...perf }) : undefined;
    this.refreshAheadMs = ttlMs * REFRESH_AHEAD_SHARE;
  }

  /** The facts held for `ids`, the ids to fetch, and the held ids this caller should refresh. */
  lookup(ids: readonly string[]): ProductLookup {
    if (!this.entries) return { found: [], missing: [...ids], ageing: [] };
    const found: features.Product[] = [];
    const missing: string[] = [];
    const ageing: string[] = [];
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry === undefined) {
        missing.push(id);
        continue;
      }
      if (entry.product) found.push(entry.product);
      if (this.entries.getRemainingTTL(id) < this.refreshAheadMs && !this.refreshing.has(id)) {
        this.refreshing.add(id);
        ageing.push(id);
      }
    }
    return { found, missing, ageing };
  }

  /** Remembers a fetch: the products returned, and the requested ids that are not products. */
  store(requested: readonly string[], products: readonly features.Product[]): void {
    if (!this.entries) return;
    const byId = new Map(products.map((product) => [product.productId, product]));
    for (const id of requested) {
      this.entries.set(id, { product: byId.get(id) ?? null });
      this.refreshing.delete(id);
    }
  }

  /** A refresh of `ids` failed: the next lookup in their last quarter names them again. */
  release(ids: readonly string[]): void {
    for (const id of ids) this.refreshing.delete(id);
  }
}
