// Closed-loop load for the benchmarks: `concurrency` callers, each calling again as soon as its last
// call answered, for a fixed time; every latency kept for percentiles.
import { common } from '@aisle/contracts';
import type { RankerClient } from '@aisle/ranker-client';
import { isCleanLine, loadRetailLines } from '@aisle/retail-data';

export interface PhaseResult {
  calls: number;
  errors: number;
  degraded: number;
  seconds: number;
  latencies: number[];
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

export const rate = (phase: PhaseResult) => phase.calls / phase.seconds;

/** `call` resolves true for a full answer, false for a degraded one, and throws for an error. */
export async function closedLoop(concurrency: number, seconds: number, call: (i: number) => Promise<boolean>): Promise<PhaseResult> {
  const latencies: number[] = [];
  let errors = 0;
  let degraded = 0;
  let calls = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          if (!(await call(calls))) degraded++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t0);
        calls++;
      }
    }),
  );
  return { calls, errors, degraded, seconds: (performance.now() - started) / 1000, latencies: latencies.sort((a, b) => a - b) };
}

/** Every 20th customer of the shipped dataset, in a stable order: the benchmarks' users. */
export async function benchmarkUsers(): Promise<string[]> {
  const lines = await loadRetailLines();
  return [...new Set(lines.filter(isCleanLine).map((line) => line.customerId!))].sort().filter((_, i) => i % 20 === 0);
}

/** One Rank for the i-th user; true when every source answered (OK or not needed). */
export function rankCall(ranker: RankerClient, users: string[]): (i: number) => Promise<boolean> {
  return async (i) => {
    const response = await ranker.rank({ userId: users[i % users.length]!, k: 10, context: { country: 'United Kingdom', timeUnixMs: 0 } });
    return response.sources.every((source) => source.state === common.SourceState.SOURCE_STATE_OK || source.state === common.SourceState.SOURCE_STATE_SKIPPED);
  };
}
