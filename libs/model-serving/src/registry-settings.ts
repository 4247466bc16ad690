// What both model services read to serve a registry-managed model: where the registry is, which model
// name to serve, how often to poll and how long to wait for a first production version.
import { defaultAddress, duration, integer, loadConfig, text } from '@aisle/config';
import { registry } from '@aisle/contracts';
import { createClient } from '@aisle/grpc-kit';
import { grpcModelSource } from './grpc-source';
import type { VersionedModelSource } from './source';

export interface RegistrySettings {
  registryAddress: string;
  modelName: string;
  pollIntervalMs: number;
  startTimeoutMs: number;
  /** Versions other than production (requests' `model_version`) kept loaded at once; 0 = production only. */
  pinnedVersions: number;
}

/**
 * AISLE_FEATURES_ADDRESS, AISLE_<SERVICE>_MODEL (default `service`), AISLE_MODEL_POLL_INTERVAL,
 * AISLE_MODEL_START_TIMEOUT, AISLE_MODEL_PINNED_VERSIONS.
 */
export function loadRegistrySettings(service: 'copurchase' | 'affinity', env: NodeJS.ProcessEnv = process.env): RegistrySettings {
  const modelVariable = `AISLE_${service.toUpperCase()}_MODEL`;
  const config = loadConfig(
    {
      AISLE_FEATURES_ADDRESS: text(defaultAddress('features')),
      [modelVariable]: text(service, { maxLength: 64 }),
      AISLE_MODEL_POLL_INTERVAL: duration(30_000, { min: 0, max: 3_600_000 }),
      AISLE_MODEL_START_TIMEOUT: duration(120_000, { min: 0, max: 3_600_000 }),
      AISLE_MODEL_PINNED_VERSIONS: integer(2, { min: 0, max: 16 }),
    },
    env,
  );
  return {
    registryAddress: config.AISLE_FEATURES_ADDRESS,
    modelName: String(config[modelVariable]),
    pollIntervalMs: config.AISLE_MODEL_POLL_INTERVAL,
    startTimeoutMs: config.AISLE_MODEL_START_TIMEOUT,
    pinnedVersions: config.AISLE_MODEL_PINNED_VERSIONS,
  };
}

/** The registry of the feature service as a ModelSource, with the client to close on shutdown. */
export function registrySource(address: string): { source: VersionedModelSource; close(): void } {
  const client = createClient(registry.ModelRegistryServiceClient, address, {
    service: 'aisle.features.v1.ModelRegistryService',
    idempotentMethods: ['GetModelVersion', 'FetchArtifact'],
  });
  return { source: grpcModelSource(client), close: () => client.close() };
}
