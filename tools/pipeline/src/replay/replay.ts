// Replay evaluation of logged slates: each slate the ranker served (or a shadow variant would have
// served) is joined with what its user bought in the horizon after the slate's as-of time, and scored
// as OR-temporal-v1 scores a page (retail-data's userMetrics: HR and NDCG at k, binary relevance).
// Results per (experiment, variant), shadow variants apart, with user-clustered bootstrap intervals;
// shadow slates are paired with the served slate of the same request for the paired difference.
// A group's HR and NDCG are means over servings (Rank answers): a row standing for n servings of a held
// page (`servings`, 0 read as 1) counts as n identical slates of its user, in the means and in the
// bootstrap alike; a shadow pair weighs 1 (a shadow pairs with a computed page, never a repeat).
// A repeat row is scored from its first serving's as-of time, which is exact for all its servings: the
// ranker reuses a page only while the user's data version is unchanged, so no purchase of that user was
// ingested between the first and the last serving the row stands for (the horizon, though, is counted
// from the first serving for all of them).
import { DAY_MS, userMetrics } from '@aisle/retail-data';
import type { Slate } from '@aisle/feature-store';
import { clusterBootstrap, type Cluster, type Estimate } from './bootstrap';
import type { PurchaseIndex } from './purchases';

export interface ReplayOptions {
  /** Purchases in (as-of, as-of + horizon] count as bought. */
  horizonMs: number;
  /** Metrics at k: the first k served ids. */
  k: number;
  resamples: number;
  seed: number;
  /** Only this experiment's slates ("" = slates served outside any experiment). */
  experiment?: string;
  /** Served-time window [fromUnixMs, toUnixMs) applied to the slates given (the store reader applies it too). */
  fromUnixMs?: number;
  toUnixMs?: number;
}

export const DEFAULT_REPLAY_OPTIONS: ReplayOptions = { horizonMs: 7 * DAY_MS, k: 10, resamples: 1000, seed: 42 };

/** One slate scored. */
export interface SlateOutcome {
  slate: Slate;
  asOfUnixMs: number;
  /** Its horizon ends after the newest transaction: not scored. */
  pending: boolean;
  hr: number;
  ndcg: number;
  /** Distinct products the user bought within the horizon. */
  bought: number;
}

export interface GroupResult {
  experiment: string;
  variant: string;
  shadow: boolean;
  /** Scored slates (pending ones excluded): rows of the log. */
  slates: number;
  /** Servings the scored slates stand for (Σ servings, 0 read as 1): the units HR and NDCG are means over. */
  servings: number;
  /** Distinct users among the scored slates. */
  users: number;
  /** Slates (rows) whose horizon has not ended. */
  pending: number;
  hr: Estimate | undefined;
  ndcg: Estimate | undefined;
  /** Distinct products among the scored slates' first k ÷ catalogue size. */
  coverage: number | undefined;
  productsServed: number;
}

export interface ShadowResult {
  experiment: string;
  /** The shadow variant. */
  variant: string;
  /** Variants of the served slates it was paired with ("" = production, outside any variant). */
  servedVariants: string[];
  /** Scored pairs (shadow slate + the served slate of the same request). */
  pairs: number;
  users: number;
  /** Pairs whose horizon has not ended. */
  pending: number;
  /** Shadow slates without a served slate of the same request among the slates read. */
  unpaired: number;
  shadow: { hr: Estimate | undefined; ndcg: Estimate | undefined };
  served: { hr: Estimate | undefined; ndcg: Estimate | undefined };
  /** Paired differences shadow − served. */
  difference: { hr: Estimate | undefined; ndcg: Estimate | undefined };
}

export interface ReplayResult {
  options: { horizonMs: number; k: number; resamples: number; seed: number; experiment?: string; fromUnixMs?: number; toUnixMs?: number };
  /** Newest transaction time (horizons must end by it) and catalogue size. */
  transactions: { lines: number; lastUnixMs: number; catalogue: number };
  /** Slates considered (after the window and experiment filters, duplicates by id dropped): rows of the log. */
  slates: number;
  /** Of them, scored (horizon over) and pending. */
  scored: number;
  pending: number;
  /** Servings the slates considered stand for (Σ servings, 0 read as 1), and those of the scored ones. */
  servings: number;
  scoredServings: number;
  groups: GroupResult[];
  shadows: ShadowResult[];
}

