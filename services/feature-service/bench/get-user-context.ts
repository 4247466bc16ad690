// GetUserContext latency (p50/p99) through the real feature server, over SQLite and (when
// AISLE_CASSANDRA_CONTACT_POINTS is set) Cassandra, as a ratio to a bare grpc-js echo measured in the
// same run. Both stores must already hold the dataset (tools/load-dataset). Printed, never asserted.
//
//   AISLE_SQLITE_PATH=/tmp/fs-bench.db AISLE_CASSANDRA_CONTACT_POINTS=127.0.0.1:9042 AISLE_CASSANDRA_KEYSPACE=aisle \
//     npx tsx services/feature-service/bench/get-user-context.ts [calls=5000] [concurrency=1]
import { Writable } from 'node:stream';
import { features } from '@aisle/contracts';
import { loadStoreConfig, openStore, type FeatureStore } from '@aisle/feature-store';
import { createClient, createServer, unaryCall } from '@aisle/grpc-kit';
import { readRetailLines } from '@aisle/retail-data';
import { createLogger } from '@aisle/telemetry';
import { loadFeatureServiceSettings } from '../src/config';
import { featureServer } from '../src/server';
import { startEcho } from './echo';

const CALLS = Number(process.argv[2] ?? 5000);
const CONCURRENCY = Number(process.argv[3] ?? 1);
const WARMUP = 500;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

type Target = { name: string; call: (i: number) => Promise<unknown>; times: number[] };

/**
 * Interleaves the targets call by call (echo, sqlite, cassandra, echo, ...), so every target sees the
 * same machine: on a shared 2-core box a noisy neighbour then moves all of them, not one.
 */
async function measure(targets: Target[]): Promise<void> {
  for (let i = 0; i < WARMUP; i++) for (const target of targets) await target.call(i);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CALLS) {
        const i = next++;
        for (const target of targets) {
          const started = performance.now();
          await target.call(i);
          target.times.push(performance.now() - started);
        }
      }
    }),
  );
}

async function userIds(): Promise<string[]> {
  const users = new Set<string>();
  for await (const line of readRetailLines()) if (line.customerId) users.add(line.customerId);
  // A fixed shuffle, so runs are comparable.
  return [...users].sort((a, b) => ((Number(a) * 7919) % 4409) - ((Number(b) * 7919) % 4409));
}

async function serve(store: FeatureStore, users: string[]): Promise<Target & { stop: () => Promise<void> }> {
  const logger = createLogger('bench', new Writable({ write: (_chunk, _encoding, done) => done() }));
  const wiring = featureServer(store, loadFeatureServiceSettings(), logger);
  const server = createServer({ logger, services: wiring.services });
  const port = await server.listen('127.0.0.1:0');
  const client = createClient(features.FeatureServiceClient, `127.0.0.1:${port}`, { service: 'aisle.features.v1.FeatureService' });
  const probe = await unaryCall(client, client.getUserContext, { userId: users[0]!, recentLimit: 0 }, { deadline: Date.now() + 10_000 });
  if (!probe.known) throw new Error(`${store.kind} store does not know user ${users[0]}: load the dataset first (tools/load-dataset)`);
  return {
    name: `GetUserContext ${store.kind}`,
    times: [],
    call: (i) => unaryCall(client, client.getUserContext, { userId: users[i % users.length]!, recentLimit: 50 }, { deadline: Date.now() + 10_000 }),
    stop: async () => {
      client.close();
      await server.drain(100);
      await store.close();
    },
  };
}

async function main() {
  const users = await userIds();
  const echo = await startEcho();
  const payload = Buffer.from(features.GetUserContextRequest.encode({ userId: '17850', recentLimit: 50 }).finish());
  const stores = [await serve(openStore(loadStoreConfig({ ...process.env, AISLE_STORE: 'sqlite' })), users)];
  if (process.env.AISLE_CASSANDRA_CONTACT_POINTS) stores.push(await serve(openStore(loadStoreConfig({ ...process.env, AISLE_STORE: 'cassandra' })), users));
  const baseline: Target = { name: 'echo (bare grpc-js)', times: [], call: () => echo.call(payload) };
  const targets: Target[] = [baseline, ...stores];
  await measure(targets);
  echo.stop();
  await Promise.all(stores.map((store) => store.stop()));

  const stats = (t: Target) => {
    const sorted = [...t.times].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
  };
  const base = stats(baseline);
  console.log(`${CALLS} calls per target, interleaved, concurrency ${CONCURRENCY}, ${users.length} distinct users, LOG_LEVEL=${process.env.LOG_LEVEL ?? 'info'}`);
  for (const target of targets) {
    const r = stats(target);
    console.log(`${target.name.padEnd(26)} p50 ${r.p50.toFixed(3).padStart(8)} ms  p99 ${r.p99.toFixed(3).padStart(8)} ms  mean ${r.mean.toFixed(3).padStart(8)} ms  p50 ×${(r.p50 / base.p50).toFixed(2)}  p99 ×${(r.p99 / base.p99).toFixed(2)}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
