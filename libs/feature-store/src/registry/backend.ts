// The few storage primitives the model registry needs; each store provides them over its own tables.
import type { ModelStage, ModelVersionInfo } from '../types';

export interface ProductionState {
  /** Version now in production ('' when none). */
  current: string;
  /** Earlier production versions, oldest first; the last one is what a rollback restores. */
  history: string[];
}

export interface RegistryBackend {
  /** Writes the chunks first, then the metadata row, so a listed version always has its artifact. */
  putVersion(info: ModelVersionInfo, chunks: Uint8Array[]): Promise<void>;
  getVersion(model: string, version: string): Promise<ModelVersionInfo | undefined>;
  listVersions(model: string): Promise<ModelVersionInfo[]>;
  /** Names of the models that have at least one version. */
  listModels(): Promise<string[]>;
  getChunk(model: string, version: string, index: number): Promise<Uint8Array | undefined>;
  getProduction(model: string): Promise<ProductionState>;
  /**
   * Sets the production state only if the version in production is still `expectedCurrent` ('' = none):
   * a compare-and-set, so of two promotions (or rollbacks) racing, one applies. False when it did not.
   */
  setProduction(model: string, state: ProductionState, expectedCurrent: string): Promise<boolean>;
  setStage(model: string, version: string, stage: ModelStage, promotedBy: string, promotedUnixMs: number): Promise<void>;
}