/** The time the slate's ranking was for: its context's "now", or when it was served. */
export const asOfOf = (slate: Slate): number => (slate.context?.timeUnixMs ? slate.context.timeUnixMs : slate.servedUnixMs);

/** How many servings (Rank answers) the row stands for: a computed page 1, a row of later servings of a held page its count; 0 (old rows) is 1. */
export const servingsOf = (slate: Slate): number => (slate.servings > 0 ? slate.servings : 1);

export function scoreSlate(slate: Slate, purchases: PurchaseIndex, options: Pick<ReplayOptions, 'horizonMs' | 'k'>): SlateOutcome {
  const asOfUnixMs = asOfOf(slate);
  const until = asOfUnixMs + options.horizonMs;
  if (until > purchases.lastUnixMs) return { slate, asOfUnixMs, pending: true, hr: 0, ndcg: 0, bought: 0 };
  const truth = purchases.bought(slate.userHash, asOfUnixMs, until);
  // No purchase in the horizon: nothing to hit; HR and NDCG are 0 (userMetrics needs a non-empty truth).
  const metrics = truth.size > 0 ? userMetrics(slate.served, truth, options.k) : { hr: 0, ndcg: 0 };
  return { slate, asOfUnixMs, pending: false, hr: metrics.hr, ndcg: metrics.ndcg, bought: truth.size };
}

