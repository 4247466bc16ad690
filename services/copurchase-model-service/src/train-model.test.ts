import { sha256Hex } from '@aisle/model-serving';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCopurchaseArtifact } from './adapters/artifact-codec';
import { useTfBackend } from './adapters/tf-backend';
import { syntheticBaskets } from './testing/synthetic';
import { basketsHash, trainCopurchaseModel } from './train-model';

beforeAll(async () => {
  await useTfBackend('wasm');
});

describe('trainCopurchaseModel', () => {
  it('produces a registry-ready artifact whose metadata describes the run', async () => {
    const baskets = syntheticBaskets(120);
    const trained = await trainCopurchaseModel(baskets, { dim: 8, epochs: 2, batchSize: 128 }, {
      window: { startUnixMs: 100, endUnixMs: 200 },
      codeVersion: 'abc123',
      evaluate: (index) => ({ 'new.ndcg@10': index.size / 100 }),
    });
    expect(trained.info.checksum).toBe(sha256Hex(trained.artifactBytes));
    expect(trained.info).toMatchObject({ trainStartUnixMs: 100, trainEndUnixMs: 200, trainingRows: 120, codeVersion: 'abc123', inputHash: basketsHash(baskets), stage: 'candidate' });
    expect(trained.info.parameters).toMatchObject({ dim: '8', epochs: '2', seed: '42', products: '18' });
    expect(trained.info.metrics['new.ndcg@10']).toBeCloseTo(0.18);
    const { metadata, index } = decodeCopurchaseArtifact(trained.artifactBytes);
    expect(index.ids).toEqual(trained.index.ids);
    expect(metadata.metrics['new.ndcg@10']).toBeCloseTo(0.18);
    expect(metadata.inputHash).toBe(trained.info.inputHash);
  });
});
