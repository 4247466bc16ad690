// Baskets in, registry-ready artifact out: vocabulary → item2vec training → embedding index →
// (optional) evaluation → artifact with its metadata. The pipeline calls this and registers the result.
import { createHash } from 'node:crypto';
import type { common } from '@aisle/contracts';
import { sha256Hex } from '@aisle/model-serving';
import { encodeCopurchaseArtifact } from './adapters/artifact-codec';
import { versionOf } from './adapters/store-registry';
import { EmbeddingIndex } from './domain/embedding-index';
import { DEFAULT_PARAMS, paramsToStrings, type TrainingParams } from './domain/params';
import { trainSkipGram, type EpochReport } from './domain/skipgram';
import { buildVocabulary } from './domain/vocabulary';

export interface TrainCopurchaseOptions {
  /** Time window the baskets come from, ms since the epoch (end exclusive). */
  readonly window: { readonly startUnixMs: number; readonly endUnixMs: number };
  /** Git commit of the training code (default AISLE_CODE_VERSION or "unknown"). */
  readonly codeVersion?: string;
  /** Metrics of the trained index on the evaluation protocol, stored with the artifact. */
  readonly evaluate?: (index: EmbeddingIndex) => Promise<Record<string, number>> | Record<string, number>;
  readonly onEpoch?: (report: EpochReport) => void;
}

export interface TrainedCopurchaseModel {
  readonly artifactBytes: Buffer;
  /** Registry metadata; `id.version` is the id `registerArtifact` registers it under. */
  readonly info: common.ModelInfo;
  readonly index: EmbeddingIndex;
  readonly epochs: readonly EpochReport[];
  /** Wall-clock seconds of vocabulary + training (not evaluation). */
  readonly trainingSeconds: number;
}

/** SHA-256 of the baskets as given (order matters: it is the model's input). */
export function basketsHash(baskets: readonly (readonly string[])[]): string {
  const hash = createHash('sha256');
  for (const basket of baskets) hash.update(basket.join('\u001f')).update('\n');
  return hash.digest('hex');
}

export async function trainCopurchaseModel(
  baskets: readonly (readonly string[])[],
  params: Partial<TrainingParams>,
  options: TrainCopurchaseOptions,
): Promise<TrainedCopurchaseModel> {
  const full: TrainingParams = { ...DEFAULT_PARAMS, ...params };
  const started = performance.now();
  const vocab = buildVocabulary(baskets, full.minCount);
  const trained = trainSkipGram(vocab, full, options.onEpoch);
  const index = new EmbeddingIndex(vocab.products, trained.vectors, trained.dim, trained.targetVectors);
  const trainingSeconds = (performance.now() - started) / 1000;
  const metrics = options.evaluate ? await options.evaluate(index) : {};

  const createdUnixMs = Date.now();
  const metadata = {
    createdUnixMs,
    trainStartUnixMs: options.window.startUnixMs,
    trainEndUnixMs: options.window.endUnixMs,
    trainingRows: vocab.baskets.length,
    inputHash: basketsHash(baskets),
    codeVersion: options.codeVersion ?? process.env.AISLE_CODE_VERSION ?? 'unknown',
    parameters: { ...paramsToStrings(full), products: String(vocab.products.length), pairs: String(trained.pairs) },
    metrics: { ...metrics, 'train.seconds': trainingSeconds, 'train.final_loss': trained.epochs.at(-1)?.meanLoss ?? 0 },
  };
  const artifactBytes = encodeCopurchaseArtifact(metadata, index);
  const checksum = sha256Hex(artifactBytes);
  const info: common.ModelInfo = {
    id: { model: 'copurchase', version: versionOf(artifactBytes, createdUnixMs) },
    ...metadata,
    checksum,
    stage: 'candidate',
    loadedUnixMs: 0,
  };
  return { artifactBytes, info, index, epochs: trained.epochs, trainingSeconds };
}
