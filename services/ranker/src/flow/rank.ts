// One Rank call: user context → candidates (parallel) → scores (parallel) → blend → page. Every
// stage runs under its own budget inside the call's deadline, and a source that fails or is late is
// reported and left out: only bad input (checked before this) is an error.
import { randomUUID } from 'node:crypto';
import { common, features, type affinity, type copurchase, type slates } from '@aisle/contracts';
import { annotateActiveSpan, ATTR, detached, hashUserId, meter, PER, withSpan } from '@aisle/telemetry';
import type { CallBound, Downstreams } from '../adapters/downstream';
import { PopularCache } from '../adapters/popular-cache';
import type { ProductCache } from '../adapters/product-cache';
import { callSource, skipped, toSourceStatus, type SourceOutcome } from '../adapters/source-call';
import { breakdown, CANDIDATE_SOURCES, selectTopK, total, type BlendWeights, type CandidateSignals, type ScoredCandidate } from '@aisle/ranking';
import { assign, type Assignment, type Experiment, type ShadowVariant, type VariantModels } from '../experiments/experiments';
import type { SlateLog } from '../adapters/slate-log';
import { AnswerCache, type AnswerKeyInput, type HeldAnswer } from '../adapters/answer-cache';
import type { VersionChecks } from '../adapters/version-checks';
import { buildPool, seedsFrom } from './candidates';

/** A validated Rank request: what an answer depends on besides the user's data, and whether to reuse one. */
export interface RankInput extends AnswerKeyInput {
  /** Compute the answer even when a reusable one is held. */
  fresh: boolean;
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
  /** Budget of one shadow scoring (after the answer has gone). */
  shadowBudgetMs: number;
  /** Shadow scorings running at once at most; beyond it a sampled request skips its shadow. */
  shadowMaxInFlight: number;
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
  /** Where served and shadow slates go, keeping the best `candidates` of each (no logging when absent). */
  slateLog?: { log: Pick<SlateLog, 'offer' | 'repeat'>; candidates: number };
  /** Answers reused while the user's data has not changed, and the checks that it has not (none when absent). */
  answers?: { cache: AnswerCache<ReusableAnswer>; versions: VersionChecks };
  settings: RankSettings;
}

/** What the answer cache holds: the result, and the served slate to log again on reuse. */
export interface ReusableAnswer {
  result: RankResult;
  slate: slates.Slate | undefined;
}

export interface RankedItem {
  candidate: ScoredCandidate;
  explanations: affinity.FeatureContribution[];
}

export interface RankResult {
  /** The page. A reused answer serves this same array again (the handler converts it to proto once). */
  items: RankedItem[];
  sources: common.SourceStatus[];
  models: common.ModelVersion[];
  coldStart: boolean;
  featureAgeMs: number;
  timings: { stage: string; ms: number }[];
  /** The experiment and variant this user is in ('' when none). */
  experiment: string;
  variant: string;
  /** 0 when this call computed the answer, else how long ago it was computed. */
  answerAgeMs: number;
}

const POPULAR_LIMIT = 200;
const answerLookups = meter.createCounter('aisle.cache.lookups', { description: 'Cache lookups by cache and outcome (hit ratio = hit / all)' });
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

