// Which ranking answers a Popular call: the country's when it has enough products, else the global one.
import type { ScoredProduct } from '@aisle/feature-store';

export interface PopularChoice {
  products: ScoredProduct[];
  globalFallback: boolean;
}

/**
 * `country` is '' for a global request. A country ranking shorter than min(limit, minCountryProducts)
 * is too thin to stand on its own, so the global ranking is returned and flagged.
 */
export function choosePopular(country: string, countryRanking: readonly ScoredProduct[], globalRanking: readonly ScoredProduct[], limit: number, minCountryProducts: number): PopularChoice {
  if (country === '') return { products: globalRanking.slice(0, limit), globalFallback: false };
  if (countryRanking.length >= Math.min(limit, minCountryProducts)) return { products: countryRanking.slice(0, limit), globalFallback: false };
  return { products: globalRanking.slice(0, limit), globalFallback: true };
}
