import { Writable } from 'node:stream';
import { status } from '@grpc/grpc-js';
import { registry } from '@aisle/contracts';
import { createClient, createServer, InvalidArgumentError, NotFoundError, service, UnavailableError, type AisleServer } from '@aisle/grpc-kit';
import { createLogger } from '@aisle/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcModelSource, sha256Hex } from './index';

const logger = createLogger('registry-fake', new Writable({ write: (_chunk, _encoding, done) => done() }));
const artifact = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 251));
let server: AisleServer;
let client: registry.ModelRegistryServiceClient;

// A registry that serves one production version in 4 KiB chunks, or out-of-order chunks for "broken".
beforeAll(async () => {
  const unused = async () => {
    throw new Error('not used');
  };
  server = createServer({
    logger,
    services: [
      service('aisle.features.v1.ModelRegistryService', registry.ModelRegistryServiceService, {
        listModelVersions: unused,
        promoteModelVersion: unused,
        rollbackModel: unused,
        getModelVersion: async (request) => {
          if (request.model !== 'copurchase') throw new NotFoundError(`no production version of ${request.model}`);
          if (request.version.length > 64) throw new InvalidArgumentError('version', 'must be at most 64 characters');
          if (request.version === 'down') throw new UnavailableError('store unavailable');
          const version = request.version || 'v7';
          if (version !== 'v7' && version !== 'v6') throw new NotFoundError(`model copurchase has no version ${version}`);
          return { info: { id: { model: 'copurchase', version }, checksum: sha256Hex(artifact), stage: version === 'v7' ? 'production' : 'candidate', createdUnixMs: 1, trainStartUnixMs: 0, trainEndUnixMs: 0, trainingRows: 5, inputHash: '', codeVersion: '', parameters: {}, metrics: {}, loadedUnixMs: 0 } };
        },
        fetchArtifact: async function* (request) {
          const size = 4096;
          const count = Math.ceil(artifact.length / size);
          const order = request.version === 'broken' ? [1, 0, 2] : Array.from({ length: count }, (_, i) => i);
          for (const index of order) yield { index, count, data: artifact.subarray(index * size, (index + 1) * size) };
        },
      }),
    ],
  });
  const port = await server.listen('127.0.0.1:0');
  client = createClient(registry.ModelRegistryServiceClient, `127.0.0.1:${port}`, { service: 'aisle.features.v1.ModelRegistryService' });
});
afterAll(async () => {
  client.close();
  await server.drain(100);
});

describe('grpcModelSource', () => {
  it('reads the production version and reassembles a chunked artifact', async () => {
    const source = grpcModelSource(client);
    const info = await source.production('copurchase');
    expect(info?.id?.version).toBe('v7');
    const bytes = await source.fetch('copurchase', 'v7');
    expect(sha256Hex(bytes)).toBe(info?.checksum);
  });

  it('maps NOT_FOUND to "no production version" and rejects out-of-order chunks', async () => {
    const source = grpcModelSource(client);
    expect(await source.production('affinity')).toBeUndefined();
    await expect(source.fetch('copurchase', 'broken')).rejects.toThrow(/out of order/);
  });

  it('describes any registered version: NOT_FOUND or a malformed version id is no such version, other failures are errors', async () => {
    const source = grpcModelSource(client);
    expect(await source.version('copurchase', 'v6')).toMatchObject({ id: { model: 'copurchase', version: 'v6' }, stage: 'candidate' });
    expect(await source.version('copurchase', 'v5')).toBeUndefined();
    expect(await source.version('copurchase', 'x'.repeat(65))).toBeUndefined();
    expect(await source.version('copurchase', '')).toBeUndefined();
    await expect(source.version('copurchase', 'down')).rejects.toMatchObject({ code: status.UNAVAILABLE });
  });
});