export async function rank(input: RankInput, call: { readonly deadline: number; readonly signal: AbortSignal }, deps: RankDependencies): Promise<RankResult> {
  const { settings } = deps;
  const deadline = Math.min(call.deadline, Date.now() + settings.budgetMs);
  const bound = stageBounds(deadline, settings, call);
  const timings: RankResult['timings'] = [];
  const timed = async <T>(stage: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      timings.push({ stage, ms: Math.round((performance.now() - started) * 1000) / 1000 });
    }
  };

  // The experiment's variant decides which models score and blend.
  const assignment = deps.experiments ? assign(deps.experiments(), input.userId, Date.now()) : undefined;
  const models = assignment?.models ?? {};
  const blend = assignment ? variantBlend(assignment.experiment, assignment.variant, assignment.blend, deps.blend()) : deps.blend();

  const parts: ComputeParts = { input, deps, bound, timings, timed, assignment, models, blend, serve: true };
  const answers = deps.answers;
  if (!answers) return (await compute(parts)).result;

  // An answer held for the same request, variant and blend is served again if the user's data is
  // still at the version it was computed on; a computation of it already running is waited for.
  const { cache } = answers;
  const key = AnswerCache.key(input);
  const basis = basisOf(assignment, models, blend);
  const computeAndHold = (work: ComputeParts) =>
    cache.compute(key, basis, async () => {
      const { result, slate, version, whole } = await compute(work);
      answerLookups.add(1, { [ATTR.CACHE_NAME]: 'answers', [ATTR.CACHE_HIT]: false });
      return { held: { userVersion: version, basis, computedAtMs: Date.now(), answer: { result, slate } }, whole, result };
    });
  if (!input.fresh) {
    const found = cache.get(key, basis);
    // Held without a version: a degraded answer whose user read failed, served as it is while held (2 s).
    if (found?.held.userVersion === '') return reuse(found.held, input, 0, timings, deps);
    if (found) {
      const current = await timed('user_version', () => callSource(() => answers.versions.check(input.userId, bound(settings.stageBudgetMs.userContext))));
      if (current.value?.version === found.held.userVersion) {
        // Past its lifetime: served this once more while one computation refreshes it, off this call
        // and queued behind other refreshes (its budget starts when it runs).
        if (found.stale) cache.refreshLater(key, () => detached(() => computeAndHold(background(parts))));
        return reuse(found.held, input, current.value.featureAgeMs, timings, deps);
      }
      // The feature service did not answer the check in time: computing now would ask it again and
      // fall back to popular products. The held answer (this request's, at most twice the lifetime old)
      // is the better fallback; the response says its features could not be checked.
      if (!current.value) return reuse(found.held, input, found.held.answer.result.featureAgeMs, timings, deps, current);
    }
    const running = cache.running(key, basis);
    if (running) {
      const shared = await timed('shared', () => running);
      if (shared) return reuse(shared, input, shared.answer.result.featureAgeMs, timings, deps);
    }
  }
  // A fresh request computes too, and what it computed is the newest answer to hold.
  return computeAndHold(parts);
}

// What decided an answer besides the request and the user's data, as one string to compare. Without an
// experiment it depends on the blend alone, so it is built once per blend, not on every call.
const blendBasis = new WeakMap<Blend, string>();
function basisOf(assignment: Assignment | undefined, models: VariantModels, blend: Blend): string {
  const kept = assignment ? undefined : blendBasis.get(blend);
  if (kept !== undefined) return kept;
  const basis = JSON.stringify([assignment?.experiment, assignment?.variant, models, blend]);
  if (!assignment) blendBasis.set(blend, basis);
  return basis;
}

/** The same computation for nobody waiting: its own budget, never cancelled, nothing served or logged. */
function background(parts: ComputeParts): ComputeParts {
  const { settings } = parts.deps;
  const deadline = Date.now() + settings.budgetMs;
  const timed: Timed = (_stage, work) => work();
  return { ...parts, bound: stageBounds(deadline, settings, { signal: new AbortController().signal }), timings: [], timed, serve: false };
}

/**
 * A stage's bound: its own budget from now, within the call's deadline less the merge reserve. The
 * call's signal is read only by what uses it (a downstream call), so a reused answer, whose version
 * check needs only the deadline, never makes one (see createCallContext).
 */
function stageBounds(deadline: number, settings: RankSettings, call: { readonly signal: AbortSignal }): (stageMs: number) => CallBound {
  return (stageMs) => ({
    deadline: Math.min(deadline - settings.mergeReserveMs, Date.now() + stageMs),
    get signal() {
      return call.signal;
    },
  });
}

