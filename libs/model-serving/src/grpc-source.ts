// ModelSource over feature-service's ModelRegistryService: metadata by a unary call, the artifact
// by a server stream of ordered chunks that is checked for completeness before it is returned.
import { Metadata, status } from '@grpc/grpc-js';
import type { registry } from '@aisle/contracts';
import { isServiceError, unaryCall } from '@aisle/grpc-kit';
import type { ModelVersionInfo, VersionedModelSource } from './source';

export interface GrpcModelSourceOptions {
  /** Deadline of each registry call (default 10 s; an artifact fetch gets 6× this). */
  timeoutMs?: number;
}

export function grpcModelSource(client: registry.ModelRegistryServiceClient, options: GrpcModelSourceOptions = {}): VersionedModelSource {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async version(model: string, version: string): Promise<ModelVersionInfo | undefined> {
      // "" would ask for production: a caller that means production calls `production`.
      if (version === '') return undefined;
      try {
        const response = await unaryCall(client, client.getModelVersion, { model, version }, { deadline: Date.now() + timeoutMs });
        return response.info;
      } catch (error) {
        if (isServiceError(error)) {
          if (error.code === status.NOT_FOUND) return undefined;
          // A version id the registry refuses as malformed (e.g. too long) is one it cannot hold.
          if (error.code === status.INVALID_ARGUMENT && error.metadata.get('x-invalid-field')[0] === 'version') return undefined;
        }
        throw error;
      }
    },
    async production(model: string): Promise<ModelVersionInfo | undefined> {
      try {
        const response = await unaryCall(client, client.getModelVersion, { model, version: '' }, { deadline: Date.now() + timeoutMs });
        return response.info;
      } catch (error) {
        // No production version yet is a normal state of a fresh registry, not a failure.
        if (isServiceError(error) && error.code === status.NOT_FOUND) return undefined;
        throw error;
      }
    },
    fetch(model: string, version: string): Promise<Uint8Array> {
      return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let expected = -1;
        const stream = client.fetchArtifact({ model, version }, new Metadata(), { deadline: Date.now() + 6 * timeoutMs });
        stream.on('data', (chunk: registry.FetchArtifactResponse) => {
          if (expected < 0) expected = chunk.count;
          if (chunk.count !== expected || chunk.index !== chunks.length) {
            stream.cancel();
            reject(new Error(`artifact ${model}@${version}: chunk ${chunk.index}/${chunk.count} out of order (expected ${chunks.length}/${expected})`));
            return;
          }
          chunks.push(chunk.data);
        });
        stream.on('error', (error) => reject(error));
        stream.on('end', () => {
          if (chunks.length !== expected) reject(new Error(`artifact ${model}@${version}: got ${chunks.length} of ${expected} chunks`));
          else resolve(Buffer.concat(chunks));
        });
      });
    },
  };
}
