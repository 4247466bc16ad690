import type { common } from '@aisle/contracts';

/** Registry metadata of one model version, as the registry serves it. */
export type ModelVersionInfo = common.ModelInfo;

/**
 * Where a model service finds its model: the registry's production version and the bytes of any
 * version. The gRPC implementation talks to feature-service; tests use `InMemoryModelSource`.
 */
export interface ModelSource {
  /** The production version of `model`, or undefined while none is promoted. */
  production(model: string): Promise<ModelVersionInfo | undefined>;
  /** The whole artifact of one version (the caller verifies its checksum). */
  fetch(model: string, version: string): Promise<Uint8Array>;
}

/** A ModelSource that can also describe any registered version, not only production (`ModelVersions`). */
export interface VersionedModelSource extends ModelSource {
  /** Metadata of `model@version`, or undefined when the registry has no such version. */
  version(model: string, version: string): Promise<ModelVersionInfo | undefined>;
}
