/** Hyper-parameters of the skip-gram-with-negative-sampling (item2vec) training. */
export interface TrainingParams {
  /** Seed of every random choice (initialisation, subsampling, contexts, negatives, order). */
  readonly seed: number;
  /** Embedding dimension. */
  readonly dim: number;
  /** Passes over the baskets. */
  readonly epochs: number;
  /** (centre, context) pairs per gradient step. */
  readonly batchSize: number;
  /** Negative samples per pair, drawn from the unigram distribution raised to `negativePower`. */
  readonly negatives: number;
  readonly negativePower: number;
  /** At most this many context items (other items of the basket) per centre item per epoch. */
  readonly contextSize: number;
  /** Frequency subsampling threshold t (word2vec's formula over basket frequency); 0 disables it. */
  readonly subsample: number;
  /** Adam learning rate. */
  readonly learningRate: number;
  /** Products in fewer baskets than this get no embedding. */
  readonly minCount: number;
  /**
   * Served vectors: "input" (seed and candidate both from the input embeddings: item2vec's symmetric
   * similarity), "sum" (input + output, symmetric), or "cross" (seeds from input, candidates from
   * output embeddings: the very score skip-gram is trained to give pairs bought together).
   */
  readonly output: 'input' | 'sum' | 'cross';
}

// Chosen on OR-temporal-v1 (see README: every variant tried, with its figures). Notable: frequency
// subsampling (t = 1e-3 over basket frequency) and the cross (input × output) score both hurt.
export const DEFAULT_PARAMS: TrainingParams = {
  seed: 42,
  dim: 128,
  epochs: 5,
  batchSize: 4096,
  negatives: 10,
  negativePower: 0.5,
  contextSize: 10,
  subsample: 0,
  learningRate: 0.01,
  minCount: 10,
  output: 'input',
};

/** Parameters as registry strings (ModelInfo.parameters). */
export function paramsToStrings(params: TrainingParams): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)]));
}
