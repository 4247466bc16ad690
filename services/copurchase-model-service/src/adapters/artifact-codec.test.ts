import { ArtifactError, encodeArtifact } from '@aisle/model-serving';
import { describe, expect, it } from 'vitest';
import { tinyArtifact, tinyIndex, TINY_PRODUCTS } from '../testing/tiny-model';
import { EmbeddingIndex } from '../domain/embedding-index';
import { decodeCopurchaseArtifact, encodeCopurchaseArtifact } from './artifact-codec';

const tinyArtifactMetadata = { createdUnixMs: 1, trainStartUnixMs: 0, trainEndUnixMs: 1, trainingRows: 1, inputHash: '', codeVersion: '', parameters: {}, metrics: {} };

describe('copurchase artifact codec', () => {
  it('round-trips the product index, vectors and metadata', () => {
    const { metadata, index } = decodeCopurchaseArtifact(tinyArtifact(0.3));
    expect(index.ids).toEqual(TINY_PRODUCTS);
    expect(Array.from(index.vectors)).toEqual(Array.from(tinyIndex(0.3).vectors));
    expect(metadata).toMatchObject({ format: 'aisle.copurchase.embeddings/1', dim: 2, trainingRows: 3, parameters: { step: '0.3' } });
  });

  it('round-trips an index with separate seed and candidate vectors', () => {
    const index = new EmbeddingIndex(['a', 'b'], Float32Array.from([1, 0, 0, 1]), 2, Float32Array.from([0, 2, 2, 0]));
    const decoded = decodeCopurchaseArtifact(encodeCopurchaseArtifact({ ...tinyArtifactMetadata }, index));
    expect(decoded.metadata.matrices).toBe(2);
    expect(Array.from(decoded.index.targets)).toEqual([0, 1, 1, 0]);
    expect(decoded.index.candidates([{ index: 0, weight: 1 }], 1)).toEqual([{ index: 1, score: 1 }]);
  });

  it('refuses corrupted bytes and artifacts of another format or shape', () => {
    const bytes = tinyArtifact(0.3);
    bytes[bytes.length - 3] ^= 0x10;
    expect(() => decodeCopurchaseArtifact(bytes)).toThrow(ArtifactError);
    expect(() => decodeCopurchaseArtifact(encodeArtifact({ format: 'aisle.affinity/1' }, new Uint8Array(4)))).toThrow(/not a copurchase artifact/);
    expect(() => decodeCopurchaseArtifact(encodeArtifact({ format: 'aisle.copurchase.embeddings/1', dim: 2, matrices: 1, products: ['a'] }, new Uint8Array(4)))).toThrow(/does not hold/);
  });
});
