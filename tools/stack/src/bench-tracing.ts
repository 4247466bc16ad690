// The cost of tracing: Rank throughput and latency with every span exported (100% sampling, OTLP/HTTP
// to a receiver in this process) against tracing off, in the same run. Phases alternate off/on
// `--rounds` times, each on a freshly started stack, so drift on a shared machine hits both sides:
//   npx tsx --tsconfig tools/stack/tsconfig.json tools/stack/src/bench-tracing.ts [--seconds 10] [--concurrency 8] [--rounds 2]
// It runs the four services on the store `npm start` prepared (.data/aisle.db); run `npm start` once first.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRankerClient } from '@aisle/ranker-client';
import { startOtlpReceiver } from '@aisle/telemetry/testing';
import { benchmarkUsers, closedLoop, percentile, rankCall, rate, type PhaseResult } from './load';
import { startStack } from './stack';

const root = join(__dirname, '..', '..', '..');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, concurrency: { type: 'string', default: '8' }, rounds: { type: 'string', default: '2' } } });
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const users = await benchmarkUsers();
  const receiver = await startOtlpReceiver();
  const results: Record<'off' | 'on', PhaseResult[]> = { off: [], on: [] };

  for (let round = 0; round < Number(values.rounds); round++) {
    for (const tracing of ['off', 'on'] as const) {
      const stack = await startStack({
        storeEnv: { AISLE_STORE: 'sqlite', AISLE_SQLITE_PATH: join(root, '.data', 'aisle.db') },
        serviceEnv: tracing === 'on' ? { ...receiver.env, OTEL_TRACES_SAMPLER: 'parentbased_always_on' } : { OTEL_TRACES_EXPORTER: 'none' },
      });
      const ranker = createRankerClient(stack.ranker.address, { timeoutMs: 5000 });
      const call = rankCall(ranker, users);
      await closedLoop(concurrency, 2, call); // warm caches and connections
      const spansBefore = receiver.spans.length;
      const phase = await closedLoop(concurrency, seconds, call);
      results[tracing].push(phase);
      console.log(`round ${round + 1}, tracing ${tracing}: ${rate(phase).toFixed(1)} Rank/s, p50 ${percentile(phase.latencies, 50).toFixed(2)} ms, p99 ${percentile(phase.latencies, 99).toFixed(2)} ms, ${phase.errors} errors${tracing === 'on' ? `, ${receiver.spans.length - spansBefore} spans received` : ''}`);
      receiver.spans.length = 0;
      ranker.close();
      await stack.stop();
    }
  }
  await receiver.close();

  const merged = (phases: PhaseResult[]) => ({
    rate: phases.reduce((sum, phase) => sum + phase.calls, 0) / phases.reduce((sum, phase) => sum + phase.seconds, 0),
    latencies: phases.flatMap((phase) => phase.latencies).sort((a, b) => a - b),
    errors: phases.reduce((sum, phase) => sum + phase.errors, 0),
  });
  const off = merged(results.off);
  const on = merged(results.on);
  console.log(`\nTracing on (100% sampled, exported) vs off, closed loop at concurrency ${concurrency}, ${values.rounds} × ${seconds} s each`);
  console.log('| tracing | Rank/s | p50 ms | p99 ms | errors |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [name, x] of [['off', off], ['on', on]] as const) console.log(`| ${name} | ${x.rate.toFixed(1)} | ${percentile(x.latencies, 50).toFixed(2)} | ${percentile(x.latencies, 99).toFixed(2)} | ${x.errors} |`);
  console.log(`| on ÷ off | ${(on.rate / off.rate).toFixed(3)} | ${(percentile(on.latencies, 50) / percentile(off.latencies, 50)).toFixed(3)} | ${(percentile(on.latencies, 99) / percentile(off.latencies, 99)).toFixed(3)} | |`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
