// The last good popularity lists, so Rank still answers when the feature service is down: the
// Popular source then reports FALLBACK instead of FAILED. Entries expire after `ttlMs`.
import type { common } from '@aisle/contracts';

interface Entry {
  products: common.ScoredProduct[];
  storedAt: number;
}

export class PopularCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 256,
  ) {}

  static key(country: string, window: number): string {
    return `${window}|${country}`;
  }

  put(key: string, products: common.ScoredProduct[], now = Date.now()): void {
    if (!this.entries.has(key) && this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.delete(key);
    this.entries.set(key, { products, storedAt: now });
  }

  /** The list if it was stored at most `maxAgeMs` ago: recent enough to answer without a call. */
  fresh(key: string, maxAgeMs: number, now = Date.now()): common.ScoredProduct[] | undefined {
    const entry = this.entries.get(key);
    return entry && now - entry.storedAt <= maxAgeMs ? entry.products : undefined;
  }

  get(key: string, now = Date.now()): common.ScoredProduct[] | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (now - entry.storedAt > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.products;
  }
}

/**
 * Keeps the global list warm from the start, so a feature-service outage right after start-up still
 * has a fallback. Returns a stop function.
 */
export function keepPopularWarm(cache: PopularCache, fetch: () => Promise<{ key: string; products: common.ScoredProduct[] }>, intervalMs: number, onError: (error: unknown) => void): () => void {
  const refresh = () =>
    fetch().then(
      ({ key, products }) => cache.put(key, products),
      (error: unknown) => onError(error),
    );
  void refresh();
  const timer = setInterval(refresh, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
