// Service settings beyond the store's (which come from @aisle/feature-store's loadStoreConfig).
import { duration, integer, loadConfig } from '@aisle/config';
import { POPULARITY_DEPTH } from '@aisle/feature-store';

export interface FeatureServiceSettings {
  productCacheEntries: number;
  productCacheTtlMs: number;
  popularCacheEntries: number;
  popularCacheTtlMs: number;
  /** How often the popularity refresher wakes; it recomputes only when something changed… */
  popularityRefreshMs: number;
  /** …or when the rankings are older than this (writes through other instances). */
  popularityMaxAgeMs: number;
  minCountryProducts: number;
  /** How long logged slates are kept. */
  slateTtlSeconds: number;
  warmProducts: number;
}

export function loadFeatureServiceSettings(env: NodeJS.ProcessEnv = process.env): FeatureServiceSettings {
  const config = loadConfig(
    {
      AISLE_FEATURES_PRODUCT_CACHE_ENTRIES: integer(20_000, { min: 0, max: 10_000_000 }),
      AISLE_FEATURES_PRODUCT_CACHE_TTL: duration(60_000),
      AISLE_FEATURES_POPULAR_CACHE_ENTRIES: integer(1_000, { min: 0, max: 1_000_000 }),
      AISLE_FEATURES_POPULAR_CACHE_TTL: duration(60_000),
      AISLE_FEATURES_POPULARITY_REFRESH: duration(30_000, { min: 100 }),
      AISLE_FEATURES_POPULARITY_MAX_AGE: duration(600_000, { min: 100 }),
      AISLE_FEATURES_MIN_COUNTRY_PRODUCTS: integer(10, { min: 0, max: 1000 }),
      /**
       * The most popular products (all time) whose facts are read into the product cache when the
       * service starts, in the background (0 = none): the first Ranks after a start then find their
       * candidates' facts cached instead of each waiting for the store.
       */
      AISLE_FEATURES_WARM_PRODUCTS: integer(1_000, { min: 0, max: POPULARITY_DEPTH }),
      /** How long logged slates are kept before they expire (replay evaluation reads within it). */
      AISLE_SLATE_TTL: duration(30 * 86_400_000, { min: 1000, max: 365 * 86_400_000 }),
    },
    env,
  );
  return {
    productCacheEntries: config.AISLE_FEATURES_PRODUCT_CACHE_ENTRIES,
    productCacheTtlMs: config.AISLE_FEATURES_PRODUCT_CACHE_TTL,
    popularCacheEntries: config.AISLE_FEATURES_POPULAR_CACHE_ENTRIES,
    popularCacheTtlMs: config.AISLE_FEATURES_POPULAR_CACHE_TTL,
    popularityRefreshMs: config.AISLE_FEATURES_POPULARITY_REFRESH,
    popularityMaxAgeMs: config.AISLE_FEATURES_POPULARITY_MAX_AGE,
    minCountryProducts: config.AISLE_FEATURES_MIN_COUNTRY_PRODUCTS,
    slateTtlSeconds: Math.round(config.AISLE_SLATE_TTL / 1000),
    warmProducts: config.AISLE_FEATURES_WARM_PRODUCTS,
  };
}
