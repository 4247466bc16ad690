// Confidence intervals by a cluster bootstrap: the resampled units are users, not slates. A user's
// slates are not independent (same tastes, often the same page again), so resampling slates one by
// one would understate the uncertainty; each replicate draws users with replacement and takes all of
// each drawn user's slates with them.
import { seededRandom, type Random } from '@aisle/retail-data';

/** One user's contribution: how many units (servings, pairs) and the sum of each metric over them. */
export interface Cluster {
  count: number;
  sums: readonly number[];
}

/** A point estimate with its two-sided 95% percentile interval. */
export interface Estimate {
  value: number;
  low: number;
  high: number;
}

export interface BootstrapOptions {
  resamples: number;
  seed: number;
  /** Keep every replicate's statistics (for tests and diagnostics). */
  keepReplicates?: boolean;
}

export interface BootstrapResult {
  /** One estimate per metric: the ratio Σ sums / Σ count (the mean over all units). */
  estimates: Estimate[];
  /** replicates[r][m]: metric m in replicate r (only with keepReplicates). */
  replicates?: number[][];
}

/** `n` indices drawn uniformly with replacement from [0, n): one resample of n users. */
export function resampleIndices(n: number, random: Random): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(random() * n);
  return out;
}

/** Linear interpolation between order statistics (R's type 7) of an ascending array. */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function ratios(clusters: readonly Cluster[], metrics: number, pick: (i: number) => number, draws: number): number[] {
  let count = 0;
  const sums = new Array<number>(metrics).fill(0);
  for (let d = 0; d < draws; d++) {
    const cluster = clusters[pick(d)]!;
    count += cluster.count;
    for (let m = 0; m < metrics; m++) sums[m]! += cluster.sums[m]!;
  }
  return sums.map((sum) => (count > 0 ? sum / count : Number.NaN));
}

/**
 * Means of `metrics` metrics over every unit of every cluster, each with a 95% interval from
 * `resamples` user-level resamples (percentile method). One sequence of draws serves all metrics, so
 * their intervals come from the same replicates. Deterministic for a seed. No clusters: NaN estimates.
 */
export function clusterBootstrap(clusters: readonly Cluster[], metrics: number, options: BootstrapOptions): BootstrapResult {
  const point = ratios(clusters, metrics, (i) => i, clusters.length);
  if (clusters.length === 0) return { estimates: point.map((value) => ({ value, low: value, high: value })), replicates: options.keepReplicates ? [] : undefined };
  const random = seededRandom(options.seed);
  const perMetric: number[][] = Array.from({ length: metrics }, () => []);
  const replicates: number[][] | undefined = options.keepReplicates ? [] : undefined;
  for (let r = 0; r < options.resamples; r++) {
    const drawn = resampleIndices(clusters.length, random);
    const values = ratios(clusters, metrics, (i) => drawn[i]!, clusters.length);
    values.forEach((value, m) => perMetric[m]!.push(value));
    replicates?.push(values);
  }
  const estimates = point.map((value, m) => {
    const sorted = perMetric[m]!.sort((a, b) => a - b);
    return { value, low: quantile(sorted, 0.025), high: quantile(sorted, 0.975) };
  });
  return { estimates, replicates };
}
