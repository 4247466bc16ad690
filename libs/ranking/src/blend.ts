// The blend: a weighted sum of the candidate signals. The weights are learned on a validation window
// (the training pipeline's fit-blend step fits them; services/ranker/blend/learned.json is what ships); DEFAULT_BLEND is the
// hand-set fallback, reported as blend@default.
import type { CandidateSignals } from './signals';

export const BLEND_PARTS = ['copurchase', 'affinity', 'popularity', 'repeat', 'context'] as const;
export type BlendPart = (typeof BLEND_PARTS)[number];
export type BlendWeights = Record<BlendPart, number>;
export type Breakdown = Record<BlendPart, number>;

/** Hand-set weights, used with AISLE_BLEND_FILE=builtin. */
export const DEFAULT_BLEND: BlendWeights = { copurchase: 0.25, affinity: 0.45, popularity: 0.05, repeat: 0.2, context: 0.05 };

export function validateWeights(weights: Partial<Record<string, unknown>>): BlendWeights {
  const result = {} as BlendWeights;
  for (const part of BLEND_PARTS) {
    const value = weights[part];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`blend weight "${part}" must be a finite number ≥ 0`);
    result[part] = value;
  }
  return result;
}

/** The parts of a candidate's score; they sum to the score by construction. */
export function breakdown(signals: CandidateSignals, weights: BlendWeights): Breakdown {
  return {
    copurchase: weights.copurchase * signals.copurchase,
    affinity: weights.affinity * signals.affinity,
    popularity: weights.popularity * signals.popularity,
    repeat: weights.repeat * signals.repeat,
    context: weights.context * signals.context,
  };
}

export function total(parts: Breakdown): number {
  return parts.copurchase + parts.affinity + parts.popularity + parts.repeat + parts.context;
}
