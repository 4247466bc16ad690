// What the ranker knows about one candidate before blending. Every signal is in [0, 1], so blend
// weights are comparable and the breakdown reads as "how much each source contributed".
export const CANDIDATE_SOURCES = ['copurchase', 'repeat', 'popular'] as const;
export type CandidateSource = (typeof CANDIDATE_SOURCES)[number];

export interface CandidateSignals {
  productId: string;
  /** Generators that proposed the product. */
  sources: Set<CandidateSource>;
  /** Co-purchase similarity to the user's recent items (cosine clamped to [0, 1]). */
  copurchase: number;
  /** Affinity model's purchase probability. */
  affinity: number;
  /** Global popularity in the recent window: 1 for the top product, falling with rank. */
  popularity: number;
  /** The user's own history with the product: frequency × recency. */
  repeat: number;
  /** Popularity in the request's country (the context signal). */
  context: number;
}

export function emptySignals(productId: string): CandidateSignals {
  return { productId, sources: new Set(), copurchase: 0, affinity: 0, popularity: 0, repeat: 0, context: 0 };
}

/** Rank-based score for a ranked list of `length` items: 1 at the top, towards 0 at the end. */
export function rankScore(index: number, length: number): number {
  return length <= 0 ? 0 : 1 - index / length;
}

const DAY_MS = 86_400_000;

/**
 * Repeat signal from the user's history with a product: more invoices → higher, older → lower
 * (half-life `halfLifeDays`), saturating so heavy buyers do not drown every other signal.
 */
export function repeatSignal(invoiceCount: number, lastUnixMs: number, nowUnixMs: number, halfLifeDays = 60): number {
  if (invoiceCount <= 0) return 0;
  const ageDays = Math.max(0, nowUnixMs - lastUnixMs) / DAY_MS;
  const frequency = 1 - Math.exp(-invoiceCount / 3);
  return frequency * Math.pow(0.5, ageDays / halfLifeDays);
}
