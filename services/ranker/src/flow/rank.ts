// One Rank call: user context → candidates (parallel) → scores (parallel) → blend → page. Every
// stage runs under its own budget inside the call's deadline, and a source that fails or is late is
// reported and left out: only bad input (checked before this) is an error.
import { common, features, type affinity } from '@aisle/contracts';
import { annotateActiveSpan, ATTR, hashUserId, meter, PER } from '@aisle/telemetry';
import type { CallBound, Downstreams } from '../adapters/downstream';
import { PopularCache } from '../adapters/popular-cache';
import type { ProductCache } from '../adapters/product-cache';
import { callSource, skipped, toSourceStatus, type SourceOutcome } from '../adapters/source-call';
import { breakdown, CANDIDATE_SOURCES, selectTopK, total, type BlendWeights, type CandidateSignals, type ScoredCandidate } from '@aisle/ranking';
import { assign, type Assignment, type Experiment } from '../experiments/experiments';
import { buildPool, seedsFrom } from './candidates';

export interface RankInput {
  userId: string;
  k: number;
  country: string;
  timeUnixMs: number;
  exclude: ReadonlySet<string>;
  excludePurchased: boolean;
  explain: boolean;
}

export interface RankSettings {
  /** Budget of a whole Rank when the caller's deadline is later (or absent). */
  budgetMs: number;
  stageBudgetMs: { userContext: number; candidates: number; scores: number };
  /** Kept free at the end of the budget for merging and answering. */
  mergeReserveMs: number;
  /** Popularity lists fetched at most this long ago are used without a call (0 = always call). */
  popularReuseMs: number;
  maxPerFamily: number;
}

export interface Blend {
  weights: BlendWeights;
  /** Version of the learned blend in use; '' for the hand-set DEFAULT_BLEND. */
  version: string;
}

export interface RankDependencies {
  downstreams: Downstreams;
  popularCache: PopularCache;
  productCache: ProductCache;
  blend: () => Blend;
  /** The experiments in force (none when absent). */
  experiments?: () => readonly Experiment[];
  settings: RankSettings;
}

export interface RankedItem {
  candidate: ScoredCandidate;
  explanations: affinity.FeatureContribution[];
}

export interface RankResult {
  items: RankedItem[];
  sources: common.SourceStatus[];
  models: common.ModelVersion[];
  coldStart: boolean;
  featureAgeMs: number;
  timings: { stage: string; ms: number }[];
  /** The experiment and variant this user is in ('' when none). */
  experiment: string;
  variant: string;
}

const POPULAR_LIMIT = 200;
const fallbacks = meter.createCounter('aisle.rank.fallbacks', { description: 'Rank sources that were not OK, by source and state' });
const candidateCounts = meter.createHistogram('aisle.rank.candidates', {
  description: 'Candidates each generator put in one Rank pool, by source',
  advice: { explicitBucketBoundaries: [0, 10, 25, 50, 100, 200, 300, 500] },
});
const featureAge = meter.createHistogram('aisle.rank.feature_age', {
  description: "Age of the user's features (time since their newest write) when a Rank read them",
  unit: 'ms',
  advice: { explicitBucketBoundaries: [10, 100, 1_000, 10_000, 60_000, 600_000, 3_600_000, 86_400_000] },
});

