// The arithmetic of the report: percentiles, ratios, merged phases, saturation and memory slopes.
// Pure functions, no I/O, so the tests can pin them down.

/** Nearest-rank percentile of an ascending array (NaN when empty). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function summarize(sorted: ArrayLike<number>): LatencySummary {
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted.length ? sorted[sorted.length - 1]! : NaN };
}

/** a ÷ b, or undefined when either side is missing, not finite, or b is zero. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return undefined;
  return a / b;
}

/** What one load-generator process measured in one phase. */
export interface RawPhase {
  /** Calls answered OK. */
  ok: number;
  /** OK answers that reported a degraded source (Rank only). */
  degraded: number;
  /** OK Rank answers the ranker reused (answer_age_ms > 0) instead of computing. */
  reused: number;
  /** Calls that ended with a status other than OK, by status name. */
  errors: Record<string, number>;
  /** Calls issued (open loop: as scheduled). */
  sent: number;
  /** Wall time of the phase, s (from the first send to the last answer counted). */
  seconds: number;
  /** Latency of every finished call (OK or not), ms, ascending. */
  latencies: number[];
}

/** Phases measured side by side by several load-generator processes, as one. */
export function mergePhases(phases: readonly RawPhase[]): RawPhase {
  const errors: Record<string, number> = {};
  for (const phase of phases) for (const [name, count] of Object.entries(phase.errors)) errors[name] = (errors[name] ?? 0) + count;
  return {
    ok: phases.reduce((sum, phase) => sum + phase.ok, 0),
    degraded: phases.reduce((sum, phase) => sum + phase.degraded, 0),
    reused: phases.reduce((sum, phase) => sum + phase.reused, 0),
    sent: phases.reduce((sum, phase) => sum + phase.sent, 0),
    errors,
    seconds: Math.max(0, ...phases.map((phase) => phase.seconds)),
    latencies: phases.flatMap((phase) => phase.latencies).sort((a, b) => a - b),
  };
}

/**
 * Rounds of the same load measured one after another, as one phase: counts and errors summed, the
 * time summed, every latency pooled (a percentile of the pool, not an average of the rounds' percentiles).
 */
export function poolRounds(rounds: readonly RawPhase[]): RawPhase {
  return { ...mergePhases(rounds), seconds: rounds.reduce((sum, round) => sum + round.seconds, 0) };
}

export const errorCount = (errors: Record<string, number>) => Object.values(errors).reduce((sum, count) => sum + count, 0);

/** OK answers per second. */
export const throughput = (phase: Pick<RawPhase, 'ok' | 'seconds'>) => (phase.seconds > 0 ? phase.ok / phase.seconds : 0);

/**
 * Statuses that count as load shedding or a late answer under overload (RESOURCE_EXHAUSTED,
 * DEADLINE_EXCEEDED); anything else is a real error.
 */
export const SHED_OR_LATE = new Set(['RESOURCE_EXHAUSTED', 'DEADLINE_EXCEEDED']);

export function realErrors(errors: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(errors).filter(([name]) => !SHED_OR_LATE.has(name)));
}

/** Least-squares slope of y over x (NaN with fewer than two distinct x). */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((sum, p) => sum + p.x, 0) / n;
  const my = points.reduce((sum, p) => sum + p.y, 0) / n;
  const sxx = points.reduce((sum, p) => sum + (p.x - mx) ** 2, 0);
  if (sxx === 0) return NaN;
  return points.reduce((sum, p) => sum + (p.x - mx) * (p.y - my), 0) / sxx;
}

/** The highest throughput over closed-loop levels, and the level that reached it. */
export function saturation<T extends { throughput: number }>(levels: readonly T[]): T | undefined {
  return levels.reduce<T | undefined>((best, level) => (best === undefined || level.throughput > best.throughput ? level : best), undefined);
}

/**
 * Theil–Sen slope: the median of the slopes between every pair of points. A memory trend that one
 * garbage-collection spike cannot tilt the way it tilts a least-squares fit (NaN with < 2 distinct x).
 */
export function robustSlope(points: readonly { x: number; y: number }[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) for (let j = i + 1; j < points.length; j++) if (points[j]!.x !== points[i]!.x) slopes.push((points[j]!.y - points[i]!.y) / (points[j]!.x - points[i]!.x));
  if (slopes.length === 0) return NaN;
  slopes.sort((a, b) => a - b);
  const mid = slopes.length >> 1;
  return slopes.length % 2 ? slopes[mid]! : (slopes[mid - 1]! + slopes[mid]!) / 2;
}

/** Per process: first and last RSS sample, least-squares and Theil–Sen slopes in MB per minute. */
export function memoryTrend(samples: readonly { atSeconds: number; rssMb: Record<string, number> }[], names: readonly string[]) {
  return names.map((name) => {
    const points = samples.filter((s) => s.rssMb[name] !== undefined).map((s) => ({ x: s.atSeconds / 60, y: s.rssMb[name]! }));
    return { name, firstMb: points[0]?.y ?? NaN, lastMb: points[points.length - 1]?.y ?? NaN, slopeMbPerMin: slope(points), robustSlopeMbPerMin: robustSlope(points) };
  });
}

/**
 * Median over rounds of the ratio subject ÷ baseline, each round's pair measured back to back: a noisy
 * round (a pause of the shared machine) moves one ratio, not the result.
 */
export function medianPairedRatio(subject: readonly number[], baseline: readonly number[]): number | undefined {
  const ratios = subject.flatMap((value, i) => (baseline[i] !== undefined && baseline[i]! > 0 ? [value / baseline[i]!] : [])).sort((a, b) => a - b);
  if (ratios.length === 0) return undefined;
  const middle = Math.floor(ratios.length / 2);
  return ratios.length % 2 === 1 ? ratios[middle] : (ratios[middle - 1]! + ratios[middle]!) / 2;
}
