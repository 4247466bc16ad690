// Affinity benchmark: OR-temporal-v1 figures of affinity-only ranking beside the baselines (both views),
// then the latency of scoring 500 candidates in-process (TypeScript evaluator vs ml-xgboost predict)
// and over gRPC (against GetModelInfo on the same server as the bare-RPC baseline).
//   npx tsx --tsconfig services/affinity-model-service/tsconfig.json services/affinity-model-service/bench/bench.ts \
//     [--model file] [--iterations 1000] [--swaps 200] [--skip-eval]
// Finally it hot-swaps the model --swaps times with the ml-xgboost engine and prints wasm heap and RSS.
// Without --model it trains one first (same as src/train.ts). Every figure printed is measured by this run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { affinity, type common } from '@aisle/contracts';
import { createClient, createServer, unaryCall } from '@aisle/grpc-kit';
import { HotSwapModel, ModelVersions } from '@aisle/model-serving';
import { cutToMs, evaluate, itemKnn, loadRetailLines, popular, recentPopular, repeat, temporalSplit, type CleanLine, type Evaluation } from '@aisle/retail-data';
import { createLogger } from '@aisle/telemetry';
import { Writable } from 'node:stream';
import { InMemoryModelSource } from '@aisle/model-serving/testing';
import { fileModelSource } from '../src/adapters/file-source';
import { loadXgboostWasm, wasmHeapBreak, wasmHeapBytes } from '../src/adapters/xgboost-wasm';
import { loadAffinityModel } from '../src/adapters/model-loader';
import { candidateGenerator } from '../src/domain/candidates';
import { affinityRecommender } from '../src/domain/offline-eval';
import { DAY_MS } from '../src/domain/time';
import { userStates } from '../src/domain/user-state';
import { AFFINITY_SERVICE, affinityService } from '../src/server';
import { DEFAULT_TRAIN_PARAMS, trainAffinityModel } from '../src/training/train-affinity';

const quiet = createLogger('bench', new Writable({ write: (_c, _e, done) => done() }));

