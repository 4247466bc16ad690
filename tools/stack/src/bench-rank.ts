// Rank throughput and latency at fixed concurrency, each beside a bare grpc-js echo server measured in
// the same run (closed loop, interleaved phases), printed as ratios:
//   npx tsx --tsconfig tools/stack/tsconfig.json tools/stack/src/bench-rank.ts [--seconds 10] [--concurrency 1,8,32]
// It runs the four services on the store `npm start` prepared (.data/aisle.db); run `npm start` once first.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { credentials, makeGenericClientConstructor, Metadata } from '@grpc/grpc-js';
import { createRankerClient } from '@aisle/ranker-client';
import { ECHO_SERVICE } from './echo-server';
import { benchmarkUsers, closedLoop, percentile, rankCall, rate, type PhaseResult } from './load';
import { startStack } from './stack';

const root = join(__dirname, '..', '..', '..');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, concurrency: { type: 'string', default: '1,8,32' } } });
  const seconds = Number(values.seconds);
  const levels = values.concurrency.split(',').map(Number);

  const users = await benchmarkUsers();
  const stack = await startStack({ storeEnv: { AISLE_STORE: 'sqlite', AISLE_SQLITE_PATH: join(root, '.data', 'aisle.db') } });
  // The echo server is its own process, like the ranker, so both pay the same loopback costs.
  const echoChild = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'echo-server.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const echoAddress = await new Promise<string>((resolve) => echoChild.stdout!.once('data', (chunk) => resolve(JSON.parse(String(chunk)).address)));

  const Echo = makeGenericClientConstructor(ECHO_SERVICE, 'Echo');
  const echo = new Echo(echoAddress, credentials.createInsecure());
  const payload = Buffer.alloc(64, 1);
  const callEcho = () =>
    new Promise<boolean>((resolve, reject) =>
      (echo as unknown as { echo: (r: Buffer, m: Metadata, o: object, cb: (e: Error | null) => void) => void }).echo(payload, new Metadata(), { deadline: Date.now() + 5000 }, (error) => (error ? reject(error) : resolve(true))),
    );
  const ranker = createRankerClient(stack.ranker.address, { timeoutMs: 5000 });
  const callRank = rankCall(ranker, users);

  console.log(`Rank vs bare grpc-js echo, closed loop, ${seconds} s per phase, ${users.length} customers round-robin, k=10`);
  console.log('| concurrency | target | calls/s | p50 ms | p99 ms | errors | degraded | throughput ratio | p99 ratio |');
  console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  await closedLoop(4, 2, callRank); // warm caches and connections
  await closedLoop(4, 1, callEcho);
  for (const concurrency of levels) {
    const e = await closedLoop(concurrency, seconds, callEcho);
    const r = await closedLoop(concurrency, seconds, callRank);
    const row = (name: string, x: PhaseResult, ratios: string) =>
      console.log(`| ${concurrency} | ${name} | ${rate(x).toFixed(0)} | ${percentile(x.latencies, 50).toFixed(2)} | ${percentile(x.latencies, 99).toFixed(2)} | ${x.errors} | ${x.degraded} | ${ratios}`);
    row('echo', e, '1.00 | 1.00 |');
    row('Rank', r, `${(rate(r) / rate(e)).toFixed(3)} | ${(percentile(r.latencies, 99) / percentile(e.latencies, 99)).toFixed(1)} |`);
  }
  ranker.close();
  echo.close();
  echoChild.kill('SIGTERM');
  await stack.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
