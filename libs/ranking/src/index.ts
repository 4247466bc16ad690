// @aisle/ranking: the ranking arithmetic the ranker serves with and the tools evaluate and fit with:
// candidate signals, the blend and its per-source breakdown, page selection (filters and diversity)
// and the blend fitter. Pure functions, no I/O.
export { BLEND_PARTS, DEFAULT_BLEND, breakdown, total, validateWeights } from './blend';
export type { BlendPart, BlendWeights, Breakdown } from './blend';
export { CANDIDATE_SOURCES, emptySignals, rankScore, repeatSignal } from './signals';
export type { CandidateSignals, CandidateSource } from './signals';
export { isProductId, productFamily, selectTopK } from './select';
export type { ScoredCandidate, SelectOptions } from './select';
export { BlendProblem, fitBlend } from './fit-blend';
export type { FitCandidate, FitList, FitOptions, FitResult, FitView } from './fit-blend';
