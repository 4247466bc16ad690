// Every bad request to Rank gets the status ranker.proto documents, naming the field; valid but odd
// requests (unicode ids, duplicates) are served. The real handler over real gRPC; the downstreams
// point at a closed port, so valid requests are answered by the fail-open path.
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { status } from '@grpc/grpc-js';
import { ranker } from '@aisle/contracts';
import { createServer, type AisleServer } from '@aisle/grpc-kit';
import { describeBadInput, type BadInputCase } from '@aisle/grpc-kit/testing/bad-input';
import { createLogger } from '@aisle/telemetry';
import { afterAll, beforeAll } from 'vitest';
import { grpcDownstreams, type Downstreams } from './adapters/downstream';
import { PopularCache } from './adapters/popular-cache';
import { ProductCache } from './adapters/product-cache';
import { DEFAULT_BLEND } from '@aisle/ranking';
import { rankerService } from './server';

const logger = createLogger('ranker-bad-input', new Writable({ write: (_chunk, _encoding, done) => done() }));
const ids = (count: number) => Array.from({ length: count }, (_, i) => `P${i}`);
const rank = (request: Partial<ranker.RankRequest>, name: string, code: status, field?: string): BadInputCase => ({ rpc: 'rank', name, request: ranker.RankRequest.fromPartial(request), code, field });
const INVALID = status.INVALID_ARGUMENT;

const cases: BadInputCase[] = [
  rank({}, 'empty request', INVALID, 'user_id'),
  rank({ userId: '17850', k: 5 }, 'a valid request (fails open)', status.OK),
  rank({ userId: 'ünïcödé-顧客-🛒', k: 5 }, 'a unicode user id', status.OK),
  rank({ userId: 'x'.repeat(65), k: 5 }, 'an oversized user id', INVALID, 'user_id'),
  rank({ userId: '🛒'.repeat(33), k: 5 }, 'a user id over 64 UTF-16 units', INVALID, 'user_id'),
  rank({ userId: 'a\u0000b', k: 5 }, 'a control character in the user id', INVALID, 'user_id'),
  rank({ userId: '17850', k: 0 }, 'k = 0', INVALID, 'k'),
  rank({ userId: '17850', k: -1 }, 'a negative k', INVALID, 'k'),
  rank({ userId: '17850', k: 101 }, 'k above 100', INVALID, 'k'),
  rank({ userId: '17850', k: 2 ** 31 - 1 }, 'the largest int32 k', INVALID, 'k'),
  rank({ userId: '17850', k: 5, excludeProductIds: ['85123A', '85123A', '22423'] }, 'duplicate excluded ids', status.OK),
  rank({ userId: '17850', k: 5, excludeProductIds: [''] }, 'an empty excluded id', INVALID, 'exclude_product_ids[0]'),
  rank({ userId: '17850', k: 5, excludeProductIds: ids(1001) }, '1,001 excluded ids', INVALID, 'exclude_product_ids'),
  rank({ userId: '17850', k: 5, excludeProductIds: ids(200_000) }, 'a huge list of excluded ids', INVALID, 'exclude_product_ids'),
  rank({ userId: '17850', k: 5, context: { country: 'x'.repeat(65), timeUnixMs: 0 } }, 'an oversized country', INVALID, 'context.country'),
  rank({ userId: '17850', k: 5, context: { country: 'United\nKingdom', timeUnixMs: 0 } }, 'a control character in the country', INVALID, 'context.country'),
  rank({ userId: '17850', k: 5, context: { country: 'España', timeUnixMs: 0 } }, 'a unicode country', status.OK),
  rank({ userId: '17850', k: 5, context: { country: '', timeUnixMs: -1 } }, 'a negative time', INVALID, 'context.time_unix_ms'),
  // context { time_unix_ms: 2^60 }: an int64 a JavaScript number cannot hold exactly.
  { rpc: 'rank', name: 'an int64 time beyond 2^53', request: Buffer.from('0a05313738353010051a0a10808080808080808010', 'hex'), code: INVALID, field: 'request' },
];

let server: AisleServer;
let downstreams: Downstreams;
let address = '';

beforeAll(async () => {
  downstreams = grpcDownstreams({ features: '127.0.0.1:1', copurchase: '127.0.0.1:1', affinity: '127.0.0.1:1' });
  const deps = {
    downstreams,
    popularCache: new PopularCache(60_000),
    blend: () => ({ weights: DEFAULT_BLEND, version: '' }),
    productCache: new ProductCache(100, 60_000),
    settings: { budgetMs: 2000, stageBudgetMs: { userContext: 500, candidates: 500, scores: 500 }, mergeReserveMs: 20, popularReuseMs: 0, maxPerFamily: 2, shadowBudgetMs: 250, shadowMaxInFlight: 4 },
  };
  server = createServer({ logger, services: [rankerService(deps)] });
  address = `127.0.0.1:${await server.listen('127.0.0.1:0')}`;
});

afterAll(async () => {
  await server?.drain(100);
  downstreams?.close();
});

describeBadInput(
  {
    service: 'aisle.ranker.v1.RankerService',
    definition: ranker.RankerServiceService,
    protoFile: join(__dirname, '../../../proto/aisle/ranker/v1/ranker.proto'),
    cases,
  },
  () => ({ address, server }),
);