export async function rank(input: RankInput, call: { deadline: number; signal: AbortSignal }, deps: RankDependencies): Promise<RankResult> {
  const { downstreams, settings } = deps;
  const deadline = Math.min(call.deadline, Date.now() + settings.budgetMs);
  const bound = (stageMs: number): CallBound => ({ deadline: Math.min(deadline - settings.mergeReserveMs, Date.now() + stageMs), signal: call.signal });
  const timings: RankResult['timings'] = [];
  const timed = async <T>(stage: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      timings.push({ stage, ms: Math.round((performance.now() - started) * 1000) / 1000 });
    }
  };

  // Stage 1: who is this user?
  const user = await timed('user_context', () => callSource(() => downstreams.userContext(input.userId, bound(settings.stageBudgetMs.userContext))));
  const context = user.value;
  const known = context?.known === true;
  const recent = context?.recent ?? [];
  const bought = context?.products ?? [];
  const nowUnixMs = input.timeUnixMs || context?.profile?.lastSeenUnixMs || Date.now();
  const seeds = seedsFrom(recent, 20);

  // Stage 2: candidates from co-purchase and popularity, in parallel.
  const [neighbours, popular] = await timed('candidates', () =>
    Promise.all([
      seeds.length > 0
        ? callSource(() => downstreams.copurchaseCandidates({ seeds, limit: 200, excludeProductIds: [...input.exclude].slice(0, 1000) }, bound(settings.stageBudgetMs.candidates)))
        : Promise.resolve(skipped<never>(known ? 'no recent purchases' : 'unknown user')),
      popularLists(input.country, deps, bound(settings.stageBudgetMs.candidates)),
    ]),
  );

  const pool = buildPool({
    copurchase: neighbours.value?.candidates ?? [],
    bought,
    popularGlobal: popular.value?.global ?? [],
    popularCountry: popular.value?.country ?? [],
    nowUnixMs,
    includeBought: !input.excludePurchased,
    limits: { repeat: 100, popular: 100, country: 50, pool: 500 },
  });
  const candidateIds = [...pool.keys()];

  // Stage 3: affinity and co-purchase scores, and catalogue facts, in parallel.
  const needCopurchaseScore = candidateIds.filter((id) => !(pool.get(id)!.sources.has('copurchase')));
  const boughtById = new Map(bought.map((stats) => [stats.productId, stats]));
  const scoresBound = bound(settings.stageBudgetMs.scores);
  const [affinityScores, copurchaseScores, catalog] = await timed('scores', () =>
    Promise.all([
      candidateIds.length > 0
        ? callSource(() =>
            downstreams.affinityScore(
              {
                user: known ? context?.profile : undefined,
                history: candidateIds.flatMap((id) => (boughtById.has(id) ? [boughtById.get(id)!] : [])),
                candidateIds,
                context: { country: input.country || context?.profile?.country || '', timeUnixMs: nowUnixMs },
                explainTop: input.explain ? 3 : 0,
              },
              scoresBound,
            ),
          )
        : Promise.resolve(skipped<affinity.ScoreResponse>('no candidates')),
      seeds.length > 0 && needCopurchaseScore.length > 0
        ? callSource(() => downstreams.copurchaseScore({ seeds, candidateIds: needCopurchaseScore.slice(0, 1000) }, scoresBound))
        : Promise.resolve(skipped<never>('nothing to score')),
      candidateIds.length > 0 ? catalogFacts(candidateIds, deps, scoresBound) : Promise.resolve(skipped<features.Product[]>('no candidates')),
    ]),
  );

  // Merge.
  const mergeStarted = performance.now();
  const explanations = new Map<string, affinity.FeatureContribution[]>();
  for (const score of affinityScores.value?.scores ?? []) {
    const signals = pool.get(score.productId);
    if (signals) signals.affinity = score.probability;
    explanations.set(score.productId, score.contributions);
  }
  for (const score of copurchaseScores.value?.scores ?? []) {
    const signals = pool.get(score.productId);
    if (signals) signals.copurchase = Math.max(signals.copurchase, score.score);
  }
  const productsById = new Map((catalog.value ?? []).map((product) => [product.productId, product]));
  const unavailable = new Set([...productsById.values()].filter((product) => !product.isProduct || !product.inStock).map((product) => product.productId));
  // An experiment's variant may blend with its own weights; the control serves production's.
  const assignment = deps.experiments ? assign(deps.experiments(), input.userId, Date.now()) : undefined;
  const production = deps.blend();
  const blend: Blend = assignment?.blend ? { weights: assignment.blend, version: `${assignment.experiment}/${assignment.variant}` } : production;
  const scored: ScoredCandidate[] = [...pool.values()].map((signals) => {
    const parts = breakdown(signals, blend.weights);
    return { signals, parts, score: total(parts), description: productsById.get(signals.productId)?.description ?? '' };
  });
  const exclude = input.excludePurchased ? new Set([...input.exclude, ...boughtById.keys()]) : input.exclude;
  const page = selectTopK(scored, { k: input.k, exclude, unavailable, maxPerFamily: settings.maxPerFamily });
  timings.push({ stage: 'merge', ms: Math.round((performance.now() - mergeStarted) * 1000) / 1000 });

  const outcomes: [string, SourceOutcome<unknown>][] = [
    ['features', user],
    ['copurchase', mergeOutcomes(neighbours, copurchaseScores)],
    ['popular', popular],
    ['affinity', affinityScores],
    ['catalog', catalog],
  ];

  const models: common.ModelVersion[] = [];
  const copurchaseModel = neighbours.value?.model ?? copurchaseScores.value?.model;
  if (copurchaseModel) models.push(copurchaseModel);
  if (affinityScores.value?.model) models.push(affinityScores.value.model);
  models.push({ model: 'blend', version: blend.version || 'default' });
  const featureAgeMs = known ? (context?.featureAgeMs ?? 0) : 0;
  recordTelemetry({ input, known, pool, outcomes, models, featureAgeMs, assignment });

  return {
    items: page.map((candidate) => ({ candidate, explanations: explanations.get(candidate.signals.productId) ?? [] })),
    sources: outcomes.map(([source, outcome]) => toSourceStatus(source, outcome)),
    models,
    coldStart: !known,
    featureAgeMs,
    timings,
    experiment: assignment?.experiment ?? '',
    variant: assignment?.variant ?? '',
  };
}

/** Co-purchase is one source with two calls: report the worse of the two. */
function mergeOutcomes(first: SourceOutcome<unknown>, second: SourceOutcome<unknown>): SourceOutcome<unknown> {
  const severity = { OK: 0, SKIPPED: 0, FALLBACK: 1, TIMEOUT: 2, FAILED: 3 } as const;
  const worse = severity[second.state] > severity[first.state] ? second : first;
  const state = first.state === 'SKIPPED' && second.state !== 'SKIPPED' ? second.state : worse.state;
  return { state, detail: worse.detail, latencyMs: first.latencyMs + second.latencyMs };
}