function percentiles(samples: number[]): { p50: number; p99: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p99: at(0.99), mean: samples.reduce((a, b) => a + b, 0) / samples.length };
}
const ms = (x: number) => x.toFixed(3);
function row(name: string, e: Evaluation): string {
  const f = (x: number) => x.toFixed(4);
  return `| ${name} | ${f(e.all.hr)} | ${f(e.all.recall)} | ${f(e.all.ndcg)} | ${f(e.new.hr)} | ${f(e.new.recall)} | ${f(e.new.ndcg)} |`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { model: { type: 'string' }, iterations: { type: 'string', default: '1000' }, swaps: { type: 'string', default: '200' }, 'skip-eval': { type: 'boolean', default: false }, cut: { type: 'string', default: DEFAULT_TRAIN_PARAMS.cut } }, strict: true });
  const iterations = Number(values.iterations);
  const lines = await loadRetailLines();
  let bytes: Uint8Array;
  if (values.model) bytes = readFileSync(values.model);
  else {
    const t0 = performance.now();
    const trained = await trainAffinityModel(lines, { cut: values.cut, evaluate: false });
    console.log(`trained ${trained.info.version} in ${((performance.now() - t0) / 1000).toFixed(1)} s (${trained.trainingSet.rows} rows)`);
    bytes = trained.artifactBytes;
  }
  const model = await loadAffinityModel(bytes, 'js');
  const cutMs = model.info.trainEndUnixMs;
  const split = temporalSplit(lines, { cut: cutMs });
  const train = split.train as CleanLine[];

  if (!values['skip-eval']) {
    console.log(`\nOR-temporal-v1 @10, cut ${new Date(cutMs).toISOString().slice(0, 10)}: ${split.all.users.length} users (all), ${split.new.users.length} (new)`);
    console.log('| ranking | all HR | all Recall | all NDCG | new HR | new Recall | new NDCG |\n|---|---|---|---|---|---|---|');
    console.log(row(`affinity only (${model.info.version})`, await evaluate(affinityRecommender(model, train, cutMs), split)));
    console.log(row('repeat', await evaluate(repeat(train), split)));
    console.log(row('recent-popular (30 d)', await evaluate(recentPopular(train, { cut: cutToMs(cutMs), days: 30 }), split)));
    console.log(row('popular', await evaluate(popular(train), split)));
    console.log(row('item-kNN', await evaluate(itemKnn(train), split)));
  }

  // 500-candidate requests for real test users: their own products, popular, co-purchase, padded.
  const states = userStates(train, cutMs);
  const generator = candidateGenerator(train, { popular: 500, copurchase: 100, own: 300 });
  const users = split.all.users.slice(0, 200);
  const requests: affinity.ScoreRequest[] = users.map((user) => {
    const state = states.get(user)!;
    const candidateIds = generator.candidates(user, state.history, new Set()).slice(0, 500);
    const history: common.UserProductStats[] = [...state.history.values()];
    return { user: { userId: user, ...state.profile }, history, candidateIds, context: { country: state.profile.country, timeUnixMs: cutMs + DAY_MS / 2 }, explainTop: 0, modelVersion: '' };
  });
  if (requests.some((r) => r.candidateIds.length !== 500)) throw new Error('a request has fewer than 500 candidates');

  const wasm = model.content.wasmModel ? await loadAffinityModel(bytes, 'wasm') : undefined;
  // The in-process paths run interleaved, request by request, so load from other processes hits them alike.
  const paths: [string, typeof model, number][] = [
    ['in-process, TS evaluator', model, 0],
    ['in-process, TS evaluator + top-5 explanations', model, 5],
    ...(wasm ? [['in-process, ml-xgboost predict (wasm)', wasm, 0] as [string, typeof model, number]] : []),
  ];
  const samples = paths.map((): number[] => []);
  const warmup = 300;
  for (let i = 0; i < iterations + warmup; i += 1) {
    const r = requests[i % requests.length];
    const history = new Map(r.history.map((h) => [h.productId, h]));
    paths.forEach(([, m, explain], p) => {
      const t0 = performance.now();
      m.score({ user: r.user, history, context: { country: r.context!.country, timeMs: r.context!.timeUnixMs } }, r.candidateIds, explain);
      if (i >= warmup) samples[p].push(performance.now() - t0);
    });
  }
  const measured = samples.map(percentiles);
  const js = measured[0];
  const wasmScores = wasm ? measured[2] : undefined;
  wasm?.dispose();
  console.log(`\nScoring 500 candidates (${iterations} requests, ${requests.length} distinct users, ${model.ensemble.numTrees} trees)`);
  console.log('| path | p50 ms | p99 ms | mean ms |\n|---|---|---|---|');
  paths.forEach(([name], p) => console.log(`| ${name} | ${ms(measured[p].p50)} | ${ms(measured[p].p99)} | ${ms(measured[p].mean)} |`));
  // Exact TreeSHAP is far costlier: measured on its own, with fewer requests.
  const exact = await loadAffinityModel(bytes, 'js', 'exact');
  for (const size of [500, 20]) {
    const times: number[] = [];
    for (let i = 0; i < 25; i += 1) {
      const r = requests[i % requests.length];
      const t0 = performance.now();
      exact.score({ user: r.user, history: new Map(r.history.map((h) => [h.productId, h])), context: { country: r.context!.country, timeMs: r.context!.timeUnixMs } }, r.candidateIds.slice(0, size), 5);
      if (i >= 5) times.push(performance.now() - t0);
    }
    const q = percentiles(times);
    console.log(`| in-process, top-5 exact TreeSHAP, ${size} candidates (20 requests) | ${ms(q.p50)} | ${ms(q.p99)} | ${ms(q.mean)} |`);
  }

  const dir = mkdtempSync(join(tmpdir(), 'affinity-bench-'));
  const file = join(dir, 'affinity.model');
  writeFileSync(file, bytes);
  const hot = await ModelVersions.start({ model: 'affinity', source: fileModelSource(file, 'affinity'), load: (b) => loadAffinityModel(b, 'js'), dispose: (m) => m.dispose(), pollIntervalMs: 0, logger: quiet });
  const server = createServer({ logger: quiet, services: [affinityService(hot)] });
  const port = await server.listen('127.0.0.1:0');
  const client = createClient(affinity.AffinityServiceClient, `127.0.0.1:${port}`, { service: AFFINITY_SERVICE });
  const overGrpc = async (call: (i: number) => Promise<unknown>) => {
    const samples: number[] = [];
    for (let i = 0; i < iterations + 100; i += 1) {
      const t0 = performance.now();
      await call(i);
      if (i >= 100) samples.push(performance.now() - t0);
    }
    return percentiles(samples);
  };
  const deadline = () => Date.now() + 5000;
  const info = await overGrpc(() => unaryCall(client, client.getModelInfo, {}, { deadline: deadline() }));
  const score = await overGrpc((i) => unaryCall(client, client.score, requests[i % requests.length], { deadline: deadline() }));
  const explained = await overGrpc((i) => unaryCall(client, client.score, { ...requests[i % requests.length], explainTop: 5 }, { deadline: deadline() }));
  console.log(`| gRPC GetModelInfo (bare-RPC baseline) | ${ms(info.p50)} | ${ms(info.p99)} | ${ms(info.mean)} |`);
  console.log(`| gRPC Score, 500 candidates | ${ms(score.p50)} | ${ms(score.p99)} | ${ms(score.mean)} |`);
  console.log(`| gRPC Score, 500 candidates, explain_top 5 | ${ms(explained.p50)} | ${ms(explained.p99)} | ${ms(explained.mean)} |`);
  console.log(`ratios: ${wasmScores ? `in-process wasm/TS p50 ${(wasmScores.p50 / js.p50).toFixed(1)}×; ` : ''}gRPC Score/GetModelInfo p50 ${(score.p50 / info.p50).toFixed(1)}×`);
  client.close();
  await server.drain(100);
  await hot.stop();
  rmSync(dir, { recursive: true, force: true });

  // Memory across model swaps with the wasm engine: each swap loads a booster, the replaced one is freed.
  if (!wasm || Number(values.swaps) === 0) return;
  const registry = new InMemoryModelSource();
  registry.publish('affinity', 'v0', bytes);
  const swapping = await HotSwapModel.start({ model: 'affinity', source: registry, load: (b) => loadAffinityModel(b, 'wasm'), dispose: (m) => m.dispose(), pollIntervalMs: 0, logger: quiet });
  const x = await loadXgboostWasm();
  const swaps = Number(values.swaps);
  const measure = async () => {
    // Two collections with a turn between: Buffers are released by callbacks after the first.
    global.gc?.();
    await new Promise((resolve) => setImmediate(resolve));
    global.gc?.();
    const usage = process.memoryUsage();
    return { top: wasmHeapBreak(x), memory: wasmHeapBytes(x), rss: usage.rss, heap: usage.heapUsed, external: usage.external };
  };
  for (let i = 1; i <= 5; i += 1) {
    registry.publish('affinity', `v${i % 2}`, bytes);
    await swapping.refresh();
  }
  await new Promise((resolve) => setTimeout(resolve, 10));
  const before = await measure();
  for (let i = 1; i <= swaps; i += 1) {
    // Two alternating version names: the in-memory registry keeps every version it was given.
    registry.publish('affinity', `v${(i + 1) % 2}`, bytes);
    if ((await swapping.refresh()) !== 'swapped') throw new Error('swap failed');
    swapping.use((m) => m.value.score({ user: undefined, history: new Map(), context: { country: '', timeMs: cutMs } }, requests[0].candidateIds, 0));
  }
  await new Promise((resolve) => setTimeout(resolve, 10));
  const after = await measure();
  const mb = (b: number) => (b / 1024 / 1024).toFixed(2);
  console.log(`\n${swaps} hot swaps (wasm engine, ${mb(bytes.length)} MB artifact, ml-xgboost booster per version):`);
  console.log(`  wasm heap break ${before.top} → ${after.top} (Δ ${after.top - before.top} bytes); wasm memory ${mb(before.memory)} → ${mb(after.memory)} MB; JS heap used ${mb(before.heap)} → ${mb(after.heap)} MB${global.gc ? ' (after gc)' : ' (run with --expose-gc to collect first)'}; external ${mb(before.external)} → ${mb(after.external)} MB; RSS ${mb(before.rss)} → ${mb(after.rss)} MB`);
  await swapping.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