interface ComputeParts {
  input: RankInput;
  deps: RankDependencies;
  bound: (stageMs: number) => CallBound;
  timings: RankResult['timings'];
  timed: Timed;
  assignment: Assignment | undefined;
  models: VariantModels;
  blend: Blend;
  /** False for a background refresh: its slate is built (for later servings) but not logged, and no shadow runs. */
  serve: boolean;
}

/** One Rank computed: every stage, the slate logged, a shadow started when the experiment samples one. */
async function compute({ input, deps, bound, timings, timed, assignment, models, blend, serve }: ComputeParts) {
  const { settings } = deps;
  // Stage 1: who is this user?
  const user = await timed('user_context', () => callSource(() => deps.downstreams.userContext(input.userId, bound(settings.stageBudgetMs.userContext))));
  const who = userStage(input, user);

  // Stages 2 and 3: candidates (parallel), then scores and catalogue facts (parallel).
  const gathered = await gather(input, who, models, deps, bound, timed);

  // Merge.
  const mergeStarted = performance.now();
  const merged = merge(input, who, gathered, blend, settings);
  timings.push({ stage: 'merge', ms: Math.round((performance.now() - mergeStarted) * 1000) / 1000 });

  const outcomes: [string, SourceOutcome<unknown>][] = [
    ['features', user],
    ['copurchase', mergeOutcomes(gathered.neighbours, gathered.copurchaseScores)],
    ['popular', gathered.popular],
    ['affinity', gathered.affinityScores],
    ['catalog', gathered.catalog],
  ];
  const usedModels = modelsOf(gathered, blend);
  const featureAgeMs = who.known ? (who.context?.featureAgeMs ?? 0) : 0;
  recordTelemetry({ input, known: who.known, pool: merged.pool, outcomes, models: usedModels, featureAgeMs, assignment });

  let servedSlate: slates.Slate | undefined;
  if (deps.slateLog) {
    const requestId = randomUUID();
    const slate = (variant: string, shadow: boolean, page: ScoredCandidate[], scored: ScoredCandidate[], slateModels: common.ModelVersion[]) =>
      slateOf({ requestId, slateId: shadow ? `${requestId}:shadow` : requestId, input, experiment: assignment?.experiment ?? '', variant, shadow, page, scored, models: slateModels, keep: deps.slateLog!.candidates });
    servedSlate = slate(assignment?.variant ?? '', false, merged.page, merged.scored, usedModels);
    if (serve) deps.slateLog.log.offer(servedSlate);
    const shadow = assignment?.shadow;
    if (serve && shadow && shadow.sample > 0 && Math.random() < shadow.sample) {
      // After the answer has gone, in a trace of its own (aisle.rank.shadow), never the caller's.
      const attributes = { [ATTR.EXPERIMENT]: assignment!.experiment, [ATTR.EXPERIMENT_VARIANT]: shadow.name };
      const base = { input, who, models, gathered, blend, experiment: assignment!.experiment };
      setImmediate(() =>
        runShadow(deps, (signal) =>
          detached(() =>
            withSpan('aisle.rank.shadow', attributes, async () => {
              const scored = await scoreShadow(base, shadow, deps, signal);
              deps.slateLog!.log.offer(slate(shadow.name, true, scored.page, scored.scored, scored.models));
              return scored.clean;
            }),
          ),
        ),
      );
    }
  }

  const result: RankResult = {
    items: merged.page.map((candidate) => ({ candidate, explanations: gathered.explanations.get(candidate.signals.productId) ?? [] })),
    sources: outcomes.map(([source, outcome]) => toSourceStatus(source, outcome)),
    models: usedModels,
    coldStart: !who.known,
    featureAgeMs,
    timings,
    experiment: assignment?.experiment ?? '',
    variant: assignment?.variant ?? '',
    answerAgeMs: 0,
  };
  return {
    result,
    slate: servedSlate,
    version: who.known ? (who.context?.version ?? '') : '',
    whole: outcomes.every(([, outcome]) => outcome.state === 'OK' || outcome.state === 'SKIPPED'),
  };
}

