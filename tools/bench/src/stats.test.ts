import { describe, expect, it } from 'vitest';
import { medianPairedRatio, memoryTrend, mergePhases, percentile, poolRounds, ratio, realErrors, robustSlope, saturation, slope, summarize, throughput, type RawPhase } from './stats';

const phase = (over: Partial<RawPhase>): RawPhase => ({ ok: 0, degraded: 0, reused: 0, errors: {}, sent: 0, seconds: 1, latencies: [], ...over });

describe('percentile', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  it('is nearest-rank: p50 of 1..100 is 50, p99 is 99, p100 is the max', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 90)).toBe(90);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
  });
  it('takes the single value of a one-sample phase, and NaN of none', () => {
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([7], 0)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
  it('sees the tail: one slow call in 100 is the max, not the p99', () => {
    const sorted = [...Array.from({ length: 99 }, () => 1), 500];
    expect(summarize(sorted)).toEqual({ p50: 1, p90: 1, p99: 1, max: 500 });
    const two = [...Array.from({ length: 98 }, () => 1), 400, 500];
    expect(summarize(two).p99).toBe(400);
  });
});

describe('ratio', () => {
  it('divides, and refuses missing, zero or non-finite sides', () => {
    expect(ratio(50, 200)).toBe(0.25);
    expect(ratio(1, 0)).toBeUndefined();
    expect(ratio(undefined, 2)).toBeUndefined();
    expect(ratio(NaN, 2)).toBeUndefined();
    expect(ratio(2, Infinity)).toBeUndefined();
  });
});

describe('merging load processes', () => {
  it('sums counts and errors by status, keeps the longest time, sorts every latency', () => {
    const merged = mergePhases([
      phase({ ok: 10, sent: 12, degraded: 1, reused: 4, errors: { DEADLINE_EXCEEDED: 2 }, seconds: 5, latencies: [1, 9] }),
      phase({ ok: 20, sent: 21, reused: 5, errors: { DEADLINE_EXCEEDED: 1, UNAVAILABLE: 1 }, seconds: 5.5, latencies: [3, 4] }),
    ]);
    expect(merged).toEqual({ ok: 30, sent: 33, degraded: 1, reused: 9, errors: { DEADLINE_EXCEEDED: 3, UNAVAILABLE: 1 }, seconds: 5.5, latencies: [1, 3, 4, 9] });
    expect(throughput(merged)).toBeCloseTo(30 / 5.5);
  });
  it('pools rounds run one after another: their times add up and the p99 is the pool\'s', () => {
    // Two quiet rounds and one with a tail: each quiet round's p99 is 1 ms, the noisy one's 100 ms.
    const quiet = () => phase({ ok: 100, sent: 100, seconds: 5, latencies: Array.from({ length: 100 }, () => 1) });
    const noisy = phase({ ok: 100, sent: 100, seconds: 5, errors: { RESOURCE_EXHAUSTED: 1 }, latencies: [...Array.from({ length: 97 }, () => 1), 100, 100, 100] });
    const pooled = poolRounds([quiet(), noisy, quiet()]);
    expect(pooled.seconds).toBe(15);
    expect(pooled.ok).toBe(300);
    expect(pooled.errors).toEqual({ RESOURCE_EXHAUSTED: 1 });
    expect(throughput(pooled)).toBeCloseTo(20);
    // 3 slow calls in 300 sit above the pooled 99th percentile (the 297th call).
    expect(summarize(pooled.latencies).p99).toBe(1);
    expect(summarize(pooled.latencies).max).toBe(100);
    expect(summarize(poolRounds([noisy, noisy]).latencies).p99).toBe(100);
  });
  it('counts only OK answers as throughput', () => {
    expect(throughput(phase({ ok: 0, sent: 100, errors: { UNAVAILABLE: 100 }, seconds: 2 }))).toBe(0);
  });
});

describe('overload errors', () => {
  it('separates shedding and late answers from real errors', () => {
    expect(realErrors({ RESOURCE_EXHAUSTED: 5, DEADLINE_EXCEEDED: 3, INTERNAL: 1, UNAVAILABLE: 2 })).toEqual({ INTERNAL: 1, UNAVAILABLE: 2 });
    expect(realErrors({ RESOURCE_EXHAUSTED: 5 })).toEqual({});
  });
});

describe('slope and saturation', () => {
  it('fits a least-squares slope (MB per minute of a growing RSS)', () => {
    expect(slope([{ x: 0, y: 100 }, { x: 1, y: 102 }, { x: 2, y: 104 }])).toBeCloseTo(2);
    expect(slope([{ x: 0, y: 100 }, { x: 5, y: 100 }])).toBe(0);
    expect(slope([{ x: 1, y: 1 }])).toBeNaN();
  });
  it('takes the highest throughput level, not the last', () => {
    expect(saturation([{ throughput: 90, c: 1 }, { throughput: 190, c: 16 }, { throughput: 170, c: 64 }])).toEqual({ throughput: 190, c: 16 });
    expect(saturation([])).toBeUndefined();
  });
});

describe('memory trend', () => {
  it('is not tilted by one garbage-collection spike the way least squares is', () => {
    const flat = Array.from({ length: 11 }, (_, i) => ({ x: i, y: 150 }));
    flat[8] = { x: 8, y: 220 };
    expect(robustSlope(flat)).toBe(0);
    expect(slope(flat)).toBeGreaterThan(1);
  });
  it('still sees a steady leak', () => {
    const leak = Array.from({ length: 11 }, (_, i) => ({ x: i, y: 100 + 3 * i }));
    expect(robustSlope(leak)).toBeCloseTo(3);
  });
  it('reports first, last and slopes per process in MB per minute', () => {
    const samples = [0, 60, 120].map((atSeconds, i) => ({ atSeconds, rssMb: { ranker: 200 + 2 * i, features: 150 } }));
    const [ranker, features] = memoryTrend(samples, ['ranker', 'features']);
    expect(ranker).toMatchObject({ name: 'ranker', firstMb: 200, lastMb: 204 });
    expect(ranker!.robustSlopeMbPerMin).toBeCloseTo(2);
    expect(features!.slopeMbPerMin).toBe(0);
  });
});

describe('medianPairedRatio', () => {
  it('takes the median of the per-round ratios, so one stalled round does not move it', () => {
    expect(medianPairedRatio([11, 200, 12], [10, 10, 10])).toBeCloseTo(1.2, 9);
    expect(medianPairedRatio([10, 20], [10, 10])).toBeCloseTo(1.5, 9);
    expect(medianPairedRatio([], [])).toBeUndefined();
  });
});
