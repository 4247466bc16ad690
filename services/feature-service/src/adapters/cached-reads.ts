// Hot reads (products, popularity rankings) served from bounded LRU caches in front of the store.
// Writes through this instance invalidate what they touched; the TTL bounds staleness from others.
// A product still asked for in the last quarter of its TTL is served from the cache and read again in
// the background, so hot products never expire on the request path (they were all cached together at
// warm-up, so they would otherwise all expire together, and one read of 500 is ~120 ms on SQLite).
import { annotateActiveSpan, ATTR, meter, PER } from '@aisle/telemetry';
import { GLOBAL_SCOPE, POPULARITY_DEPTH, type FeatureStore, type PopularityWindow, type ProductRecord, type ScoredProduct } from '@aisle/feature-store';
import { LRUCache } from 'lru-cache';
import type { FeatureServiceSettings } from '../config';

/** Share of the product TTL, at its end, in which a cached product is read again in the background. */
const REFRESH_AHEAD_SHARE = 0.25;

/** Products the start-up warm-up reads at once (see warm). */
const WARM_BATCH = 100;

const lookups = meter.createCounter('aisle.cache.lookups', { description: 'Cache lookups by cache and outcome (hit ratio = hit / all)' });

export class CachedReads {
  // Unknown products are cached too ({ product: null }), so repeated misses stay cheap.
  private readonly products: LRUCache<string, { product: ProductRecord | null }>;
  private readonly rankings: LRUCache<string, ScoredProduct[]>;
  // Product reads under way, by id (see load).
  private readonly loading = new Map<string, Promise<ProductRecord | null>>();

  private readonly refreshAheadMs: number;

  /** `clock` is the caches' time source (tests pass their own). */
  constructor(
    private readonly store: FeatureStore,
    settings: Pick<FeatureServiceSettings, 'productCacheEntries' | 'productCacheTtlMs' | 'popularCacheEntries' | 'popularCacheTtlMs'>,
    clock?: { now(): number },
  ) {
    // A test clock is read on every lookup (the caches otherwise reuse a reading for 1 ms).
    const perf = clock ? { perf: clock, ttlResolution: 0 } : {};
    this.products = new LRUCache({ max: settings.productCacheEntries, ttl: settings.productCacheTtlMs, ...perf });
    this.rankings = new LRUCache({ max: settings.popularCacheEntries, ttl: settings.popularCacheTtlMs, ...perf });
    this.refreshAheadMs = settings.productCacheTtlMs * REFRESH_AHEAD_SHARE;
  }

  /** Known products among `ids` (unknown ones are cached too, as null, so repeated misses stay cheap). */
  async getProducts(ids: readonly string[]): Promise<Map<string, ProductRecord>> {
    const found = new Map<string, ProductRecord>();
    const missing: string[] = [];
    const ageing: string[] = [];
    for (const id of ids) {
      const cached = this.products.get(id);
      if (cached === undefined) {
        missing.push(id);
        continue;
      }
      if (cached.product) found.set(id, cached.product);
      if (this.products.getRemainingTTL(id) < this.refreshAheadMs) ageing.push(id);
    }
    // Background: a failed refresh leaves the entry to expire, and the next request reads it itself.
    if (ageing.length > 0) Promise.all(this.load(ageing)).catch(() => undefined);
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
   * products is ~120 ms of SQLite work, so without this each batch would repeat it.
   */
  private load(ids: readonly string[]): Promise<ProductRecord | null>[] {
    const unread = ids.filter((id) => !this.loading.has(id));
    if (unread.length > 0) {
      const read = this.store.getProducts(unread);
      for (const id of unread) {
        const one: Promise<ProductRecord | null> = read.then((loaded) => {
          const product = loaded.get(id) ?? null;
          // Not cached if a write forgot the id meanwhile: this read may predate the write.
          if (this.loading.get(id) === one) this.products.set(id, { product });
          return product;
        });
        this.loading.set(id, one);
        const done = () => {
          if (this.loading.get(id) === one) this.loading.delete(id);
        };
        void one.then(done, done);
      }
    }
    return ids.map((id) => this.loading.get(id)!);
  }

  /**
   * Reads the facts of the `limit` most popular products (all time) into the product cache and resolves
   * with how many it read. Right after a start every cache is empty, and the first Rank's catalogue read
   * of a few hundred candidates waited for the store (~120 ms on SQLite for 500) past its budget.
   * The reads go `batch` products at a time, one batch after another: it is background work, and the
   * most popular products are the largest partitions, so it should not hold the store while requests
   * wait. (What protects a Cassandra node from one large read is the store's own bound on partition
   * reads in flight per call, AISLE_CASSANDRA_READ_CONCURRENCY; before it, all 1,000 at once took a
   * node that had just started past the driver's read timeout and closed the connection.)
   */
  async warm(limit: number, batch = WARM_BATCH): Promise<number> {
    if (limit <= 0) return 0;
    const ids = (await this.store.popular(GLOBAL_SCOPE, 'all', limit)).map((product) => product.productId);
    for (let i = 0; i < ids.length; i += batch) await Promise.all(this.load(ids.slice(i, i + batch)));
    return ids.length;
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

  /** After a write: the next request reads these products again, and no read begun before it is joined or cached. */
  forgetProducts(ids: Iterable<string>): void {
    for (const id of ids) {
      this.products.delete(id);
      this.loading.delete(id);
    }
  }

  forgetRankings(): void {
    this.rankings.clear();
  }
}
