// How a training command hands its artifact to the registry: register it as a candidate and, when
// asked, promote it. Training commands of both model services use this one path.
import { loadStoreConfig } from '../config';
import { openStore } from '../open';
import type { FeatureStore } from '../store';
import type { ModelVersionInfo, ModelVersionInput } from '../types';

/** The registry metadata a trainer produces (aisle.common.v1.ModelInfo, structurally): name and version under `id`. */
export type TrainedModelInfo = Omit<ModelVersionInput, 'model' | 'version'> & { id?: { model: string; version: string } };

export interface PublishOptions {
  promote: boolean;
  promotedBy: string;
  /** Store variables (AISLE_STORE, ...); the process environment by default. */
  env?: NodeJS.ProcessEnv;
  /** An open store to use (left open); otherwise one is opened from `env` and closed. */
  store?: FeatureStore;
}

export interface Published {
  info: ModelVersionInfo;
  /** Production version before this call ('' when none, or when not promoted). */
  previousVersion: string;
}

export async function publishModelVersion(info: TrainedModelInfo, artifact: Uint8Array, options: PublishOptions): Promise<Published> {
  if (!info.id?.model || !info.id.version) throw new Error('model info needs id.model and id.version');
  const store = options.store ?? openStore(loadStoreConfig(options.env));
  try {
    const existing = await store.getModelVersion(info.id.model, info.id.version);
    // Versions are content-addressed by their trainers: the same version is the same model.
    const registered =
      existing ??
      (await store.registerModelVersion(
        {
          model: info.id.model,
          version: info.id.version,
          trainStartUnixMs: info.trainStartUnixMs,
          trainEndUnixMs: info.trainEndUnixMs,
          trainingRows: info.trainingRows,
          inputHash: info.inputHash,
          codeVersion: info.codeVersion,
          parameters: info.parameters,
          metrics: info.metrics,
        },
        artifact,
      ));
    if (!options.promote) return { info: registered, previousVersion: '' };
    const promotion = await store.promoteModelVersion(registered.model, registered.version, options.promotedBy);
    return { info: promotion.info, previousVersion: promotion.previousVersion };
  } finally {
    if (!options.store) await store.close();
  }
}
