// Hot reads (products, popularity rankings) served from bounded LRU caches in front of the store.
// Writes through this instance invalidate what they touched; the TTL bounds staleness from others.
import { annotateActiveSpan, ATTR, meter, PER } from '@aisle/telemetry';
import { GLOBAL_SCOPE, POPULARITY_DEPTH, type FeatureStore, type PopularityWindow, type ProductRecord, type ScoredProduct } from '@aisle/feature-store';
import { LRUCache } from 'lru-cache';
import type { FeatureServiceSettings } from '../config';

const lookups = meter.createCounter('aisle.cache.lookups', { description: 'Cache lookups by cache and outcome (hit ratio = hit / all)' });

export class CachedReads {
  // Unknown products are cached too ({ product: null }), so repeated misses stay cheap.
  private readonly products: LRUCache<string, { product: ProductRecord | null }>;
  private readonly rankings: LRUCache<string, ScoredProduct[]>;
  // Product reads under way, by id (see load).
  private readonly loading = new Map<string, Promise<ProductRecord | null>>();

  constructor(
    private readonly store: FeatureStore,
    settings: Pick<FeatureServiceSettings, 'productCacheEntries' | 'productCacheTtlMs' | 'popularCacheEntries' | 'popularCacheTtlMs'>,
  ) {
    this.products = new LRUCache({ max: settings.productCacheEntries, ttl: settings.productCacheTtlMs });
    this.rankings = new LRUCache({ max: settings.popularCacheEntries, ttl: settings.popularCacheTtlMs });
  }

  /** Known products among `ids` (unknown ones are cached too, as null, so repeated misses stay cheap). */
  async getProducts(ids: readonly string[]): Promise<Map<string, ProductRecord>> {
    const found = new Map<string, ProductRecord>();
    const missing: string[] = [];
    for (const id of ids) {
      const cached = this.products.get(id);
      if (cached === undefined) missing.push(id);
      else if (cached.product) found.set(id, cached.product);
    }
    lookups.add(ids.length - missing.length, { [ATTR.CACHE_NAME]: 'products', [ATTR.CACHE_HIT]: true });
    lookups.add(missing.length, { [ATTR.CACHE_NAME]: 'products', [ATTR.CACHE_HIT]: false });
    annotateActiveSpan({ [PER.cacheHits('products')]: ids.length - missing.length, [PER.cacheMisses('products')]: missing.length });
    if (missing.length > 0) {
      const products = await Promise.all(this.load(missing));
      missing.forEach((id, i) => {
        const product = products[i];
        if (product) found.set(id, product);
      });
    }
    return found;
  }

  /**
   * One promise per id, in order. Ids another call is already reading are joined, not read again: when
   * the cache expires under load, many identical batches arrive together, and a read of 500 popular
   * products is ~400 ms of SQLite work, so without this each batch would repeat it.
   */
  private load(ids: readonly string[]): Promise<ProductRecord | null>[] {
    const unread = ids.filter((id) => !this.loading.has(id));
    if (unread.length > 0) {
      const read = this.store.getProducts(unread);
      for (const id of unread) {
        const one = read.then((loaded) => {
          const product = loaded.get(id) ?? null;
          this.products.set(id, { product });
          return product;
        });
        this.loading.set(id, one);
        void one.then(
          () => this.loading.delete(id),
          () => this.loading.delete(id),
        );
      }
    }
    return ids.map((id) => this.loading.get(id)!);
  }

  /** The full stored ranking of a scope (up to POPULARITY_DEPTH); callers slice. */
  async ranking(scope: string, window: PopularityWindow): Promise<ScoredProduct[]> {
    const key = `${scope}\u0000${window}`;
    const cached = this.rankings.get(key);
    lookups.add(1, { [ATTR.CACHE_NAME]: 'popularity', [ATTR.CACHE_HIT]: cached !== undefined });
    const name = `popularity.${scope === GLOBAL_SCOPE ? 'global' : 'country'}`;
    annotateActiveSpan({ [PER.cacheHits(name)]: cached ? 1 : 0, [PER.cacheMisses(name)]: cached ? 0 : 1 });
    if (cached) return cached;
    const ranking = await this.store.popular(scope, window, POPULARITY_DEPTH);
    this.rankings.set(key, ranking);
    return ranking;
  }

  forgetProducts(ids: Iterable<string>): void {
    for (const id of ids) this.products.delete(id);
  }

  forgetRankings(): void {
    this.rankings.clear();
  }
}