interface PopularLists {
  global: common.ScoredProduct[];
  country: common.ScoredProduct[];
}

/** Catalogue facts of the candidates: from the ranker's cache, and from the feature service for the rest. */
async function catalogFacts(ids: string[], deps: RankDependencies, bound: CallBound): Promise<SourceOutcome<features.Product[]>> {
  const { found, missing } = deps.productCache.lookup(ids);
  if (missing.length === 0) return { state: 'OK', value: found, detail: `${found.length} cached`, latencyMs: 0 };
  const outcome = await callSource(() => deps.downstreams.products(missing, bound));
  if (!outcome.value) return { ...outcome, value: found };
  deps.productCache.store(missing, outcome.value.products);
  return { ...outcome, value: [...found, ...outcome.value.products], detail: `${ids.length - missing.length} cached` };
}

/** Global (last 30 days) and country (all time) popularity; the last good lists stand in on failure. */
async function popularLists(country: string, deps: RankDependencies, bound: CallBound): Promise<SourceOutcome<PopularLists>> {
  const fetchList = async (listCountry: string, window: features.PopularityWindow) => {
    const key = PopularCache.key(listCountry, window);
    const recent = deps.settings.popularReuseMs > 0 ? deps.popularCache.fresh(key, deps.settings.popularReuseMs) : undefined;
    if (recent) return { outcome: { state: 'OK', value: { products: recent }, detail: '', latencyMs: 0 } as SourceOutcome<features.PopularResponse>, products: recent, fromCache: false };
    const outcome = await callSource(() => deps.downstreams.popular({ context: { country: listCountry, timeUnixMs: 0 }, window, limit: POPULAR_LIMIT }, bound));
    if (outcome.value) {
      deps.popularCache.put(key, outcome.value.products);
      return { outcome, products: outcome.value.products, fromCache: false };
    }
    const cached = deps.popularCache.get(key);
    return { outcome, products: cached ?? [], fromCache: cached !== undefined };
  };
  const [global, local] = await Promise.all([
    fetchList('', features.PopularityWindow.POPULARITY_WINDOW_LAST_30_DAYS),
    country ? fetchList(country, features.PopularityWindow.POPULARITY_WINDOW_ALL_TIME) : Promise.resolve(undefined),
  ]);
  const failures = [global, local].filter((list) => list && list.outcome.state !== 'OK');
  const value = { global: global.products, country: local?.products ?? [] };
  const latencyMs = Math.max(global.outcome.latencyMs, local?.outcome.latencyMs ?? 0);
  if (failures.length === 0) return { state: 'OK', value, detail: '', latencyMs };
  const detail = failures.map((list) => list!.outcome.detail).join('; ');
  if (failures.every((list) => list!.fromCache)) return { state: 'FALLBACK', value, detail: `served from cache after: ${detail}`, latencyMs };
  return { state: failures[0]!.outcome.state, value, detail, latencyMs };
}

interface RankTelemetry {
  input: RankInput;
  known: boolean;
  pool: Map<string, CandidateSignals>;
  outcomes: [string, SourceOutcome<unknown>][];
  models: common.ModelVersion[];
  featureAgeMs: number;
  assignment: Assignment | undefined;
}

/** The Rank's server span attributes (aisle.* in @aisle/telemetry) and its metrics. */
function recordTelemetry({ input, known, pool, outcomes, models, featureAgeMs, assignment }: RankTelemetry): void {
  const attributes: Record<string, string | number | boolean> = {
    [ATTR.USER_HASH]: hashUserId(input.userId),
    [ATTR.USER_KNOWN]: known,
    [ATTR.RANK_K]: input.k,
    [ATTR.RANK_COLD_START]: !known,
    [ATTR.CANDIDATES_COUNT]: pool.size,
  };
  if (assignment) Object.assign(attributes, { [ATTR.EXPERIMENT]: assignment.experiment, [ATTR.EXPERIMENT_VARIANT]: assignment.variant });
  const perSource = new Map<string, number>(CANDIDATE_SOURCES.map((source) => [source, 0]));
  for (const signals of pool.values()) for (const source of signals.sources) perSource.set(source, (perSource.get(source) ?? 0) + 1);
  for (const [source, count] of perSource) {
    attributes[PER.candidates(source)] = count;
    candidateCounts.record(count, { [ATTR.CANDIDATES_SOURCE]: source });
  }
  for (const model of models) attributes[PER.modelVersion(model.model)] = model.version;
  for (const [source, outcome] of outcomes) {
    attributes[PER.sourceState(source)] = outcome.state;
    if (outcome.state === 'OK' || outcome.state === 'SKIPPED') continue;
    attributes[PER.fallbackReason(source)] = outcome.detail;
    fallbacks.add(1, { [ATTR.SOURCE]: source, [ATTR.SOURCE_STATE]: outcome.state });
  }
  annotateActiveSpan(attributes);
  if (known) featureAge.record(featureAgeMs);
}
