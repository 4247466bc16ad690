// Skip-gram with negative sampling over baskets (item2vec), in TensorFlow.js. Only core ops are used
// (no backend-specific code): the caller picks the backend (wasm, cpu, or tfjs-node's native one).
//
// tf.gather's gradient needs UnsortedSegmentSum, which the wasm backend lacks, and its forward pass is
// slow there; rows are therefore read with gatherND and their gradient written back with scatterND
// (which sums duplicate rows), both available and fast on every backend.
import * as tf from '@tensorflow/tfjs';
import { epochPairs, keepProbabilities, negativeSampler } from './pairs';
import type { TrainingParams } from './params';
import { seededRandom } from '@aisle/retail-data';
import type { Vocabulary } from './vocabulary';

export interface EpochReport {
  readonly epoch: number;
  readonly pairs: number;
  readonly meanLoss: number;
  readonly seconds: number;
}

export interface SkipGramResult {
  /** Row-major `products × dim` seed-side vectors (not normalised). */
  readonly vectors: Float32Array;
  /** Candidate-side vectors when `output` is "cross". */
  readonly targetVectors?: Float32Array;
  readonly dim: number;
  readonly epochs: readonly EpochReport[];
  /** Pairs seen over all epochs. */
  readonly pairs: number;
}

const gatherRows = tf.customGrad((...inputs) => {
  const [table, rows] = inputs as [tf.Tensor, tf.Tensor];
  return {
    value: tf.gatherND(table, rows),
    gradFunc: (dy: tf.Tensor | tf.Tensor[]) => [tf.scatterND(rows, dy as tf.Tensor, table.shape), tf.zerosLike(rows)],
  };
}) as (table: tf.Tensor, rows: tf.Tensor) => tf.Tensor;

let trainings = 0;

export function trainSkipGram(vocab: Vocabulary, params: TrainingParams, onEpoch?: (report: EpochReport) => void): SkipGramResult {
  const n = vocab.products.length;
  const { dim, batchSize, negatives } = params;
  if (n < 2) throw new Error(`need at least 2 products to train, got ${n}`);
  const random = seededRandom(params.seed);
  const variableId = (trainings += 1);
  const init = new Float32Array(n * dim);
  for (let i = 0; i < init.length; i += 1) init[i] = (random() - 0.5) / dim;
  const keep = keepProbabilities(vocab, params.subsample);
  const negative = negativeSampler(vocab.counts, params.negativePower, random);

  // tidy disposes the initial-value tensors; the variables keep their data.
  const input = tf.tidy(() => tf.variable(tf.tensor2d(init, [n, dim]), true, `item2vec/input/${variableId}`));
  const output = tf.tidy(() => tf.variable(tf.zeros([n, dim]), true, `item2vec/output/${variableId}`));
  const optimizer = tf.train.adam(params.learningRate);
  const epochs: EpochReport[] = [];
  let totalPairs = 0;
  try {
    for (let epoch = 1; epoch <= params.epochs; epoch += 1) {
      const started = performance.now();
      const pairs = epochPairs(vocab, keep, params, random);
      let lossSum = 0;
      for (let start = 0; start < pairs.length; start += batchSize) {
        const size = Math.min(batchSize, pairs.length - start);
        const sampled = new Int32Array(size * negatives);
        for (let i = 0; i < sampled.length; i += 1) sampled[i] = negative();
        const centres = tf.tensor2d(pairs.centres.subarray(start, start + size), [size, 1], 'int32');
        const contexts = tf.tensor2d(pairs.contexts.subarray(start, start + size), [size, 1], 'int32');
        const noise = tf.tensor2d(sampled, [size * negatives, 1], 'int32');
        const cost = optimizer.minimize(
          () => {
            const u = gatherRows(input, centres) as tf.Tensor2D;
            const v = gatherRows(output, contexts) as tf.Tensor2D;
            const w = tf.reshape(gatherRows(output, noise), [size, negatives, dim]) as tf.Tensor3D;
            const positive = tf.sum(tf.mul(u, v), 1);
            const negativeDots = tf.matMul(w, tf.expandDims(u, 2));
            // -log σ(u·v) - Σ log σ(-u·w) = softplus(-u·v) + Σ softplus(u·w), averaged over the batch.
            return tf.add(tf.mean(tf.softplus(tf.neg(positive))), tf.div(tf.sum(tf.softplus(negativeDots)), size)) as tf.Scalar;
          },
          true,
          [input, output],
        );
        lossSum += (cost?.dataSync()[0] ?? 0) * size;
        tf.dispose([cost as tf.Tensor, centres, contexts, noise]);
      }
      totalPairs += pairs.length;
      const report = { epoch, pairs: pairs.length, meanLoss: lossSum / Math.max(1, pairs.length), seconds: (performance.now() - started) / 1000 };
      epochs.push(report);
      onEpoch?.(report);
    }
    const read = (tensor: tf.Tensor) => Float32Array.from(tensor.dataSync() as Float32Array);
    if (params.output === 'cross') return { vectors: read(input), targetVectors: read(output), dim, epochs, pairs: totalPairs };
    const served = params.output === 'sum' ? tf.add(input, output) : input.clone();
    const vectors = read(served);
    served.dispose();
    return { vectors, dim, epochs, pairs: totalPairs };
  } finally {
    optimizer.dispose();
    input.dispose();
    output.dispose();
  }
}
