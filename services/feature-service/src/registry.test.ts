import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import { unaryCall } from '@aisle/grpc-kit';
import type { registry } from '@aisle/contracts';
import { SqliteStore } from '@aisle/feature-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeatureServer } from './testing/start';

const deadline = () => ({ deadline: Date.now() + 5000 });

function fetchAll(client: registry.ModelRegistryServiceClient, request: registry.FetchArtifactRequest): Promise<registry.FetchArtifactResponse[]> {
  return new Promise((resolve, reject) => {
    const chunks: registry.FetchArtifactResponse[] = [];
    const stream = client.fetchArtifact(request, { deadline: Date.now() + 5000 });
    stream.on('data', (chunk: registry.FetchArtifactResponse) => chunks.push(chunk));
    stream.on('error', reject);
    stream.on('end', () => resolve(chunks));
  });
}

describe('ModelRegistryService', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aisle-registry-'));
  const store = new SqliteStore(join(dir, 'store.db'));
  let running: Awaited<ReturnType<typeof startFeatureServer>>;
  const artifact = new Uint8Array(1_100_000).map((_, index) => index % 256);
  const base = { trainStartUnixMs: 1, trainEndUnixMs: 2, trainingRows: 10, inputHash: 'h', codeVersion: 'c', parameters: { dim: '8' }, metrics: { 'all.hr@10': 0.5 } };

  beforeAll(async () => {
    await store.registerModelVersion({ model: 'copurchase', version: 'v1', ...base }, artifact);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.registerModelVersion({ model: 'copurchase', version: 'v2', ...base }, new Uint8Array([1, 2, 3]));
    running = await startFeatureServer(store);
  });
  afterAll(async () => {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists, streams a checksummed artifact, promotes and rolls back', async () => {
    const client = running.registryClient;
    const listed = await unaryCall(client, client.listModelVersions, { model: 'copurchase', limit: 0 }, deadline());
    expect(listed.versions.map((info) => [info.id?.version, info.stage])).toEqual([
      ['v2', 'candidate'],
      ['v1', 'candidate'],
    ]);
    const noProduction = await unaryCall(client, client.getModelVersion, { model: 'copurchase', version: '' }, deadline()).catch((error: ServiceError) => error);
    expect((noProduction as ServiceError).code).toBe(status.NOT_FOUND);

    const chunks = await fetchAll(client, { model: 'copurchase', version: 'v1' });
    expect(chunks.map((chunk) => [chunk.index, chunk.count])).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
    ]);
    const whole = Buffer.concat(chunks.map((chunk) => chunk.data));
    expect(createHash('sha256').update(whole).digest('hex')).toBe(listed.versions[1]!.checksum);

    expect(listed.versions[1]).toMatchObject({ sizeBytes: artifact.length, promotedBy: undefined, promotedUnixMs: undefined });
    const before = Date.now();
    const promoted = await unaryCall(client, client.promoteModelVersion, { model: 'copurchase', version: 'v1', promotedBy: 'ci' }, deadline());
    expect(promoted).toMatchObject({ previousVersion: '', info: { stage: 'production', id: { version: 'v1' }, promotedBy: 'ci' } });
    expect(promoted.info!.promotedUnixMs).toBeGreaterThanOrEqual(before);
    const shown = (await unaryCall(client, client.getModelVersion, { model: 'copurchase', version: 'v1' }, deadline())).info!;
    expect([shown.promotedBy, shown.promotedUnixMs]).toEqual(['ci', promoted.info!.promotedUnixMs]);
    await unaryCall(client, client.promoteModelVersion, { model: 'copurchase', version: 'v2', promotedBy: 'ci' }, deadline());
    expect((await unaryCall(client, client.getModelVersion, { model: 'copurchase', version: '' }, deadline())).info?.id?.version).toBe('v2');
    const rolled = await unaryCall(client, client.rollbackModel, { model: 'copurchase', promotedBy: 'oncall' }, deadline());
    expect(rolled).toMatchObject({ rolledBackVersion: 'v2', info: { id: { version: 'v1' }, stage: 'production', promotedBy: 'oncall' } });
    const listedAfter = await unaryCall(client, client.listModelVersions, { model: 'copurchase', limit: 0 }, deadline());
    expect(listedAfter.versions.map((info) => [info.id?.version, info.stage, info.promotedBy])).toEqual([
      ['v2', 'retired', 'ci'],
      ['v1', 'production', 'oncall'],
    ]);
    const again = await unaryCall(client, client.rollbackModel, { model: 'copurchase', promotedBy: 'oncall' }, deadline()).catch((error: ServiceError) => error);
    expect((again as ServiceError).code).toBe(status.FAILED_PRECONDITION);
  });

  it('maps unknown versions to NOT_FOUND and bad input to INVALID_ARGUMENT', async () => {
    const client = running.registryClient;
    const missing = await fetchAll(client, { model: 'copurchase', version: 'nope' }).catch((error: ServiceError) => error);
    expect((missing as ServiceError).code).toBe(status.NOT_FOUND);
    const bad = await unaryCall(client, client.promoteModelVersion, { model: 'copurchase', version: 'v1', promotedBy: '' }, deadline()).catch((error: ServiceError) => error);
    expect((bad as ServiceError).code).toBe(status.INVALID_ARGUMENT);
    expect((bad as ServiceError).metadata.get('x-invalid-field')).toEqual(['promoted_by']);
  });
});
