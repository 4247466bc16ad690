// The copurchase artifact: the shared Aisle envelope around the product index (in the metadata) and
// the L2-normalised embedding matrices (payload: little-endian float32, row-major products × dim; a
// second matrix follows when seeds and candidates use different embeddings, `matrices: 2`).
import { decodeArtifact, encodeArtifact } from '@aisle/model-serving';
import { EmbeddingIndex } from '../domain/embedding-index';

export const COPURCHASE_FORMAT = 'aisle.copurchase.embeddings/1';

/** What the artifact says about itself; mirrors the registry's ModelInfo fields it can know. */
export interface CopurchaseMetadata {
  readonly format: typeof COPURCHASE_FORMAT;
  readonly dim: number;
  /** 1: one symmetric space; 2: seed-side then candidate-side vectors. */
  readonly matrices: 1 | 2;
  readonly products: readonly string[];
  readonly createdUnixMs: number;
  readonly trainStartUnixMs: number;
  readonly trainEndUnixMs: number;
  readonly trainingRows: number;
  readonly inputHash: string;
  readonly codeVersion: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, number>>;
}

export function encodeCopurchaseArtifact(metadata: Omit<CopurchaseMetadata, 'format' | 'dim' | 'matrices' | 'products'>, index: EmbeddingIndex): Buffer {
  const matrices = index.targets === index.vectors ? [index.vectors] : [index.vectors, index.targets];
  const payload = Buffer.alloc(matrices.length * index.vectors.length * 4);
  matrices.forEach((matrix, m) => matrix.forEach((value, i) => payload.writeFloatLE(value, (m * matrix.length + i) * 4)));
  const full: CopurchaseMetadata = { format: COPURCHASE_FORMAT, dim: index.dim, matrices: matrices.length as 1 | 2, products: index.ids, ...metadata };
  return encodeArtifact(full, payload);
}

export function decodeCopurchaseArtifact(bytes: Uint8Array): { metadata: CopurchaseMetadata; index: EmbeddingIndex } {
  const { metadata, payload } = decodeArtifact<CopurchaseMetadata>(bytes);
  if (metadata.format !== COPURCHASE_FORMAT) throw new Error(`not a copurchase artifact: format ${String(metadata.format)}`);
  const { dim, products, matrices } = metadata;
  if (!Number.isInteger(dim) || dim < 1 || !Array.isArray(products) || (matrices !== 1 && matrices !== 2) || payload.length !== matrices * products.length * dim * 4) {
    throw new Error(`copurchase artifact: payload of ${payload.length} bytes does not hold ${matrices}×${products?.length}×${dim} floats`);
  }
  const view = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const read = (m: number) => {
    const vectors = new Float32Array(products.length * dim);
    for (let i = 0; i < vectors.length; i += 1) vectors[i] = view.readFloatLE((m * vectors.length + i) * 4);
    return vectors;
  };
  return { metadata, index: new EmbeddingIndex(products, read(0), dim, matrices === 2 ? read(1) : undefined) };
}
