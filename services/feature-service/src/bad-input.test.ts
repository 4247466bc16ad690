// Every bad request to FeatureService and ModelRegistryService gets the status the protos document,
// naming the field; odd but valid requests (unicode, duplicates, unknown ids) are served. Real
// handlers over real gRPC on a SQLite store in a temporary directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { status } from '@grpc/grpc-js';
import { features, registry, slates } from '@aisle/contracts';
import { SqliteStore } from '@aisle/feature-store';
import { createServer, type AisleServer } from '@aisle/grpc-kit';
import { describeBadInput, type BadInputCase } from '@aisle/grpc-kit/testing/bad-input';
import { createLogger } from '@aisle/telemetry';
import { afterAll, beforeAll } from 'vitest';
import { loadFeatureServiceSettings } from './config';
import { featureServer, type FeatureServer } from './server';

const logger = createLogger('feature-bad-input', new Writable({ write: (_chunk, _encoding, done) => done() }));
const INVALID = status.INVALID_ARGUMENT;
const NOT_FOUND = status.NOT_FOUND;
const PRECONDITION = status.FAILED_PRECONDITION;
const ids = (count: number) => Array.from({ length: count }, (_, i) => `P${i}`);
const line = (over: Partial<features.TransactionLine> = {}): features.TransactionLine => ({
  lineId: 'bad-input:1',
  invoiceNo: 'B1',
  productId: '85123A',
  description: 'WHITE HANGING HEART',
  quantity: 2,
  unitPrice: 2.55,
  timeUnixMs: 1_291_191_960_000,
  userId: '17850',
  country: 'United Kingdom',
  ...over,
});

const slate = (over: Partial<slates.Slate> = {}): slates.Slate =>
  slates.Slate.fromPartial({
    slateId: 'slate-1',
    requestId: 'request-1',
    userHash: '0123456789abcdef',
    context: { country: 'United Kingdom', timeUnixMs: 1_291_191_960_000 },
    servedUnixMs: 1_764_000_000_000,
    candidates: [{ productId: '85123A', score: 0.4, copurchase: 0.1, affinity: 0.2, popularity: 0.3, repeat: 0, context: 0, sources: ['popular'] }],
    served: ['85123A'],
    k: 10,
    ...over,
  });

