import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTfBackend } from '../adapters/tf-backend';
import { syntheticBaskets, THEMES } from '../testing/synthetic';
import { EmbeddingIndex } from './embedding-index';
import { DEFAULT_PARAMS, type TrainingParams } from './params';
import { trainSkipGram } from './skipgram';
import { buildVocabulary } from './vocabulary';

const params: TrainingParams = { ...DEFAULT_PARAMS, dim: 16, epochs: 4, batchSize: 256, contextSize: 4, subsample: 0, learningRate: 0.05 };

beforeAll(async () => {
  await useTfBackend('wasm');
});

describe('trainSkipGram', () => {
  const vocab = buildVocabulary(syntheticBaskets(), 1);

  it('is deterministic given the seed, and the seed matters', () => {
    const a = trainSkipGram(vocab, params);
    const b = trainSkipGram(vocab, params);
    const c = trainSkipGram(vocab, { ...params, seed: 43 });
    expect(Buffer.from(a.vectors.buffer).equals(Buffer.from(b.vectors.buffer))).toBe(true);
    expect(Buffer.from(a.vectors.buffer).equals(Buffer.from(c.vectors.buffer))).toBe(false);
    expect(a.epochs.at(-1)!.meanLoss).toBeLessThan(a.epochs[0].meanLoss);
  });

  it.each(['input', 'cross'] as const)('puts products bought together next to each other (%s vectors)', (output) => {
    const trained = trainSkipGram(vocab, { ...params, output });
    const index = new EmbeddingIndex(vocab.products, trained.vectors, trained.dim, trained.targetVectors);
    for (const theme of THEMES) {
      const seed = index.indexOf(theme[0])!;
      const neighbours = index.candidates([{ index: seed, weight: 1 }], theme.length - 1).map((c) => index.ids[c.index]);
      expect(new Set(neighbours)).toEqual(new Set(theme.slice(1)));
    }
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    trainSkipGram(vocab, { ...params, epochs: 1 });
    expect(tf.memory().numTensors).toBe(before);
  });
});
