// Every bad request to CopurchaseService gets the status copurchase.proto documents, naming the
// field; odd but valid requests (unicode, duplicates, unknown ids) are served. Real handlers over real
// gRPC, with a tiny hand-made model.
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { status } from '@grpc/grpc-js';
import { copurchase } from '@aisle/contracts';
import { createServer, type AisleServer } from '@aisle/grpc-kit';
import { describeBadInput, type BadInputCase } from '@aisle/grpc-kit/testing/bad-input';
import { ModelVersions } from '@aisle/model-serving';
import { InMemoryModelSource } from '@aisle/model-serving/testing';
import { createLogger } from '@aisle/telemetry';
import { afterAll, beforeAll } from 'vitest';
import { decodeCopurchaseArtifact } from './adapters/artifact-codec';
import type { EmbeddingIndex } from './domain/embedding-index';
import { copurchaseService } from './server';
import { tinyArtifact } from './testing/tiny-model';

const logger = createLogger('copurchase-bad-input', new Writable({ write: (_chunk, _encoding, done) => done() }));
const INVALID = status.INVALID_ARGUMENT;
const ids = (count: number) => Array.from({ length: count }, (_, i) => `P${i}`);
const seeds = (count: number) => ids(count).map((productId) => ({ productId, weight: 1 }));
const candidates = (request: Partial<copurchase.CandidatesRequest>, name: string, code: status, field?: string): BadInputCase => ({ rpc: 'candidates', name, request: copurchase.CandidatesRequest.fromPartial(request), code, field });
const score = (request: Partial<copurchase.ScoreRequest>, name: string, code: status, field?: string): BadInputCase => ({ rpc: 'score', name, request: copurchase.ScoreRequest.fromPartial(request), code, field });

const cases: BadInputCase[] = [
  candidates({}, 'empty request', INVALID, 'limit'),
  candidates({ seeds: [{ productId: 'P0', weight: 1 }], limit: 3 }, 'a valid request', status.OK),
  candidates({ seeds: [{ productId: 'P0', weight: 0 }, { productId: 'P0', weight: 2 }], limit: 3 }, 'duplicate seeds', status.OK),
  candidates({ seeds: [{ productId: '製品-🛒', weight: 1 }], limit: 3 }, 'an unknown unicode seed', status.OK),
  candidates({ seeds: [{ productId: 'P0', weight: Number.NaN }], limit: 3 }, 'a NaN weight', INVALID, 'seeds[0].weight'),
  candidates({ seeds: [{ productId: 'P0', weight: Infinity }], limit: 3 }, 'an infinite weight', INVALID, 'seeds[0].weight'),
  candidates({ seeds: [{ productId: 'P0', weight: -1 }], limit: 3 }, 'a negative weight', INVALID, 'seeds[0].weight'),
  candidates({ seeds: [{ productId: '', weight: 1 }], limit: 3 }, 'an empty seed id', INVALID, 'seeds[0].product_id'),
  candidates({ seeds: [{ productId: 'x'.repeat(65), weight: 1 }], limit: 3 }, 'an oversized seed id', INVALID, 'seeds[0].product_id'),
  candidates({ seeds: seeds(101), limit: 3 }, '101 seeds', INVALID, 'seeds'),
  candidates({ seeds: seeds(100_000), limit: 3 }, 'a huge list of seeds', INVALID, 'seeds'),
  candidates({ seeds: seeds(1), limit: -5 }, 'a negative limit', INVALID, 'limit'),
  candidates({ seeds: seeds(1), limit: 501 }, 'a limit above 500', INVALID, 'limit'),
  candidates({ seeds: seeds(1), limit: 3, excludeProductIds: ['P1', 'P1'] }, 'duplicate exclusions', status.OK),
  candidates({ seeds: seeds(1), limit: 3, excludeProductIds: ids(1001) }, '1,001 exclusions', INVALID, 'exclude_product_ids'),
  candidates({ seeds: seeds(1), limit: 3, excludeProductIds: ['a\tb'] }, 'a control character in an exclusion', INVALID, 'exclude_product_ids[0]'),
  candidates({ seeds: seeds(1), limit: 3, modelVersion: 'v1' }, 'model_version naming the production version', status.OK),
  candidates({ seeds: seeds(1), limit: 3, modelVersion: 'v'.repeat(129) }, 'a model_version over 128 characters', INVALID, 'model_version'),
  candidates({ seeds: seeds(1), limit: 3, modelVersion: 'v\n1' }, 'a control character in model_version', INVALID, 'model_version'),
  score({}, 'empty request', status.OK),
  score({ seeds: seeds(2), candidateIds: ['P3', 'P3', 'unknown-ü'] }, 'duplicate and unknown candidates', status.OK),
  score({ seeds: [{ productId: 'P0', weight: Number.NaN }], candidateIds: ['P1'] }, 'a NaN weight', INVALID, 'seeds[0].weight'),
  score({ seeds: seeds(1), candidateIds: ids(1001) }, '1,001 candidates', INVALID, 'candidate_ids'),
  score({ seeds: seeds(1), candidateIds: ids(300_000) }, 'a huge list of candidates', INVALID, 'candidate_ids'),
  score({ seeds: seeds(1), candidateIds: ['P1', ''] }, 'an empty candidate id', INVALID, 'candidate_ids[1]'),
  score({ seeds: seeds(101), candidateIds: ['P1'] }, '101 seeds', INVALID, 'seeds'),
  score({ seeds: seeds(1), candidateIds: ['P1'], modelVersion: 'v1' }, 'model_version naming the production version', status.OK),
  score({ seeds: seeds(1), candidateIds: ['P1'], modelVersion: 'v'.repeat(129) }, 'a model_version over 128 characters', INVALID, 'model_version'),
  { rpc: 'getModelInfo', name: 'empty request', request: {}, code: status.OK },
];

let server: AisleServer;
let model: ModelVersions<EmbeddingIndex>;
let address = '';

beforeAll(async () => {
  const source = new InMemoryModelSource();
  source.publish('copurchase', 'v1', tinyArtifact(0.3));
  model = await ModelVersions.start<EmbeddingIndex>({ model: 'copurchase', source, load: (bytes) => decodeCopurchaseArtifact(bytes).index, pollIntervalMs: 0, logger });
  server = createServer({ logger, services: [copurchaseService(model)] });
  address = `127.0.0.1:${await server.listen('127.0.0.1:0')}`;
});

afterAll(async () => {
  await server?.drain(100);
  await model?.stop();
});

describeBadInput(
  {
    service: 'aisle.copurchase.v1.CopurchaseService',
    definition: copurchase.CopurchaseServiceService,
    protoFile: join(__dirname, '../../../proto/aisle/copurchase/v1/copurchase.proto'),
    cases,
    // A mutated request may carry some model_version: one the registry lacks, or one still loading.
    fuzzStatuses: { candidates: [status.NOT_FOUND, status.UNAVAILABLE], score: [status.NOT_FOUND, status.UNAVAILABLE] },
  },
  () => ({ address, server }),
);
