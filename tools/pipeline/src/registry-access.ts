// The registry as the CLI sees it, two ways with one shape: over gRPC through the feature service's
// ModelRegistryService (any store behind it), or straight on the store named by AISLE_STORE & co.
import { Metadata, status } from '@grpc/grpc-js';
import type { common } from '@aisle/contracts';
import { registry } from '@aisle/contracts';
import { modelInfoMessage, type FeatureStore } from '@aisle/feature-store';
import { createClient, isServiceError, unaryCall } from '@aisle/grpc-kit';

export type VersionInfo = common.ModelInfo;

export interface RegistryAccess {
  list(model: string, limit: number): Promise<VersionInfo[]>;
  /** `version` undefined: the production version. Undefined when there is none. */
  get(model: string, version?: string): Promise<VersionInfo | undefined>;
  artifact(model: string, version: string): Promise<Buffer>;
  promote(model: string, version: string, by: string): Promise<{ info: VersionInfo; previous: string }>;
  rollback(model: string, by: string): Promise<{ info: VersionInfo; rolledBack: string }>;
  close(): Promise<void>;
}

const deadline = () => ({ deadline: Date.now() + 30_000 });

export function grpcRegistry(address: string): RegistryAccess {
  const client = createClient(registry.ModelRegistryServiceClient, address, { service: 'aisle.features.v1.ModelRegistryService', idempotentMethods: ['ListModelVersions', 'GetModelVersion', 'FetchArtifact'] });
  return {
    list: async (model, limit) => (await unaryCall(client, client.listModelVersions, { model, limit }, deadline())).versions,
    get: async (model, version) => {
      try {
        return (await unaryCall(client, client.getModelVersion, { model, version: version ?? '' }, deadline())).info;
      } catch (error) {
        if (isServiceError(error) && error.code === status.NOT_FOUND) return undefined;
        throw error;
      }
    },
    artifact: (model, version) =>
      new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        const stream = client.fetchArtifact({ model, version }, new Metadata(), deadline());
        stream.on('data', (chunk: registry.FetchArtifactResponse) => chunks.push(chunk.data));
        stream.on('error', reject);
        stream.on('end', () => resolve(Buffer.concat(chunks)));
      }),
    promote: async (model, version, by) => {
      const response = await unaryCall(client, client.promoteModelVersion, { model, version, promotedBy: by }, deadline());
      return { info: response.info!, previous: response.previousVersion };
    },
    rollback: async (model, by) => {
      const response = await unaryCall(client, client.rollbackModel, { model, promotedBy: by }, deadline());
      return { info: response.info!, rolledBack: response.rolledBackVersion };
    },
    close: async () => client.close(),
  };
}

export function storeRegistry(store: FeatureStore, closeStore = true): RegistryAccess {
  return {
    list: async (model, limit) => (await store.listModelVersions(model, limit)).map(modelInfoMessage),
    get: async (model, version) => {
      const info = await store.getModelVersion(model, version);
      return info ? modelInfoMessage(info) : undefined;
    },
    artifact: async (model, version) => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of store.readArtifact(model, version)) chunks.push(chunk.data);
      return Buffer.concat(chunks);
    },
    promote: async (model, version, by) => {
      const result = await store.promoteModelVersion(model, version, by);
      return { info: modelInfoMessage(result.info), previous: result.previousVersion };
    },
    rollback: async (model, by) => {
      const result = await store.rollbackModel(model, by);
      return { info: modelInfoMessage(result.info), rolledBack: result.rolledBackVersion };
    },
    close: async () => {
      if (closeStore) await store.close();
    },
  };
}
