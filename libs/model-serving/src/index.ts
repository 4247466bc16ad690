// @aisle/model-serving: what every model service needs to serve registry-managed models: the
// artifact envelope, where versions come from (ModelSource), hot swapping of the production version and
// the other registered versions requests may ask for (ModelVersions).
export { ArtifactError, decodeArtifact, encodeArtifact, sha256Hex } from './envelope';
export type { Artifact } from './envelope';
export type { ModelSource, ModelVersionInfo, VersionedModelSource } from './source';
export { grpcModelSource } from './grpc-source';
export type { GrpcModelSourceOptions } from './grpc-source';
export { HotSwapModel } from './hot-swap';
export type { HotSwapOptions, LoadedModel, RefreshOutcome } from './hot-swap';
export { timedInference } from './inference';
export { loadRegistrySettings, registrySource } from './registry-settings';
export type { RegistrySettings } from './registry-settings';
export { MODEL_VERSION_FIELD, MODEL_VERSION_MAX_LENGTH, ModelVersions, requireModelVersion } from './model-versions';
export type { ModelVersionsOptions, PinnedVersionOptions } from './model-versions';
