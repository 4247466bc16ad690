// Hand-made copurchase artifacts for service tests: no training, known geometry.
import { encodeCopurchaseArtifact } from '../adapters/artifact-codec';
import { EmbeddingIndex } from '../domain/embedding-index';

export const TINY_PRODUCTS = ['P0', 'P1', 'P2', 'P3', 'P4', 'P5'];

/**
 * Products on a circle in 2-D: P(i) at angle i·step. With `step` differing per version, the score of
 * P1 for seed P0 is cos(step), so a response's scores say which version produced it.
 */
export function tinyIndex(step: number): EmbeddingIndex {
  const vectors = new Float32Array(TINY_PRODUCTS.length * 2);
  TINY_PRODUCTS.forEach((_, i) => {
    vectors[2 * i] = Math.cos(i * step);
    vectors[2 * i + 1] = Math.sin(i * step);
  });
  return new EmbeddingIndex(TINY_PRODUCTS, vectors, 2);
}

export function tinyArtifact(step: number): Buffer {
  return encodeCopurchaseArtifact(
    { createdUnixMs: 1, trainStartUnixMs: 0, trainEndUnixMs: 10, trainingRows: 3, inputHash: 'test', codeVersion: 'test', parameters: { step: String(step) }, metrics: {} },
    tinyIndex(step),
  );
}
