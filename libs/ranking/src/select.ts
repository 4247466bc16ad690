// From blended candidates to the page: filters, then diversity, then top-K.
import type { Breakdown } from './blend';
import type { CandidateSignals } from './signals';

export interface ScoredCandidate {
  signals: CandidateSignals;
  parts: Breakdown;
  score: number;
  description: string;
}

export interface SelectOptions {
  k: number;
  /** Products never to return (caller's exclusions, and the bought set when asked). */
  exclude: ReadonlySet<string>;
  /** Products known to be unsellable or out of stock. */
  unavailable: ReadonlySet<string>;
  /** At most this many items of one product family (same 5-digit stock code: colour/size variants). */
  maxPerFamily: number;
}

/** Product family: the retailer's codes share their five leading digits across variants (85099B/C/F). */
export function productFamily(productId: string): string {
  const match = /^\d{5}/.exec(productId);
  return match ? match[0] : productId;
}

// Sellable products have five leading digits; POST, DOT, M, BANK CHARGES, gift vouchers... do not.
export function isProductId(productId: string): boolean {
  return /^\d{5}/.test(productId);
}

export function selectTopK(candidates: readonly ScoredCandidate[], options: SelectOptions): ScoredCandidate[] {
  const ordered = [...candidates].sort((a, b) => b.score - a.score || a.signals.productId.localeCompare(b.signals.productId));
  const perFamily = new Map<string, number>();
  const page: ScoredCandidate[] = [];
  for (const candidate of ordered) {
    if (page.length >= options.k) break;
    const id = candidate.signals.productId;
    if (options.exclude.has(id) || options.unavailable.has(id) || !isProductId(id)) continue;
    const family = productFamily(id);
    const seen = perFamily.get(family) ?? 0;
    if (seen >= options.maxPerFamily) continue;
    perFamily.set(family, seen + 1);
    page.push(candidate);
  }
  return page;
}
