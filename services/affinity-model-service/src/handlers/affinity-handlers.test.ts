import { status, type ServiceError } from '@grpc/grpc-js';
import { affinity } from '@aisle/contracts';
import { createClient, createServer, unaryCall, type AisleServer } from '@aisle/grpc-kit';
import { ModelVersions } from '@aisle/model-serving';
import { InMemoryModelSource } from '@aisle/model-serving/testing';
import { createLogger } from '@aisle/telemetry';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelInfoOf } from '../adapters/file-source';
import { loadAffinityModel } from '../adapters/model-loader';
import type { AffinityModel } from '../domain/affinity-model';
import { userStates } from '../domain/user-state';
import { AFFINITY_SERVICE, affinityService } from '../server';
import { syntheticLines } from '../testing/synthetic';
import { TINY_CUT_MS, trainTinyModel } from '../testing/tiny-model';
import type { TrainResult } from '../training/train-affinity';

const logger = createLogger('affinity-test', new Writable({ write: (_chunk, _encoding, done) => done() }));
const deadline = () => Date.now() + 10_000;

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

describe('AffinityService over gRPC', () => {
  let v1: TrainResult;
  let v2: TrainResult;
  let source: InMemoryModelSource;
  let models: ModelVersions<AffinityModel>;
  let server: AisleServer;
  let client: affinity.AffinityServiceClient;
  const disposed: string[] = [];
  const state = userStates(syntheticLines().filter((l) => l.invoiceDate < TINY_CUT_MS) as never, TINY_CUT_MS).get('13002')!;
  const request = (over: Partial<affinity.ScoreRequest> = {}): affinity.ScoreRequest => ({
    user: { userId: '13002', ...state.profile },
    history: [...state.history.values()],
    candidateIds: ['20000', '20014', '20003', '99999X'],
    context: { country: 'United Kingdom', timeUnixMs: TINY_CUT_MS + 3_600_000 * 12 },
    explainTop: 3,
    modelVersion: '',
    ...over,
  });

  beforeAll(async () => {
    v1 = await trainTinyModel({ seed: 1 });
    v2 = await trainTinyModel({ seed: 2, rounds: 25 });
    source = new InMemoryModelSource();
    source.publish('affinity', v1.info.version, v1.artifactBytes, { info: modelInfoOf(v1.artifactBytes, 'affinity', 'production') });
    // Registered, not promoted: served only to requests naming it.
    source.register('affinity', v2.info.version, v2.artifactBytes, { info: modelInfoOf(v2.artifactBytes, 'affinity', 'candidate') });
    models = await ModelVersions.start({
      model: 'affinity',
      source,
      // The wasm engine, so every swap also has wasm memory to free.
      load: (bytes) => loadAffinityModel(bytes, 'wasm'),
      dispose: (old) => {
        disposed.push(old.info.version);
        old.dispose();
      },
      pollIntervalMs: 0,
      logger,
    });
    server = createServer({ logger, services: [affinityService(models)] });
    const port = await server.listen('127.0.0.1:0');
    client = createClient(affinity.AffinityServiceClient, `127.0.0.1:${port}`, { service: AFFINITY_SERVICE });
  });

  afterAll(async () => {
    client?.close();
    await server?.drain(100);
    await models?.stop();
  });

  it('scores candidates in request order with explanations, flags defaults, reports its version', async () => {
    const response = await unaryCall(client, client.score, request(), { deadline: deadline() });
    expect(response.scores.map((s) => s.productId)).toEqual(['20000', '20014', '20003', '99999X']);
    for (const s of response.scores) {
      expect(s.probability).toBeGreaterThan(0);
      expect(s.probability).toBeLessThan(1);
      expect(s.contributions).toHaveLength(3);
    }
    expect(response.unknownProductIds).toEqual(['99999X']);
    expect(response.defaultedFeatures).toEqual(['product_stats']);
    expect(response.model).toMatchObject({ model: 'affinity', version: v1.info.version });

    const anonymous = await unaryCall(client, client.score, request({ user: undefined, history: [], context: undefined, explainTop: 0, candidateIds: ['20000'] }), { deadline: deadline() });
    expect(anonymous.defaultedFeatures).toEqual(['context.country', 'user_profile']);
    expect(anonymous.scores[0].contributions).toEqual([]);
  });

  it('answers GetModelInfo with the registry metadata of the loaded version', async () => {
    const { info } = await unaryCall(client, client.getModelInfo, {}, { deadline: deadline() });
    expect(info?.id?.version).toBe(v1.info.version);
    expect(info?.trainingRows).toBe(v1.info.trainingRows);
    expect(info?.trainEndUnixMs).toBe(TINY_CUT_MS);
    expect(info?.parameters['xgb.max_depth']).toBe('3');
    expect(info?.loadedUnixMs).toBeGreaterThan(0);
  });

  it('rejects bad input with INVALID_ARGUMENT naming the field', async () => {
    const cases: [Partial<affinity.ScoreRequest>, string][] = [
      [{ candidateIds: [] }, 'candidate_ids'],
      [{ candidateIds: Array.from({ length: 1001 }, (_, i) => String(20000 + i)) }, 'candidate_ids'],
      [{ candidateIds: ['20000', ''] }, 'candidate_ids[1]'],
      [{ explainTop: 11 }, 'explain_top'],
      [{ history: [{ ...state.history.values().next().value!, invoiceCount: -1 }] }, 'history[0].invoice_count'],
      [{ context: { country: 'x'.repeat(65), timeUnixMs: 0 } }, 'context.country'],
      [{ modelVersion: 'v'.repeat(129) }, 'model_version'],
    ];
    for (const [over, field] of cases) {
      const error = await failure(unaryCall(client, client.score, request(over), { deadline: deadline() }));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.metadata.get('x-invalid-field')).toEqual([field]);
    }
  });

  it('answers with the registered version model_version names: UNAVAILABLE while it loads, then that version; production stays the default', async () => {
    const score = (over: Partial<affinity.ScoreRequest> = {}) => unaryCall(client, client.score, request(over), { deadline: deadline() });
    const first = await failure(score({ modelVersion: v2.info.version }));
    expect(first.code).toBe(status.UNAVAILABLE);
    expect(first.details).toBe(`model_version: loading ${v2.info.version}`);
    await expect.poll(() => codeOf(score({ modelVersion: v2.info.version })), { timeout: 10_000 }).toBe(status.OK);

    const pinned = await score({ modelVersion: v2.info.version });
    const production = await score();
    const byId = await score({ modelVersion: v1.info.version });
    expect(pinned.model).toMatchObject({ model: 'affinity', version: v2.info.version });
    expect(production.model).toMatchObject({ model: 'affinity', version: v1.info.version });
    expect(byId.model).toMatchObject({ model: 'affinity', version: v1.info.version });
    const probabilities = (response: affinity.ScoreResponse) => response.scores.map((s) => s.probability);
    expect(pinned.scores.map((s) => s.productId)).toEqual(production.scores.map((s) => s.productId));
    // Another model (other seed, more rounds) gives other probabilities; naming production's id gives production's.
    expect(probabilities(pinned)).not.toEqual(probabilities(production));
    expect(probabilities(byId)).toEqual(probabilities(production));
    // Repeatable: the pinned version answers the same request the same way.
    expect(probabilities(await score({ modelVersion: v2.info.version }))).toEqual(probabilities(pinned));
    // GetModelInfo is about production only.
    const { info } = await unaryCall(client, client.getModelInfo, {}, { deadline: deadline() });
    expect(info?.id?.version).toBe(v1.info.version);
  });

  it('answers NOT_FOUND naming model_version for a version the registry does not have', async () => {
    const score = (over: Partial<affinity.ScoreRequest> = {}) => unaryCall(client, client.score, request(over), { deadline: deadline() });
    await expect.poll(() => codeOf(score({ modelVersion: 'no-such-version' })), { timeout: 10_000 }).toBe(status.NOT_FOUND);
    const missing = await failure(score({ modelVersion: 'no-such-version' }));
    expect(missing.details).toBe('model_version: affinity has no version no-such-version');
    expect((await score()).model?.version).toBe(v1.info.version);
  });

  it('hot-swaps under concurrent calls: every call answers, from one version, and the old booster is freed', async () => {
    const versions = new Set<string>();
    let stop = false;
    const load = Array.from({ length: 4 }, async () => {
      let calls = 0;
      while (!stop || calls < 20) {
        const response = await unaryCall(client, client.score, request({ explainTop: 1 }), { deadline: deadline() });
        expect(response.scores).toHaveLength(4);
        versions.add(response.model!.version);
        calls += 1;
      }
      return calls;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // A corrupted artifact is refused and v1 keeps serving.
    source.publish('affinity', 'corrupt', v2.artifactBytes, { checksum: 'f'.repeat(64) });
    expect(await models.production.refresh()).toBe('refused');
    source.publish('affinity', v2.info.version, v2.artifactBytes, { info: modelInfoOf(v2.artifactBytes, 'affinity', 'production') });
    expect(await models.production.refresh()).toBe('swapped');
    await new Promise((resolve) => setTimeout(resolve, 50));
    stop = true;
    const calls = await Promise.all(load);
    expect(calls.every((n) => n >= 20)).toBe(true);
    expect([...versions].sort()).toEqual([v1.info.version, v2.info.version].sort());
    const { info } = await unaryCall(client, client.getModelInfo, {}, { deadline: deadline() });
    expect(info?.id?.version).toBe(v2.info.version);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(disposed).toEqual([v1.info.version]);
  });
});