/** Per-user clusters of per-unit metric vectors; an item of weight n counts as n identical units. */
function clustersOf<T>(items: readonly T[], user: (item: T) => string, values: (item: T) => number[], weight: (item: T) => number): Cluster[] {
  const byUser = new Map<string, { count: number; sums: number[] }>();
  for (const item of items) {
    const vector = values(item);
    const n = weight(item);
    let cluster = byUser.get(user(item));
    if (!cluster) byUser.set(user(item), (cluster = { count: 0, sums: vector.map(() => 0) }));
    cluster.count += n;
    vector.forEach((value, m) => (cluster.sums[m]! += n * value));
  }
  // A stable order (by user hash) so a seed gives the same intervals whatever order slates came in.
  return [...byUser.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, cluster]) => cluster);
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function replay(input: Iterable<Slate>, purchases: PurchaseIndex, options: ReplayOptions = DEFAULT_REPLAY_OPTIONS): ReplayResult {
  const inWindow = (slate: Slate) => (options.fromUnixMs === undefined || slate.servedUnixMs >= options.fromUnixMs) && (options.toUnixMs === undefined || slate.servedUnixMs < options.toUnixMs);
  const seen = new Set<string>();
  const all: Slate[] = [];
  for (const slate of input) {
    if (!inWindow(slate) || seen.has(slate.slateId)) continue;
    seen.add(slate.slateId);
    all.push(slate);
  }
  // Served slates by request, from every experiment: a shadow pairs with whatever the user was served.
  const servedByRequest = new Map<string, Slate>();
  for (const slate of all) if (!slate.shadow && slate.requestId && !servedByRequest.has(slate.requestId)) servedByRequest.set(slate.requestId, slate);
  const selected = options.experiment === undefined ? all : all.filter((slate) => slate.experiment === options.experiment);

  const outcomes = new Map<string, SlateOutcome>();
  const outcome = (slate: Slate) => {
    let found = outcomes.get(slate.slateId);
    if (!found) outcomes.set(slate.slateId, (found = scoreSlate(slate, purchases, options)));
    return found;
  };
  const bootstrap = { resamples: options.resamples, seed: options.seed };

  // ---- groups ----
  const groups = new Map<string, SlateOutcome[]>();
  for (const slate of selected) {
    const key = JSON.stringify([slate.experiment, slate.variant, slate.shadow]);
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(outcome(slate));
  }
  const groupResults: GroupResult[] = [...groups.entries()].map(([key, list]) => {
    const [experiment, variant, shadow] = JSON.parse(key) as [string, string, boolean];
    const scored = list.filter((o) => !o.pending);
    const clusters = clustersOf(scored, (o) => o.slate.userHash, (o) => [o.hr, o.ndcg], (o) => servingsOf(o.slate));
    const products = new Set<string>();
    for (const o of scored) for (const id of o.slate.served.slice(0, options.k)) products.add(id);
    const [hr, ndcg] = scored.length > 0 ? clusterBootstrap(clusters, 2, bootstrap).estimates : [undefined, undefined];
    return {
      experiment,
      variant,
      shadow,
      slates: scored.length,
      servings: clusters.reduce((sum, cluster) => sum + cluster.count, 0),
      users: clusters.length,
      pending: list.length - scored.length,
      hr,
      ndcg,
      coverage: scored.length > 0 && purchases.catalogueSize > 0 ? products.size / purchases.catalogueSize : undefined,
      productsServed: products.size,
    };
  });
  groupResults.sort((a, b) => compare(a.experiment, b.experiment) || Number(a.shadow) - Number(b.shadow) || compare(a.variant, b.variant));

  // ---- shadow pairs ----
  type Pair = { shadow: SlateOutcome; served: SlateOutcome };
  const shadowGroups = new Map<string, { pairs: Pair[]; pending: number; unpaired: number; servedVariants: Set<string> }>();
  for (const slate of selected) {
    if (!slate.shadow) continue;
    const key = JSON.stringify([slate.experiment, slate.variant]);
    let group = shadowGroups.get(key);
    if (!group) shadowGroups.set(key, (group = { pairs: [], pending: 0, unpaired: 0, servedVariants: new Set() }));
    const served = servedByRequest.get(slate.requestId);
    if (!served) {
      group.unpaired++;
      continue;
    }
    const pair = { shadow: outcome(slate), served: outcome(served) };
    if (pair.shadow.pending || pair.served.pending) {
      group.pending++;
      continue;
    }
    group.servedVariants.add(served.variant);
    group.pairs.push(pair);
  }
  const shadowResults: ShadowResult[] = [...shadowGroups.entries()].map(([key, group]) => {
    const [experiment, variant] = JSON.parse(key) as [string, string];
    const clusters = clustersOf(group.pairs, (p) => p.shadow.slate.userHash, (p) => [p.shadow.hr, p.shadow.ndcg, p.served.hr, p.served.ndcg, p.shadow.hr - p.served.hr, p.shadow.ndcg - p.served.ndcg], () => 1);
    const e: (Estimate | undefined)[] = group.pairs.length > 0 ? clusterBootstrap(clusters, 6, bootstrap).estimates : new Array(6).fill(undefined);
    return {
      experiment,
      variant,
      servedVariants: [...group.servedVariants].sort(compare),
      pairs: group.pairs.length,
      users: clusters.length,
      pending: group.pending,
      unpaired: group.unpaired,
      shadow: { hr: e[0], ndcg: e[1] },
      served: { hr: e[2], ndcg: e[3] },
      difference: { hr: e[4], ndcg: e[5] },
    };
  });
  shadowResults.sort((a, b) => compare(a.experiment, b.experiment) || compare(a.variant, b.variant));

  const scoredSlates = selected.filter((slate) => !outcome(slate).pending);
  const scored = scoredSlates.length;
  const sumServings = (list: readonly Slate[]) => list.reduce((sum, slate) => sum + servingsOf(slate), 0);
  return {
    options: { horizonMs: options.horizonMs, k: options.k, resamples: options.resamples, seed: options.seed, experiment: options.experiment, fromUnixMs: options.fromUnixMs, toUnixMs: options.toUnixMs },
    transactions: { lines: purchases.lines, lastUnixMs: purchases.lastUnixMs, catalogue: purchases.catalogueSize },
    slates: selected.length,
    scored,
    pending: selected.length - scored,
    servings: sumServings(selected),
    scoredServings: sumServings(scoredSlates),
    groups: groupResults,
    shadows: shadowResults,
  };
}
