// Every bad request to AffinityService gets the status affinity.proto documents, naming the field;
// odd but valid requests (unicode, duplicates, unknown products) are scored. Real handlers over real
// gRPC with a small model trained on synthetic data.
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { status } from '@grpc/grpc-js';
import { affinity } from '@aisle/contracts';
import { createServer, type AisleServer } from '@aisle/grpc-kit';
import { describeBadInput, type BadInputCase } from '@aisle/grpc-kit/testing/bad-input';
import { ModelVersions } from '@aisle/model-serving';
import { InMemoryModelSource } from '@aisle/model-serving/testing';
import { createLogger } from '@aisle/telemetry';
import { afterAll, beforeAll } from 'vitest';
import { modelInfoOf } from './adapters/file-source';
import { loadAffinityModel } from './adapters/model-loader';
import type { AffinityModel } from './domain/affinity-model';
import { AFFINITY_SERVICE, affinityService } from './server';
import { TINY_CUT_MS, trainTinyModel } from './testing/tiny-model';

const logger = createLogger('affinity-bad-input', new Writable({ write: (_chunk, _encoding, done) => done() }));
const INVALID = status.INVALID_ARGUMENT;
const ids = (count: number) => Array.from({ length: count }, (_, i) => `2${String(i).padStart(4, '0')}`);
const profile = { userId: '13002', country: 'United Kingdom', firstSeenUnixMs: TINY_CUT_MS - 90 * 86_400_000, lastSeenUnixMs: TINY_CUT_MS - 86_400_000, invoiceCount: 4, totalQuantity: 40, monetary: 120.5, distinctProducts: 6 };
const stats = { productId: '20000', invoiceCount: 2, totalQuantity: 12, firstUnixMs: TINY_CUT_MS - 60 * 86_400_000, lastUnixMs: TINY_CUT_MS - 86_400_000, spend: 30 };
const base: Partial<affinity.ScoreRequest> = { user: profile, history: [stats], candidateIds: ['20000', '20014'], context: { country: 'United Kingdom', timeUnixMs: TINY_CUT_MS }, explainTop: 2 };
const score = (over: Partial<affinity.ScoreRequest>, name: string, code: status, field?: string): BadInputCase => ({ rpc: 'score', name, request: affinity.ScoreRequest.fromPartial({ ...base, ...over }), code, field });

const cases: BadInputCase[] = [
  { rpc: 'score', name: 'empty request', request: affinity.ScoreRequest.fromPartial({}), code: INVALID, field: 'candidate_ids' },
  score({}, 'a valid request', status.OK),
  score({ user: undefined, history: [] }, 'an unknown user (no profile)', status.OK),
  score({ candidateIds: ['20000', '20000', '商品-🛒'] }, 'duplicate and unknown unicode candidates', status.OK),
  score({ candidateIds: [] }, 'no candidates', INVALID, 'candidate_ids'),
  score({ candidateIds: ids(1001) }, '1,001 candidates', INVALID, 'candidate_ids'),
  score({ candidateIds: ids(300_000) }, 'a huge list of candidates', INVALID, 'candidate_ids'),
  score({ candidateIds: ['20000', 'x'.repeat(65)] }, 'an oversized candidate id', INVALID, 'candidate_ids[1]'),
  score({ explainTop: -1 }, 'a negative explain_top', INVALID, 'explain_top'),
  score({ explainTop: 11 }, 'explain_top above 10', INVALID, 'explain_top'),
  score({ context: { country: 'United\u0007Kingdom', timeUnixMs: TINY_CUT_MS } }, 'a control character in the country', INVALID, 'context.country'),
  score({ context: { country: 'x'.repeat(65), timeUnixMs: TINY_CUT_MS } }, 'an oversized country', INVALID, 'context.country'),
  score({ context: { country: 'Österreich', timeUnixMs: -1 } }, 'a negative time', INVALID, 'context.time_unix_ms'),
  score({ user: { ...profile, monetary: Number.NaN } }, 'a NaN monetary value', INVALID, 'user.monetary'),
  score({ user: { ...profile, monetary: -Infinity } }, 'an infinite monetary value', INVALID, 'user.monetary'),
  score({ user: { ...profile, invoiceCount: -3 } }, 'a negative invoice count', INVALID, 'user.invoice_count'),
  // Returns and cancellations net quantities and money below zero: scored, not refused.
  score({ user: { ...profile, totalQuantity: -3, monetary: -7.5 }, history: [{ ...stats, totalQuantity: -12, spend: -30 }] }, 'net-negative totals from returns', status.OK),
  score({ user: { ...profile, userId: 'u'.repeat(65) } }, 'an oversized profile user id', INVALID, 'user.user_id'),
  score({ history: [stats, { ...stats, spend: Number.NaN }] }, 'a NaN spend in the history', INVALID, 'history[1].spend'),
  score({ history: [{ ...stats, invoiceCount: -1 }] }, 'a negative history count', INVALID, 'history[0].invoice_count'),
  score({ history: [{ ...stats, productId: '' }] }, 'an empty history product id', INVALID, 'history[0].product_id'),
  score({ history: [stats, stats] }, 'duplicate history entries', status.OK),
  score({ history: Array.from({ length: 5001 }, (_, i) => ({ ...stats, productId: `H${i}` })) }, '5,001 history entries', INVALID, 'history'),
  score({ modelVersion: 'v1' }, 'model_version naming the production version', status.OK),
  score({ modelVersion: 'v'.repeat(129) }, 'a model_version over 128 characters', INVALID, 'model_version'),
  score({ modelVersion: 'v\u00071' }, 'a control character in model_version', INVALID, 'model_version'),
  { rpc: 'getModelInfo', name: 'empty request', request: {}, code: status.OK },
];

let server: AisleServer;
let model: ModelVersions<AffinityModel>;
let address = '';

beforeAll(async () => {
  const trained = await trainTinyModel({ seed: 1 });
  const source = new InMemoryModelSource();
  // Registered under a fixed version id, so the cases can name it.
  source.publish('affinity', 'v1', trained.artifactBytes, { info: modelInfoOf(trained.artifactBytes, 'affinity', 'production') });
  model = await ModelVersions.start({ model: 'affinity', source, load: (bytes) => loadAffinityModel(bytes, 'js'), dispose: (old) => old.dispose(), pollIntervalMs: 0, logger });
  server = createServer({ logger, services: [affinityService(model)] });
  address = `127.0.0.1:${await server.listen('127.0.0.1:0')}`;
});

afterAll(async () => {
  await server?.drain(100);
  await model?.stop();
});

describeBadInput(
  {
    service: AFFINITY_SERVICE,
    definition: affinity.AffinityServiceService,
    protoFile: join(__dirname, '../../../proto/aisle/affinity/v1/affinity.proto'),
    cases,
    // A mutated request may carry some model_version: one the registry lacks, or one still loading.
    fuzzStatuses: { score: [status.NOT_FOUND, status.UNAVAILABLE] },
  },
  () => ({ address, server }),
);
