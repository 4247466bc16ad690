import { Writable } from 'node:stream';
import { status, type ServiceError } from '@grpc/grpc-js';
import { copurchase } from '@aisle/contracts';
import { createClient, createServer, unaryCall, type AisleServer } from '@aisle/grpc-kit';
import { ModelVersions } from '@aisle/model-serving';
import { InMemoryModelSource } from '@aisle/model-serving/testing';
import { createLogger } from '@aisle/telemetry';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeCopurchaseArtifact } from './adapters/artifact-codec';
import type { EmbeddingIndex } from './domain/embedding-index';
import { copurchaseService } from './server';
import { tinyArtifact } from './testing/tiny-model';

const logger = createLogger('copurchase-test', new Writable({ write: (_chunk, _encoding, done) => done() }));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function start(source: InMemoryModelSource) {
  const models = await ModelVersions.start<EmbeddingIndex>({ model: 'copurchase', source, load: (bytes) => decodeCopurchaseArtifact(bytes).index, pollIntervalMs: 0, logger });
  const server: AisleServer = createServer({ logger, services: [copurchaseService(models)] });
  const port = await server.listen('127.0.0.1:0');
  const client = createClient(copurchase.CopurchaseServiceClient, `127.0.0.1:${port}`, { service: 'aisle.copurchase.v1.CopurchaseService' });
  cleanups.push(async () => {
    client.close();
    await server.drain(100);
    await models.stop();
  });
  const deadline = () => ({ deadline: Date.now() + 5000 });
  return {
    model: models.production,
    candidates: (request: Partial<copurchase.CandidatesRequest>) => unaryCall(client, client.candidates, { seeds: [], limit: 3, excludeProductIds: [], modelVersion: '', ...request }, deadline()),
    score: (request: Partial<copurchase.ScoreRequest>) => unaryCall(client, client.score, { seeds: [], candidateIds: [], modelVersion: '', ...request }, deadline()),
    info: () => unaryCall(client, client.getModelInfo, {}, deadline()),
  };
}

/** The status a call ended with (OK for an answer). */
function codeOf(promise: Promise<unknown>): Promise<status> {
  return promise.then(
    () => status.OK,
    (error: ServiceError) => error.code,
  );
}

function failure(promise: Promise<unknown>): Promise<ServiceError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: ServiceError) => error,
  );
}

const STEP = { v1: 0.3, v2: 0.6 } as const;

