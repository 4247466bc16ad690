// The two load shapes, independent of what is called. Closed loop: `concurrency` callers, each calling
// again as soon as its last call ended. Open loop: calls issued on a fixed schedule whether or not
// earlier ones finished, each latency measured from its scheduled send time, so a stall is charged
// to every call it delayed (no coordinated omission).
import type { RawPhase } from './stats';

/** What one call ended with: OK (maybe degraded, maybe a reused Rank answer) or a gRPC status name. */
export type Outcome = { ok: true; degraded?: boolean; reused?: boolean } | { ok: false; status: string };

export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

function recorder(clock: Clock) {
  const phase: RawPhase = { ok: 0, degraded: 0, reused: 0, errors: {}, sent: 0, seconds: 0, latencies: [] };
  const record = (outcome: Outcome, latency: number) => {
    phase.latencies.push(latency);
    if (outcome.ok) {
      phase.ok++;
      if (outcome.degraded) phase.degraded++;
      if (outcome.reused) phase.reused++;
    } else {
      phase.errors[outcome.status] = (phase.errors[outcome.status] ?? 0) + 1;
    }
  };
  const run = async (call: (i: number) => Promise<Outcome>, i: number, from: number) => {
    let outcome: Outcome;
    try {
      outcome = await call(i);
    } catch (error) {
      outcome = { ok: false, status: (error as Error).message || 'UNKNOWN' };
    }
    record(outcome, clock.now() - from);
  };
  return { phase, run };
}

export async function closedLoop(concurrency: number, seconds: number, call: (i: number) => Promise<Outcome>, clock: Clock = realClock): Promise<RawPhase> {
  const { phase, run } = recorder(clock);
  const started = clock.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (clock.now() < end) {
        const i = phase.sent++;
        await run(call, i, clock.now());
      }
    }),
  );
  phase.seconds = (clock.now() - started) / 1000;
  phase.latencies.sort((a, b) => a - b);
  return phase;
}

/** Scheduled send time of the i-th call of an open loop that started at `start` (ms). */
export const scheduledAt = (start: number, rate: number, i: number) => start + (i * 1000) / rate;

/** How many calls of `total` should have been sent by `now`. */
export function dueBy(start: number, rate: number, now: number, total: number): number {
  if (now < start) return 0;
  return Math.min(total, Math.floor(((now - start) * rate) / 1000) + 1);
}

/**
 * Issues rate × seconds calls on schedule. A late wake-up (a busy event loop) sends every call that
 * came due at once; their latencies still start at their scheduled times. Waits for every call
 * issued (each carries its own deadline).
 */
export async function openLoop(rate: number, seconds: number, call: (i: number) => Promise<Outcome>, clock: Clock = realClock): Promise<RawPhase> {
  const { phase, run } = recorder(clock);
  const total = Math.max(1, Math.round(rate * seconds));
  const start = clock.now();
  const inFlight: Promise<void>[] = [];
  while (phase.sent < total) {
    const due = dueBy(start, rate, clock.now(), total);
    while (phase.sent < due) {
      const i = phase.sent++;
      inFlight.push(run(call, i, scheduledAt(start, rate, i)));
    }
    if (phase.sent < total) await clock.sleep(Math.max(0, scheduledAt(start, rate, phase.sent) - clock.now()));
  }
  await Promise.all(inFlight);
  phase.seconds = (clock.now() - start) / 1000;
  phase.latencies.sort((a, b) => a - b);
  return phase;
}