function cases(): BadInputCase[] {
  const of =
    <T,>(rpc: string, fromPartial: (value: Partial<T>) => T) =>
    (request: Partial<T>, name: string, code: status, field?: string): BadInputCase => ({ rpc, name, request: fromPartial(request), code, field });
  const userContext = of<features.GetUserContextRequest>('getUserContext', (value) => features.GetUserContextRequest.fromPartial(value));
  const versions = of<features.GetUserVersionsRequest>('getUserVersions', (value) => features.GetUserVersionsRequest.fromPartial(value));
  const products = of<features.BatchGetProductsRequest>('batchGetProducts', (value) => features.BatchGetProductsRequest.fromPartial(value));
  const popular = of<features.PopularRequest>('popular', (value) => features.PopularRequest.fromPartial(value));
  const ingest = of<features.IngestRequest>('ingest', (value) => features.IngestRequest.fromPartial(value));
  const erase = of<features.EraseUserRequest>('eraseUser', (value) => features.EraseUserRequest.fromPartial(value));
  const stock = of<features.SetStockRequest>('setStock', (value) => features.SetStockRequest.fromPartial(value));
  const update = (over: Partial<features.StockUpdate> = {}): features.StockUpdate => ({ productId: '85123A', inStock: false, updatedUnixMs: 1_764_000_000_000, ...over });
  const list = of<registry.ListModelVersionsRequest>('listModelVersions', (value) => registry.ListModelVersionsRequest.fromPartial(value));
  const get = of<registry.GetModelVersionRequest>('getModelVersion', (value) => registry.GetModelVersionRequest.fromPartial(value));
  const fetch = of<registry.FetchArtifactRequest>('fetchArtifact', (value) => registry.FetchArtifactRequest.fromPartial(value));
  const promote = of<registry.PromoteModelVersionRequest>('promoteModelVersion', (value) => registry.PromoteModelVersionRequest.fromPartial(value));
  const rollback = of<registry.RollbackModelRequest>('rollbackModel', (value) => registry.RollbackModelRequest.fromPartial(value));
  const append = of<slates.AppendSlatesRequest>('appendSlates', (value) => slates.AppendSlatesRequest.fromPartial(value));
  const candidate = slate().candidates[0]!;
  return [
    userContext({}, 'empty request', INVALID, 'user_id'),
    userContext({ userId: '顧客-ü-🛒' }, 'an unknown unicode user', status.OK),
    userContext({ userId: 'x'.repeat(65) }, 'an oversized user id', INVALID, 'user_id'),
    userContext({ userId: 'a\u001bb' }, 'a control character in the user id', INVALID, 'user_id'),
    userContext({ userId: '17850', recentLimit: -1 }, 'a negative recent_limit', INVALID, 'recent_limit'),
    userContext({ userId: '17850', recentLimit: 501 }, 'recent_limit above 500', INVALID, 'recent_limit'),
    versions({}, 'empty request', INVALID, 'user_ids'),
    versions({ userIds: ['17850', '17850', '顧客-ü-🛒'] }, 'duplicate and unknown unicode ids', status.OK),
    versions({ userIds: ids(1001) }, '1,001 ids', INVALID, 'user_ids'),
    versions({ userIds: ['17850', ''] }, 'an empty id', INVALID, 'user_ids[1]'),
    versions({ userIds: ['x'.repeat(65)] }, 'an oversized id', INVALID, 'user_ids[0]'),
    products({}, 'empty request', status.OK),
    products({ productIds: ['85123A', '85123A', '製品'] }, 'duplicate and unknown unicode ids', status.OK),
    products({ productIds: ids(1001) }, '1,001 ids', INVALID, 'product_ids'),
    products({ productIds: ids(300_000) }, 'a huge list of ids', INVALID, 'product_ids'),
    products({ productIds: ['85123A', ''] }, 'an empty id', INVALID, 'product_ids[1]'),
    popular({}, 'empty request', INVALID, 'limit'),
    popular({ limit: 10, context: { country: 'España', timeUnixMs: 0 } }, 'a unicode country', status.OK),
    popular({ limit: -1 }, 'a negative limit', INVALID, 'limit'),
    popular({ limit: 1001 }, 'limit above 1,000', INVALID, 'limit'),
    popular({ limit: 10, window: 99 as features.PopularityWindow }, 'an unknown window', INVALID, 'window'),
    popular({ limit: 10, context: { country: 'x'.repeat(65), timeUnixMs: 0 } }, 'an oversized country', INVALID, 'context.country'),
    popular({ limit: 10, context: { country: 'United\rKingdom', timeUnixMs: 0 } }, 'a control character in the country', INVALID, 'context.country'),
    ingest({}, 'empty request', INVALID, 'lines'),
    ingest({ lines: [line(), line()] }, 'a line twice in one batch', status.OK),
    ingest({ lines: [line({ lineId: 'bad-input:2', description: 'CŒUR ♥ 🛒', country: 'España' })] }, 'unicode text', status.OK),
    ingest({ lines: [line({ quantity: -1 })] }, 'only a negative quantity', INVALID, 'lines[0].quantity'),
    ingest({ lines: [line({ unitPrice: Number.NaN })] }, 'only a NaN price', INVALID, 'lines[0].unit_price'),
    ingest({ lines: [line({ unitPrice: Infinity })] }, 'only an infinite price', INVALID, 'lines[0].unit_price'),
    ingest({ lines: [line({ lineId: '' })] }, 'only an empty line id', INVALID, 'lines[0].line_id'),
    ingest({ lines: [line({ description: 'd'.repeat(513) })] }, 'only an oversized description', INVALID, 'lines[0].description'),
    ingest({ lines: [line({ lineId: 'bad-input:3' }), line({ lineId: 'bad-input:4', timeUnixMs: -5 })] }, 'one good and one bad line (bad one reported)', status.OK),
    ingest({ lines: Array.from({ length: 5001 }, (_, i) => line({ lineId: `bulk:${i}` })) }, '5,001 lines', INVALID, 'lines'),
    // lines[0] { quantity: 2^60 }: an int64 a JavaScript number cannot hold exactly.
    { rpc: 'ingest', name: 'an int64 quantity beyond 2^53', request: Buffer.from('0a0a28808080808080808010', 'hex'), code: INVALID, field: 'request' },
    stock({}, 'no updates', INVALID, 'updates'),
    stock({ updates: [update(), update({ productId: '製品-🛒', inStock: true })] }, 'a good batch with a unicode product', status.OK),
    stock({ updates: [update(), update({ updatedUnixMs: 1 })] }, 'the same product twice (the later counts)', status.OK),
    stock({ updates: Array.from({ length: 5001 }, (_, i) => update({ productId: `P${i}` })) }, '5,001 updates', INVALID, 'updates'),
    stock({ updates: [update(), update({ productId: '' })] }, 'an empty product id in the second update', INVALID, 'updates[1].product_id'),
    stock({ updates: [update({ productId: 'x'.repeat(65) })] }, 'an oversized product id', INVALID, 'updates[0].product_id'),
    stock({ updates: [update({ updatedUnixMs: 0 })] }, 'no update time', INVALID, 'updates[0].updated_unix_ms'),
    stock({ updates: [update({ updatedUnixMs: -5 })] }, 'a negative update time', INVALID, 'updates[0].updated_unix_ms'),
    erase({}, 'empty request', INVALID, 'user_id'),
    erase({ userId: 'nobody-ü' }, 'an unknown user', status.OK),
    erase({ userId: 'x'.repeat(65) }, 'an oversized user id', INVALID, 'user_id'),
    list({}, 'empty request', INVALID, 'model'),
    list({ model: 'copurchase' }, 'a known model', status.OK),
    list({ model: 'модель' }, 'an unknown unicode model', status.OK),
    list({ model: 'copurchase', limit: -1 }, 'a negative limit', INVALID, 'limit'),
    list({ model: 'copurchase', limit: 501 }, 'limit above 500', INVALID, 'limit'),
    get({}, 'empty request', INVALID, 'model'),
    get({ model: 'copurchase', version: 'v1' }, 'a known version', status.OK),
    get({ model: 'copurchase', version: 'v404' }, 'an unknown version', NOT_FOUND),
    get({ model: 'affinity' }, 'a model without a production version', NOT_FOUND),
    get({ model: 'copurchase', version: 'v\n1' }, 'a control character in the version', INVALID, 'version'),
    fetch({}, 'empty request', INVALID, 'model'),
    fetch({ model: 'copurchase' }, 'no version', INVALID, 'version'),
    fetch({ model: 'copurchase', version: 'v1' }, 'a known version', status.OK),
    fetch({ model: 'copurchase', version: 'v404' }, 'an unknown version', NOT_FOUND),
    promote({}, 'empty request', INVALID, 'model'),
    promote({ model: 'copurchase', version: 'v1' }, 'no promoter', INVALID, 'promoted_by'),
    promote({ model: 'copurchase', version: 'v404', promotedBy: 'test' }, 'an unknown version', NOT_FOUND),
    promote({ model: 'copurchase', version: 'v1', promotedBy: 'tëst' }, 'the production version again', status.OK),
    rollback({}, 'empty request', INVALID, 'model'),
    rollback({ model: 'copurchase' }, 'no promoter', INVALID, 'promoted_by'),
    rollback({ model: 'affinity', promotedBy: 'test' }, 'nothing to roll back to', PRECONDITION),
    append({}, 'no slates', INVALID, 'slates'),
    append({ slates: [slate(), slate({ slateId: 'slate-2', servedUnixMs: 1_764_000_000_001 })] }, 'a good batch', status.OK),
    append({ slates: [slate({ slateId: 'slate-ü-🛒' })] }, 'a unicode slate id', status.OK),
    append({ slates: Array.from({ length: 1001 }, (_, i) => slate({ slateId: `s${i}` })) }, '1,001 slates', INVALID, 'slates'),
    append({ slates: [slate(), slate({ slateId: '' })] }, 'an empty slate id in the second slate', INVALID, 'slates[1].slate_id'),
    append({ slates: [slate({ userHash: '' })] }, 'no user hash', INVALID, 'slates[0].user_hash'),
    append({ slates: [slate({ servedUnixMs: 0 })] }, 'no served time', INVALID, 'slates[0].served_unix_ms'),
    append({ slates: [slate({ context: { country: 'a\u0007b', timeUnixMs: 0 } })] }, 'a control character in the country', INVALID, 'slates[0].context.country'),
    append({ slates: [slate({ candidates: [{ ...candidate, affinity: Number.NaN }] })] }, 'a NaN signal', INVALID, 'slates[0].candidates[0].affinity'),
    append({ slates: [slate({ candidates: [{ ...candidate, score: Number.POSITIVE_INFINITY }] })] }, 'an infinite score', INVALID, 'slates[0].candidates[0].score'),
    append({ slates: [slate({ served: Array.from({ length: 101 }, (_, i) => `P${i}`) })] }, '101 served ids', INVALID, 'slates[0].served'),
    append({ slates: [slate({ k: 0 })] }, 'k of 0', INVALID, 'slates[0].k'),
    append({ slates: [slate({ servings: 40, lastServedUnixMs: 1_764_000_009_000, repeatOf: 'slate-0' })] }, 'a row of 40 later servings', status.OK),
    append({ slates: [slate({ servings: 2, lastServedUnixMs: 1 })] }, 'a last serving before the first', INVALID, 'slates[0].last_served_unix_ms'),
    append({ slates: [slate({ repeatOf: 'x'.repeat(65) })] }, 'a 65-character repeat_of', INVALID, 'slates[0].repeat_of'),
    append({ slates: [slate({ shadow: true, repeatOf: 'slate-0' })] }, 'later servings of a shadow slate', INVALID, 'slates[0].repeat_of'),
  ];
}