/** A held answer again (the user's data unchanged since), or the one a concurrent identical request computed. */
function reuse(held: HeldAnswer<ReusableAnswer>, input: RankInput, featureAgeMs: number, timings: RankResult['timings'], deps: RankDependencies, failedCheck?: SourceOutcome<unknown>): RankResult {
  const { result, slate } = held.answer;
  const sources = failedCheck
    ? result.sources.map((source) =>
        source.source === 'features' ? toSourceStatus('features', { ...failedCheck, state: 'FALLBACK', detail: `user version not checked (${failedCheck.state}: ${failedCheck.detail}); answer held from before` }) : source,
      )
    : result.sources;
  const answerAgeMs = Math.max(1, Date.now() - held.computedAtMs);
  // Served again, so counted: the log gets one row for this page's servings in a window.
  if (deps.slateLog && slate) deps.slateLog.log.repeat(slate);
  answerLookups.add(1, { [ATTR.CACHE_NAME]: 'answers', [ATTR.CACHE_HIT]: true });
  annotateActiveSpan(() => ({
    [ATTR.USER_HASH]: hashUserId(input.userId),
    [ATTR.USER_KNOWN]: !result.coldStart,
    [ATTR.RANK_K]: input.k,
    [ATTR.RANK_COLD_START]: result.coldStart,
    [PER.cacheHits('answers')]: 1,
    ...Object.fromEntries(result.models.map((model) => [PER.modelVersion(model.model), model.version])),
  }));
  featureAge.record(featureAgeMs);
  return { ...result, sources, featureAgeMs, timings, answerAgeMs };
}

/**
 * A shadow variant's page for the same call: the gathered results are reused, and only the calls whose
 * model version the shadow changes are made again, under the shadow's own budget.
 */
async function scoreShadow(
  base: { input: RankInput; who: UserStage; models: VariantModels; gathered: Gathered; blend: Blend; experiment: string },
  shadow: ShadowVariant,
  deps: RankDependencies,
  signal: AbortSignal,
) {
  const deadline = Date.now() + deps.settings.shadowBudgetMs;
  const bound = (stageMs: number): CallBound => ({ deadline: Math.min(deadline, Date.now() + stageMs), signal });
  const again = await gather(base.input, base.who, { ...base.models, ...shadow.models }, deps, bound, (_stage, work) => work(), { models: base.models, gathered: base.gathered });
  const blend = variantBlend(base.experiment, shadow.name, shadow.blend, base.blend);
  const { page, scored } = merge(base.input, base.who, again, blend, deps.settings);
  const clean = [again.neighbours, again.copurchaseScores, again.affinityScores].every((outcome) => outcome.state === 'OK' || outcome.state === 'SKIPPED');
  return { page, scored, models: modelsOf(again, blend), clean };
}

/** A variant's own blend weights, reported as `<experiment>/<variant>`; without them, `otherwise`. */
function variantBlend(experiment: string, variant: string, weights: BlendWeights | undefined, otherwise: Blend): Blend {
  return weights ? { weights, version: `${experiment}/${variant}` } : otherwise;
}

interface UserStage {
  context: features.GetUserContextResponse | undefined;
  known: boolean;
  bought: common.UserProductStats[];
  boughtById: Map<string, common.UserProductStats>;
  nowUnixMs: number;
  seeds: common.ProductRef[];
}

function userStage(input: RankInput, user: SourceOutcome<features.GetUserContextResponse>): UserStage {
  const context = user.value;
  const bought = context?.products ?? [];
  return {
    context,
    known: context?.known === true,
    bought,
    boughtById: new Map(bought.map((stats) => [stats.productId, stats])),
    nowUnixMs: input.timeUnixMs || context?.profile?.lastSeenUnixMs || Date.now(),
    seeds: seedsFrom(context?.recent ?? [], 20),
  };
}