describe('CopurchaseService over gRPC', () => {
  it('answers nearest neighbours with scores, excluding seeds and excluded ids, and reports unknown seeds', async () => {
    const source = new InMemoryModelSource();
    source.publish('copurchase', 'v1', tinyArtifact(STEP.v1));
    const api = await start(source);
    const response = await api.candidates({ seeds: [{ productId: 'P2', weight: 0 }, { productId: 'NOPE', weight: 1 }], limit: 3, excludeProductIds: ['P1', 'ALSO-UNKNOWN'] });
    expect(response.candidates.map((c) => c.productId)).toEqual(['P3', 'P4', 'P0']);
    expect(response.candidates[0].score).toBeCloseTo(Math.cos(STEP.v1), 5);
    expect(response.unknownProductIds).toEqual(['NOPE']);
    expect(response.model).toMatchObject({ model: 'copurchase', version: 'v1' });
  });

  it('scores given candidates in request order and reports unknown seeds and candidates, once each', async () => {
    const source = new InMemoryModelSource();
    source.publish('copurchase', 'v1', tinyArtifact(STEP.v1));
    const api = await start(source);
    const response = await api.score({ seeds: [{ productId: 'P0', weight: 1 }, { productId: 'X', weight: 1 }], candidateIds: ['P2', 'Y', 'X', 'P1'] });
    expect(response.scores.map((s) => s.productId)).toEqual(['P2', 'P1']);
    expect(response.scores[0].score).toBeCloseTo(Math.cos(2 * STEP.v1), 5);
    expect(response.scores[1].score).toBeCloseTo(Math.cos(STEP.v1), 5);
    expect(response.unknownProductIds).toEqual(['X', 'Y']);
  });

  it('gives an empty result for empty or wholly unknown seeds, not an error', async () => {
    const source = new InMemoryModelSource();
    source.publish('copurchase', 'v1', tinyArtifact(STEP.v1));
    const api = await start(source);
    expect((await api.candidates({ seeds: [], limit: 5 })).candidates).toEqual([]);
    const unknown = await api.candidates({ seeds: [{ productId: 'Z', weight: 1 }], limit: 5 });
    expect(unknown.candidates).toEqual([]);
    expect(unknown.unknownProductIds).toEqual(['Z']);
    expect((await api.score({ seeds: [], candidateIds: ['P1'] })).scores).toEqual([]);
  });

  it('rejects requests over the limits with INVALID_ARGUMENT naming the field', async () => {
    const source = new InMemoryModelSource();
    source.publish('copurchase', 'v1', tinyArtifact(STEP.v1));
    const api = await start(source);
    const tooMany = await failure(api.candidates({ seeds: Array.from({ length: 101 }, (_, i) => ({ productId: `S${i}`, weight: 1 })), limit: 5 }));
    expect(tooMany.code).toBe(status.INVALID_ARGUMENT);
    expect(tooMany.metadata.get('x-invalid-field')).toEqual(['seeds']);
    const cases: [Promise<unknown>, string][] = [
      [api.candidates({ seeds: [{ productId: 'P0', weight: 1 }], limit: 0 }), 'limit'],
      [api.candidates({ seeds: [{ productId: 'P0', weight: 1 }], limit: 501 }), 'limit'],
      [api.candidates({ seeds: [{ productId: 'P0', weight: -1 }], limit: 5 }), 'seeds[0].weight'],
      [api.candidates({ seeds: [{ productId: '', weight: 1 }], limit: 5 }), 'seeds[0].product_id'],
      [api.candidates({ seeds: [{ productId: 'P0', weight: 1 }], limit: 5, excludeProductIds: Array.from({ length: 1001 }, (_, i) => `E${i}`) }), 'exclude_product_ids'],
      [api.score({ seeds: [{ productId: 'P0', weight: 1 }], candidateIds: Array.from({ length: 1001 }, (_, i) => `C${i}`) }), 'candidate_ids'],
      [api.candidates({ seeds: [{ productId: 'P0', weight: 1 }], limit: 5, modelVersion: 'v'.repeat(129) }), 'model_version'],
      [api.score({ seeds: [{ productId: 'P0', weight: 1 }], candidateIds: ['P1'], modelVersion: 'v'.repeat(129) }), 'model_version'],
    ];
    for (const [call, field] of cases) {
      const error = await failure(call);
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.metadata.get('x-invalid-field')).toEqual([field]);
    }
  });

  it('reports the serving version, its training window and metrics', async () => {
    const source = new InMemoryModelSource();
    source.publish('copurchase', 'v1', tinyArtifact(STEP.v1), { info: { trainStartUnixMs: 5, trainEndUnixMs: 10, metrics: { 'new.ndcg@10': 0.08 } } });
    const api = await start(source);
    const { info } = await api.info();
    expect(info).toMatchObject({ id: { model: 'copurchase', version: 'v1' }, trainStartUnixMs: 5, trainEndUnixMs: 10, metrics: { 'new.ndcg@10': 0.08 } });
    expect(info!.loadedUnixMs).toBeGreaterThan(0);
  });

  it('swaps versions under concurrent calls: no failure, every answer from exactly one version; a corrupt one is refused', async () => {
    const source = new InMemoryModelSource();
    source.publish('copurchase', 'v1', tinyArtifact(STEP.v1));
    const api = await start(source);
    const expected = (version: string) => Math.cos(version === 'v1' ? STEP.v1 : STEP.v2);
    const seen = new Set<string>();
    let swapping = true;
    // Eight clients call in a loop while versions alternate every few milliseconds.
    const worker = async () => {
      let calls = 0;
      while (swapping || calls < 20) {
        const response = await api.candidates({ seeds: [{ productId: 'P0', weight: 1 }], limit: 2 });
        const version = response.model!.version;
        seen.add(version);
        calls += 1;
        // P1 and P2 are the nearest neighbours of P0 in both versions; their scores identify the version.
        expect(response.candidates.map((c) => c.productId)).toEqual(['P1', 'P2']);
        expect(response.candidates[0].score).toBeCloseTo(expected(version), 5);
        expect(response.candidates[1].score).toBeCloseTo(Math.cos(2 * (version === 'v1' ? STEP.v1 : STEP.v2)), 5);
      }
      return calls;
    };
    const workers = Array.from({ length: 8 }, worker);
    let swaps = 0;
    for (let round = 0; round < 40; round += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const version = round % 2 === 0 ? 'v2' : 'v1';
      source.publish('copurchase', version, tinyArtifact(STEP[version]));
      if ((await api.model.refresh()) === 'swapped') swaps += 1;
    }
    swapping = false;
    const counts = await Promise.all(workers);
    expect(swaps).toBe(40);
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
    expect(seen).toEqual(new Set(['v1', 'v2']));

    const serving = api.model.info().id!.version;
    source.publish('copurchase', 'v3', tinyArtifact(0.9), { checksum: '0'.repeat(64) });
    expect(await api.model.refresh()).toBe('refused');
    const after = await api.candidates({ seeds: [{ productId: 'P0', weight: 1 }], limit: 1 });
    expect(after.model!.version).toBe(serving);
    expect(after.candidates[0].score).toBeCloseTo(expected(serving), 5);
  });

  it('answers with the registered version model_version names: UNAVAILABLE while it loads, then that version; production stays the default', async () => {
    const source = new InMemoryModelSource();
    source.publish('copurchase', 'v1', tinyArtifact(STEP.v1));
    source.register('copurchase', 'v2', tinyArtifact(STEP.v2));
    const api = await start(source);
    const seeds = [{ productId: 'P0', weight: 1 }];
    const first = await failure(api.candidates({ seeds, limit: 2, modelVersion: 'v2' }));
    expect(first.code).toBe(status.UNAVAILABLE);
    expect(first.details).toBe('model_version: loading v2');
    await expect.poll(() => codeOf(api.candidates({ seeds, limit: 2, modelVersion: 'v2' })), { timeout: 10_000 }).toBe(status.OK);

    const pinned = await api.candidates({ seeds, limit: 2, modelVersion: 'v2' });
    expect(pinned.model).toMatchObject({ model: 'copurchase', version: 'v2' });
    expect(pinned.candidates.map((c) => c.productId)).toEqual(['P1', 'P2']);
    expect(pinned.candidates[0].score).toBeCloseTo(Math.cos(STEP.v2), 5);
    const scored = await api.score({ seeds, candidateIds: ['P1', 'P2'], modelVersion: 'v2' });
    expect(scored.model).toMatchObject({ model: 'copurchase', version: 'v2' });
    expect(scored.scores.map((s) => s.score)).toEqual([expect.closeTo(Math.cos(STEP.v2), 5), expect.closeTo(Math.cos(2 * STEP.v2), 5)]);

    // "" and the production version's own id both answer from production, with production's scores.
    for (const modelVersion of ['', 'v1']) {
      const production = await api.candidates({ seeds, limit: 2, modelVersion });
      expect(production.model).toMatchObject({ model: 'copurchase', version: 'v1' });
      expect(production.candidates[0].score).toBeCloseTo(Math.cos(STEP.v1), 5);
      expect(production.candidates[0].score).not.toBeCloseTo(pinned.candidates[0].score, 3);
    }
    const production = await api.score({ seeds, candidateIds: ['P1'] });
    expect(production.model?.version).toBe('v1');
    expect(production.scores[0].score).toBeCloseTo(Math.cos(STEP.v1), 5);
    // GetModelInfo is about production only.
    expect((await api.info()).info?.id?.version).toBe('v1');
  });

  it('answers NOT_FOUND naming model_version for a version the registry does not have', async () => {
    const source = new InMemoryModelSource();
    source.publish('copurchase', 'v1', tinyArtifact(STEP.v1));
    const api = await start(source);
    const seeds = [{ productId: 'P0', weight: 1 }];
    await expect.poll(() => codeOf(api.score({ seeds, candidateIds: ['P1'], modelVersion: 'v9' })), { timeout: 10_000 }).toBe(status.NOT_FOUND);
    const missing = await failure(api.candidates({ seeds, limit: 2, modelVersion: 'v9' }));
    expect(missing.code).toBe(status.NOT_FOUND);
    expect(missing.details).toBe('model_version: copurchase has no version v9');
    expect((await api.candidates({ seeds, limit: 2 })).model?.version).toBe('v1');
  });
});
