import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { closedLoop, dueBy, openLoop, scheduledAt, type Clock, type Outcome } from './loops';

// A fake clock (vitest's timers): time moves only when the test advances it, so no assertion depends
// on how fast this machine is.
const fakeClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/** A server that answers one call at a time, each taking `serviceMs`: calls queue behind each other. */
function serialServer(serviceMs: number): () => Promise<Outcome> {
  let freeAt = 0;
  return () => {
    const start = Math.max(Date.now(), freeAt);
    freeAt = start + serviceMs;
    return new Promise((resolve) => setTimeout(() => resolve({ ok: true }), freeAt - Date.now()));
  };
}

describe('open-loop schedule', () => {
  it('spaces sends 1000/rate ms apart', () => {
    expect(scheduledAt(1000, 100, 0)).toBe(1000);
    expect(scheduledAt(1000, 100, 5)).toBe(1050);
  });
  it('counts every send that came due, including those a late wake-up missed', () => {
    expect(dueBy(0, 100, -1, 1000)).toBe(0);
    expect(dueBy(0, 100, 0, 1000)).toBe(1);
    expect(dueBy(0, 100, 95, 1000)).toBe(10);
    expect(dueBy(0, 100, 1_000_000, 1000)).toBe(1000);
  });
});

describe('loops on a fake clock', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('open loop sends rate × seconds calls whatever the server does, timing each from its schedule', async () => {
    // 100 calls/s offered to a server that manages 50/s: the queue grows by one call every 20 ms.
    const done = openLoop(100, 1, serialServer(20), fakeClock);
    await vi.advanceTimersByTimeAsync(5000);
    const phase = await done;
    expect(phase.sent).toBe(100);
    expect(phase.ok).toBe(100);
    // The i-th call is scheduled at 10·i ms and answered at 20·(i+1) ms: latency 10·i + 20.
    expect(phase.latencies[0]).toBe(20);
    expect(phase.latencies[99]).toBe(10 * 99 + 20);
    // A closed loop on the same server sees 20 ms every time: the open loop's p99 must be far above it.
    expect(phase.latencies[98]).toBeGreaterThan(20 * 10);
  });

  it('charges a stall of the sender to the calls it delayed (no coordinated omission)', async () => {
    let blocked = true;
    // A clock whose first sleep oversleeps by 200 ms, like an event loop busy for 200 ms.
    const stalling: Clock = {
      now: () => Date.now(),
      sleep: (ms) => {
        const extra = blocked ? 200 : 0;
        blocked = false;
        return new Promise((resolve) => setTimeout(resolve, ms + extra));
      },
    };
    const instant = () => Promise.resolve<Outcome>({ ok: true });
    const done = openLoop(100, 1, instant, stalling);
    await vi.advanceTimersByTimeAsync(5000);
    const phase = await done;
    expect(phase.sent).toBe(100);
    // Calls due during the stall were sent late; their latency counts the wait from their schedule.
    expect(phase.latencies[phase.latencies.length - 1]).toBeGreaterThanOrEqual(190);
    expect(phase.latencies.filter((latency) => latency > 100).length).toBeGreaterThan(5);
  });

  it('closed loop keeps `concurrency` calls in flight and times each from its own send', async () => {
    const done = closedLoop(2, 1, serialServer(10), fakeClock);
    await vi.advanceTimersByTimeAsync(5000);
    const phase = await done;
    // Two callers on a one-at-a-time server: each call waits for the other one, 20 ms in steady state.
    expect(phase.latencies[phase.latencies.length - 1]).toBe(20);
    expect(phase.ok).toBeGreaterThan(90);
    expect(phase.ok).toBeLessThanOrEqual(101);
  });

  it('records statuses and thrown errors by name', async () => {
    let i = 0;
    const flaky = async (): Promise<Outcome> => {
      i++;
      if (i % 4 === 0) throw new Error('UNAVAILABLE');
      return i % 4 === 1 ? { ok: false, status: 'RESOURCE_EXHAUSTED' } : { ok: true, degraded: i % 4 === 2, reused: i % 4 === 3 };
    };
    const done = openLoop(40, 1, flaky, fakeClock);
    await vi.advanceTimersByTimeAsync(2000);
    const phase = await done;
    expect(phase.errors).toEqual({ RESOURCE_EXHAUSTED: 10, UNAVAILABLE: 10 });
    expect(phase.ok).toBe(20);
    expect(phase.degraded).toBe(10);
    expect(phase.reused).toBe(10);
  });
});
