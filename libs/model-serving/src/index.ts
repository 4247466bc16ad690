// @aisle/model-serving: what every model service needs to serve registry-managed models: the
// artifact envelope, where versions come from (ModelSource) and hot swapping of the production version.
export { ArtifactError, decodeArtifact, encodeArtifact, sha256Hex } from './envelope';
export type { Artifact } from './envelope';
export type { ModelSource, ModelVersionInfo } from './source';
export { grpcModelSource } from './grpc-source';
export type { GrpcModelSourceOptions } from './grpc-source';
export { HotSwapModel } from './hot-swap';
export type { HotSwapOptions, LoadedModel, RefreshOutcome } from './hot-swap';
export { timedInference } from './inference';
export { loadRegistrySettings, registrySource } from './registry-settings';
export type { RegistrySettings } from './registry-settings';
