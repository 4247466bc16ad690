// Quality and speed of the copurchase model, every figure measured in this run:
//   cd services/copurchase-model-service && npx tsx bench/bench.ts [--model file.aisle] [--cut 2011-11-09] [--calls 5000]
// Without --model it trains one with the default parameters (and prints the training time).
//  1. OR-temporal-v1 at K=10: co-purchase-only recommendations beside the item-kNN baseline, both views.
//  2. Candidates latency for 20 seeds → 200 (the ranker's request) over the whole catalogue: in process
//     (domain, and handler with validation and mapping) and over gRPC on loopback, beside a bare grpc-js
//     echo RPC in the same run; and the domain's Score of 200 candidates.
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { credentials, Client, Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import { copurchase } from '@aisle/contracts';
import { createClient, createServer, unaryCall } from '@aisle/grpc-kit';
import { ModelVersions } from '@aisle/model-serving';
import { InMemoryModelSource } from '@aisle/model-serving/testing';
import { DEFAULT_CUT, evaluate, formatInvoiceDate, invoiceBaskets, itemKnn, loadRetailLines, seededRandom, temporalSplit, type Evaluation } from '@aisle/retail-data';
import { createLogger } from '@aisle/telemetry';
import { decodeCopurchaseArtifact } from '../src/adapters/artifact-codec';
import { useTfBackend } from '../src/adapters/tf-backend';
import type { EmbeddingIndex } from '../src/domain/embedding-index';
import { DEFAULT_SEED_POLICY, evaluateCopurchase } from '../src/evaluation';
import { copurchaseHandlers } from '../src/handlers/copurchase-handlers';
import { copurchaseService } from '../src/server';
import { trainCopurchaseModel } from '../src/train-model';

const quiet = createLogger('bench', new Writable({ write: (_chunk, _encoding, done) => done() }));

function percentiles(samples: number[]): { p50: number; p99: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p99: at(0.99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

async function timeCalls(calls: number, call: () => unknown): Promise<number[]> {
  for (let i = 0; i < Math.min(500, calls); i += 1) await call(); // warm-up (JIT, connections)
  const samples: number[] = [];
  for (let i = 0; i < calls; i += 1) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
  return samples;
}

/** A bare grpc-js unary echo (no Aisle wrapper, no protobuf): the floor of any RPC on this machine. */
async function startEcho(): Promise<{ client: Client; echo: (payload: Buffer) => Promise<Buffer>; stop: () => void }> {
  const identity = (value: Buffer) => value;
  const definition: ServiceDefinition = {
    echo: { path: '/bench.Echo/Echo', requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity },
  };
  const server = new Server();
  server.addService(definition, { echo: (call: { request: Buffer }, callback: (error: null, value: Buffer) => void) => callback(null, call.request) });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  const echo = (payload: Buffer) =>
    new Promise<Buffer>((resolve, reject) =>
      client.makeUnaryRequest('/bench.Echo/Echo', identity, identity, payload, { deadline: Date.now() + 5000 }, (error, value) => (error ? reject(error) : resolve(value!))),
    );
  return { client, echo, stop: () => (client.close(), server.forceShutdown()) };
}

function table(rows: readonly [string, Evaluation][]): string {
  const f = (x: number) => x.toFixed(4);
  const out = ['| model | view | HR@10 | Recall@10 | NDCG@10 | users |', '| --- | --- | ---: | ---: | ---: | ---: |'];
  for (const [name, result] of rows) for (const view of ['all', 'new'] as const) out.push(`| ${name} | ${view} | ${f(result[view].hr)} | ${f(result[view].recall)} | ${f(result[view].ndcg)} | ${result[view].users} |`);
  return out.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { model: { type: 'string' }, cut: { type: 'string', default: DEFAULT_CUT }, calls: { type: 'string', default: '5000' } }, strict: true });
  const calls = Number(values.calls);
  const split = temporalSplit(await loadRetailLines(), { cut: values.cut });

  let artifact: Buffer;
  if (values.model) artifact = readFileSync(values.model);
  else {
    console.log(`training with default parameters on backend ${await useTfBackend()} ...`);
    const trained = await trainCopurchaseModel(invoiceBaskets(split.train), {}, { window: { startUnixMs: 0, endUnixMs: split.cut } });
    console.log(`training time: ${trained.trainingSeconds.toFixed(1)} s`);
    artifact = trained.artifactBytes;
  }
  const { index, metadata } = decodeCopurchaseArtifact(artifact);
  console.log(`model: ${index.size} products × ${index.dim}; parameters ${JSON.stringify(metadata.parameters)}`);

  // 1. Quality.
  const rows: [string, Evaluation][] = [
    [`copurchase (recency seeds, half-life ${DEFAULT_SEED_POLICY.halfLifeDays} d)`, await evaluateCopurchase(index, split)],
    ['copurchase (uniform seeds)', await evaluateCopurchase(index, split, { halfLifeDays: 1e9, maxSeeds: DEFAULT_SEED_POLICY.maxSeeds })],
    ['item-kNN (cosine) baseline', await evaluate(itemKnn(split.train), split, { k: 10 })],
  ];
  console.log(`\nOR-temporal-v1, cut ${formatInvoiceDate(split.cut)}, K=10\n${table(rows)}\n`);

  // 2. Speed: 20 distinct seeds drawn (seeded) from the catalogue, limit 200, a fresh set per call.
  const limit = 200;
  const random = seededRandom(7);
  const distinctRows = (count: number) => {
    const rows = new Set<number>();
    while (rows.size < count) rows.add(Math.floor(random() * index.size));
    return [...rows];
  };
  const seedSets = Array.from({ length: 64 }, () => distinctRows(20).map((row) => ({ productId: index.ids[row], weight: 1 + random() })));
  const scoredRows = Array.from({ length: 64 }, () => distinctRows(limit));
  const source = new InMemoryModelSource();
  source.publish('copurchase', 'bench', artifact);
  const model = await ModelVersions.start<EmbeddingIndex>({ model: 'copurchase', source, load: (bytes) => decodeCopurchaseArtifact(bytes).index, pollIntervalMs: 0, logger: quiet });
  const handlers = copurchaseHandlers(model);
  let n = 0;
  const request = () => ({ seeds: seedSets[n++ % seedSets.length], limit, excludeProductIds: [], modelVersion: '' });
  const domainSeeds = seedSets.map((set) => set.map((seed) => ({ index: index.indexOf(seed.productId)!, weight: seed.weight })));
  const domain = percentiles(await timeCalls(calls, () => index.candidates(domainSeeds[n++ % domainSeeds.length], limit)));
  const domainScore = percentiles(await timeCalls(calls, () => index.score(domainSeeds[n % domainSeeds.length], scoredRows[n++ % scoredRows.length])));
  const handler = percentiles(await timeCalls(calls, () => handlers.candidates(request(), undefined as never)));

  const server = createServer({ logger: quiet, services: [copurchaseService(model)] });
  const port = await server.listen('127.0.0.1:0');
  const client = createClient(copurchase.CopurchaseServiceClient, `127.0.0.1:${port}`, { service: 'aisle.copurchase.v1.CopurchaseService' });
  const overGrpc = percentiles(await timeCalls(calls, () => unaryCall(client, client.candidates, request(), { deadline: Date.now() + 5000 })));
  const echoServer = await startEcho();
  const payload = Buffer.from(copurchase.CandidatesRequest.encode(copurchase.CandidatesRequest.fromPartial(request())).finish());
  const echo = percentiles(await timeCalls(calls, () => echoServer.echo(payload)));

  const ms = (x: number) => x.toFixed(3);
  console.log(`Candidates, 20 seeds, limit ${limit}, ${index.size} products × ${index.dim}, ${calls} sequential calls each (ms):`);
  console.log('| path | p50 | p99 | mean | p50 / echo p50 |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [name, p] of [
    ['in-process, domain (EmbeddingIndex.candidates)', domain],
    [`in-process, domain (EmbeddingIndex.score, ${limit} candidates)`, domainScore],
    ['in-process, handler (validation + mapping + hot-swap reference)', handler],
    ['gRPC loopback, Candidates', overGrpc],
    ['gRPC loopback, bare grpc-js echo (same request bytes)', echo],
  ] as const) {
    console.log(`| ${name} | ${ms(p.p50)} | ${ms(p.p99)} | ${ms(p.mean)} | ${(p.p50 / echo.p50).toFixed(2)} |`);
  }
  client.close();
  echoServer.stop();
  await server.drain(100);
  await model.stop();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