/** What stages 2 and 3 returned for one set of model versions. */
interface Gathered {
  neighbours: SourceOutcome<copurchase.CandidatesResponse>;
  popular: SourceOutcome<PopularLists>;
  /** The candidates' signals; merge adds the scores to them. */
  pool: Map<string, CandidateSignals>;
  candidateIds: string[];
  affinityScores: SourceOutcome<affinity.ScoreResponse>;
  copurchaseScores: SourceOutcome<copurchase.ScoreResponse>;
  catalog: SourceOutcome<features.Product[]>;
  explanations: Map<string, affinity.FeatureContribution[]>;
}

type Timed = <T>(stage: string, work: () => Promise<T>) => Promise<T>;

/**
 * Candidates, then scores and catalogue facts. With `reuse` (a shadow), what the other model versions
 * already answered is taken as it is: only the calls whose model version differs are made again.
 */
async function gather(
  input: RankInput,
  who: UserStage,
  models: VariantModels,
  deps: RankDependencies,
  bound: (stageMs: number) => CallBound,
  timed: Timed,
  reuse?: { models: VariantModels; gathered: Gathered },
): Promise<Gathered> {
  const { settings, downstreams } = deps;
  const { known, seeds } = who;
  const sameCopurchase = reuse !== undefined && (reuse.models.copurchase ?? '') === (models.copurchase ?? '');
  const sameAffinity = reuse !== undefined && (reuse.models.affinity ?? '') === (models.affinity ?? '');
  const [neighbours, popular] = await timed('candidates', () =>
    Promise.all([
      sameCopurchase
        ? Promise.resolve(reuse.gathered.neighbours)
        : seeds.length > 0
          ? callSource(() =>
              downstreams.copurchaseCandidates({ seeds, limit: 200, excludeProductIds: [...input.exclude].slice(0, 1000), modelVersion: models.copurchase ?? '' }, bound(settings.stageBudgetMs.candidates)),
            )
          : Promise.resolve(skipped<never>(known ? 'no recent purchases' : 'unknown user')),
      reuse ? Promise.resolve(reuse.gathered.popular) : popularLists(input.country, deps, bound(settings.stageBudgetMs.candidates)),
    ]),
  );
  // A fresh pool per gather (a shadow's too): merge fills in its scores.
  const pool = buildPool(poolInputs(input, who, neighbours, popular));
  const candidateIds = [...pool.keys()];
  const samePool = sameCopurchase; // the pool depends only on the co-purchase neighbours and popularity

  const neighbourIds = new Set((neighbours.value?.candidates ?? []).map((candidate) => candidate.productId));
  const needCopurchaseScore = candidateIds.filter((id) => !neighbourIds.has(id));
  const scoresBound = bound(settings.stageBudgetMs.scores);
  const [affinityScores, copurchaseScores, catalog] = await timed('scores', () =>
    Promise.all([
      sameAffinity && samePool
        ? Promise.resolve(reuse.gathered.affinityScores)
        : affinityFor(sameAffinity ? reuse.gathered.affinityScores : undefined, candidateIds, (ids) =>
            downstreams.affinityScore(
              {
                user: known ? who.context?.profile : undefined,
                history: ids.flatMap((id) => (who.boughtById.has(id) ? [who.boughtById.get(id)!] : [])),
                candidateIds: ids,
                context: { country: input.country || who.context?.profile?.country || '', timeUnixMs: who.nowUnixMs },
                explainTop: input.explain && !reuse ? 3 : 0,
                modelVersion: models.affinity ?? '',
              },
              scoresBound,
            ),
          ),
      sameCopurchase && samePool
        ? Promise.resolve(reuse.gathered.copurchaseScores)
        : seeds.length > 0 && needCopurchaseScore.length > 0
          ? callSource(() => downstreams.copurchaseScore({ seeds, candidateIds: needCopurchaseScore.slice(0, 1000), modelVersion: models.copurchase ?? '' }, scoresBound))
          : Promise.resolve(skipped<never>('nothing to score')),
      samePool ? Promise.resolve(reuse.gathered.catalog) : candidateIds.length > 0 ? catalogFacts(candidateIds, deps, scoresBound) : Promise.resolve(skipped<features.Product[]>('no candidates')),
    ]),
  );
  const explanations = new Map<string, affinity.FeatureContribution[]>();
  for (const score of affinityScores.value?.scores ?? []) explanations.set(score.productId, score.contributions);
  return { neighbours, popular, pool, candidateIds, affinityScores, copurchaseScores, catalog, explanations };
}