const dir = mkdtempSync(join(tmpdir(), 'aisle-bad-input-'));
let store: SqliteStore;
let wiring: FeatureServer;
let server: AisleServer;
let address = '';

beforeAll(async () => {
  store = new SqliteStore(join(dir, 'store.db'));
  const info = { trainStartUnixMs: 1, trainEndUnixMs: 2, trainingRows: 3, inputHash: 'h', codeVersion: 'c', parameters: {}, metrics: {} };
  await store.registerModelVersion({ model: 'copurchase', version: 'v1', ...info }, new Uint8Array([1, 2, 3]));
  await store.promoteModelVersion('copurchase', 'v1', 'setup');
  wiring = featureServer(store, loadFeatureServiceSettings({}), logger);
  server = createServer({ logger, services: wiring.services });
  address = `127.0.0.1:${await server.listen('127.0.0.1:0')}`;
});

afterAll(async () => {
  await wiring?.refresher.stop();
  await server?.drain(100);
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const registryStatuses = { getModelVersion: [NOT_FOUND], fetchArtifact: [NOT_FOUND, PRECONDITION], promoteModelVersion: [NOT_FOUND], rollbackModel: [NOT_FOUND, PRECONDITION] };
const all = cases();

describeBadInput(
  {
    service: 'aisle.features.v1.FeatureService',
    definition: features.FeatureServiceService,
    protoFile: join(__dirname, '../../../proto/aisle/features/v1/features.proto'),
    cases: all.filter((testCase) => testCase.rpc in features.FeatureServiceService),
    fuzzRuns: 40,
  },
  () => ({ address, server }),
);

describeBadInput(
  {
    service: 'aisle.features.v1.SlateLogService',
    definition: slates.SlateLogServiceService,
    protoFile: join(__dirname, '../../../proto/aisle/features/v1/slates.proto'),
    cases: all.filter((testCase) => testCase.rpc in slates.SlateLogServiceService),
    fuzzRuns: 40,
  },
  () => ({ address, server }),
);

describeBadInput(
  {
    service: 'aisle.features.v1.ModelRegistryService',
    definition: registry.ModelRegistryServiceService,
    protoFile: join(__dirname, '../../../proto/aisle/features/v1/registry.proto'),
    cases: all.filter((testCase) => testCase.rpc in registry.ModelRegistryServiceService),
    fuzzStatuses: registryStatuses,
    fuzzRuns: 40,
  },
  () => ({ address, server }),
);