/**
 * Affinity scores of the candidates. A score depends on the user, the context and the product only, so
 * a shadow with the same affinity version asks only for the candidates its own pool added.
 */
async function affinityFor(
  previous: SourceOutcome<affinity.ScoreResponse> | undefined,
  candidateIds: string[],
  score: (ids: string[]) => Promise<affinity.ScoreResponse>,
): Promise<SourceOutcome<affinity.ScoreResponse>> {
  if (candidateIds.length === 0) return skipped<affinity.ScoreResponse>('no candidates');
  if (previous?.state !== 'OK' || !previous.value) return callSource(() => score(candidateIds));
  const scored = new Map(previous.value.scores.map((entry) => [entry.productId, entry]));
  const missing = candidateIds.filter((id) => !scored.has(id));
  if (missing.length === 0) return previous;
  const asked = await callSource(() => score(missing));
  if (!asked.value) return asked;
  const wanted = new Set(candidateIds);
  const reused = previous.value.scores.filter((entry) => wanted.has(entry.productId));
  return { ...asked, value: { ...asked.value, scores: [...reused, ...asked.value.scores], unknownProductIds: [...new Set([...previous.value.unknownProductIds, ...asked.value.unknownProductIds])] } };
}

function poolInputs(input: RankInput, who: UserStage, neighbours: SourceOutcome<copurchase.CandidatesResponse>, popular: SourceOutcome<PopularLists>) {
  return {
    copurchase: neighbours.value?.candidates ?? [],
    bought: who.bought,
    popularGlobal: popular.value?.global ?? [],
    popularCountry: popular.value?.country ?? [],
    nowUnixMs: who.nowUnixMs,
    includeBought: !input.excludePurchased,
    limits: { repeat: 100, popular: 100, country: 50, pool: 500 },
  };
}

/** The gathered pool with its scores, blended and cut to the page. */
function merge(input: RankInput, who: UserStage, gathered: Gathered, blend: Blend, settings: RankSettings) {
  const pool = gathered.pool;
  for (const score of gathered.affinityScores.value?.scores ?? []) {
    const signals = pool.get(score.productId);
    if (signals) signals.affinity = score.probability;
  }
  for (const score of gathered.copurchaseScores.value?.scores ?? []) {
    const signals = pool.get(score.productId);
    if (signals) signals.copurchase = Math.max(signals.copurchase, score.score);
  }
  const productsById = new Map((gathered.catalog.value ?? []).map((product) => [product.productId, product]));
  const unavailable = new Set([...productsById.values()].filter((product) => !product.isProduct || !product.inStock).map((product) => product.productId));
  const scored: ScoredCandidate[] = [...pool.values()].map((signals) => {
    const parts = breakdown(signals, blend.weights);
    return { signals, parts, score: total(parts), description: productsById.get(signals.productId)?.description ?? '' };
  });
  const exclude = input.excludePurchased ? new Set([...input.exclude, ...who.boughtById.keys()]) : input.exclude;
  const page = selectTopK(scored, { k: input.k, exclude, unavailable, maxPerFamily: settings.maxPerFamily });
  return { pool, scored, page };
}

function modelsOf(gathered: Gathered, blend: Blend): common.ModelVersion[] {
  const models: common.ModelVersion[] = [];
  const copurchaseModel = gathered.neighbours.value?.model ?? gathered.copurchaseScores.value?.model;
  if (copurchaseModel) models.push(copurchaseModel);
  if (gathered.affinityScores.value?.model) models.push(gathered.affinityScores.value.model);
  models.push({ model: 'blend', version: blend.version || 'default' });
  return models;
}

interface SlateParts {
  requestId: string;
  slateId: string;
  input: RankInput;
  experiment: string;
  variant: string;
  shadow: boolean;
  page: ScoredCandidate[];
  scored: ScoredCandidate[];
  models: common.ModelVersion[];
  /** Best candidates kept with their signals. */
  keep: number;
}

/** The slate as logged: hashed user, context, the best candidates' raw signals, the page. */
function slateOf(parts: SlateParts): slates.Slate {
  const best = [...parts.scored].sort((a, b) => b.score - a.score).slice(0, parts.keep);
  return {
    slateId: parts.slateId,
    requestId: parts.requestId,
    userHash: hashUserId(parts.input.userId),
    // The caller's own time (0 when none): replay then joins purchases after servedUnixMs.
    context: { country: parts.input.country, timeUnixMs: parts.input.timeUnixMs },
    servedUnixMs: Date.now(),
    experiment: parts.experiment,
    variant: parts.variant,
    shadow: parts.shadow,
    models: parts.models,
    candidates: best.map(({ signals, score }) => ({
      productId: signals.productId,
      score,
      copurchase: signals.copurchase,
      affinity: signals.affinity,
      popularity: signals.popularity,
      repeat: signals.repeat,
      context: signals.context,
      sources: [...signals.sources].sort(),
    })),
    served: parts.page.map((candidate) => candidate.signals.productId),
    k: parts.input.k,
    // One serving (or, for a shadow, one page nobody saw); later servings are counted by the log.
    servings: 1,
    lastServedUnixMs: 0,
    repeatOf: '',
  };
}

const shadowRuns = meter.createCounter('aisle.shadow.runs', { description: 'Shadow variant scorings, by outcome (ok, degraded, late, failed, busy)' });
let shadowsInFlight = 0;

/** Runs one shadow scoring if there is room; it can neither throw nor hold its slot past its budget. */
function runShadow(deps: RankDependencies, work: (signal: AbortSignal) => Promise<boolean>): void {
  if (shadowsInFlight >= deps.settings.shadowMaxInFlight) {
    shadowRuns.add(1, { outcome: 'busy' });
    return;
  }
  shadowsInFlight++;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve('late');
    }, deps.settings.shadowBudgetMs + 50);
  });
  void Promise.race([Promise.resolve().then(() => work(abort.signal)), late])
    .then(
      (outcome) => shadowRuns.add(1, { outcome: outcome === 'late' ? 'late' : outcome ? 'ok' : 'degraded' }),
      () => shadowRuns.add(1, { outcome: 'failed' }),
    )
    .finally(() => {
      clearTimeout(timer);
      shadowsInFlight--;
    });
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

/** A background read of catalogue facts about to expire is not bound by any caller's budget, only by this. */
const PRODUCT_REFRESH_DEADLINE_MS = 10_000;

/** Catalogue facts of the candidates: from the ranker's cache, and from the feature service for the rest. */
async function catalogFacts(ids: string[], deps: RankDependencies, bound: CallBound): Promise<SourceOutcome<features.Product[]>> {
  const { found, missing, ageing } = deps.productCache.lookup(ids);
  if (ageing.length > 0) {
    deps.downstreams.products(ageing, { deadline: Date.now() + PRODUCT_REFRESH_DEADLINE_MS, signal: new AbortController().signal }).then(
      (response) => deps.productCache.store(ageing, response.products),
      () => deps.productCache.release(ageing),
    );
  }
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
