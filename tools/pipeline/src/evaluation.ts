// OR-temporal-v1 measurements of the pipeline: the validation pages the blend is fitted on, the full
// ranker on the test window, and the protocol's baselines on the same split.
import { evaluate, itemKnn, mapLimit, popular, recentPopular, repeat, type Evaluation, type TemporalSplit } from '@aisle/retail-data';
import type { EvalStack } from './eval-stack';
import { countriesOf, RankerCaller, type RankTally } from './rank-calls';
import { BLEND_PARTS, type BlendPart, type BlendWeights, type FitCandidate, type FitView } from '@aisle/ranking';

export const K = 10;
/** Page size of the validation calls: the fit re-ranks these candidates. */
export const VALIDATION_K = 100;

export interface ViewFigures {
  hr: number;
  recall: number;
  ndcg: number;
  users: number;
}

/** Metrics at K of both views. */
export interface Figures {
  all: ViewFigures;
  new: ViewFigures;
}

export function figuresOf(result: Evaluation): Figures {
  const pick = (v: Evaluation['all']): ViewFigures => ({ hr: v.hr, recall: v.recall, ndcg: v.ndcg, users: v.users });
  return { all: pick(result.all), new: pick(result.new) };
}

/** Registry metrics ("ranker.all.ndcg@10", ...) from figures. */
export function metricsOf(prefix: string, figures: Figures): Record<string, number> {
  const out: Record<string, number> = {};
  for (const view of ['all', 'new'] as const) for (const name of ['hr', 'recall', 'ndcg'] as const) out[`${prefix}${view}.${name}@${K}`] = figures[view][name];
  return out;
}

/** Validation lists as JSON (sets as arrays). */
export interface StoredView {
  name: string;
  lists: { candidates: FitCandidate[]; truth: string[]; exclude?: string[] }[];
}

export function toFitViews(views: readonly StoredView[]): FitView[] {
  return views.map((view) => ({ name: view.name, lists: view.lists.map((list) => ({ candidates: list.candidates, truth: new Set(list.truth), exclude: list.exclude ? new Set(list.exclude) : undefined })) }));
}

/**
 * The ranker answers k=100 for the validation users, both views, once per weighting in `passes`; each
 * item's signals are its breakdown divided by the weights. The union of the pages is what the fit
 * re-ranks (fewer good candidates lost to one weighting's top-100 cut).
 */
export async function validationViews(stack: EvalStack, split: TemporalSplit, passes: [string, BlendWeights][], blendFile: (name: string, weights: BlendWeights) => string, concurrency: number): Promise<{ views: StoredView[]; tally: RankTally[] }> {
  const countries = countriesOf(split.train);
  const all = new Map<string, Map<string, FitCandidate>>();
  const fresh = new Map<string, Map<string, FitCandidate>>();
  const tallies: RankTally[] = [];
  const collect = (into: Map<string, Map<string, FitCandidate>>, user: string, items: { productId: string; breakdown?: Record<BlendPart, number> }[], weights: BlendWeights) => {
    let candidates = into.get(user);
    if (!candidates) into.set(user, (candidates = new Map()));
    for (const item of items) {
      if (candidates.has(item.productId) || !item.breakdown) continue;
      const signals = Object.fromEntries(BLEND_PARTS.map((part) => [part, weights[part] > 0 ? Math.min(1, Math.max(0, item.breakdown![part] / weights[part])) : 0])) as Record<BlendPart, number>;
      candidates.set(item.productId, { productId: item.productId, signals });
    }
  };
  for (const [name, weights] of passes) {
    const caller = new RankerCaller(await stack.startRanker(blendFile(name, weights)), countries, split.cut);
    try {
      const none = new Set<string>();
      await mapLimit(split.all.users, concurrency, async (user) => collect(all, user, (await caller.rank(user, VALIDATION_K, none)).items, weights));
      await mapLimit(split.new.users, concurrency, async (user) => collect(fresh, user, (await caller.rank(user, VALIDATION_K, split.trainItems.get(user)!)).items, weights));
    } finally {
      caller.close();
      await stack.stopRanker();
    }
    tallies.push(caller.tally);
  }
  const views: StoredView[] = [
    { name: 'all', lists: split.all.users.map((user) => ({ candidates: [...(all.get(user)?.values() ?? [])], truth: [...split.all.truth.get(user)!] })) },
    { name: 'new', lists: split.new.users.map((user) => ({ candidates: [...(fresh.get(user)?.values() ?? [])], truth: [...split.new.truth.get(user)!], exclude: [...split.trainItems.get(user)!] })) },
  ];
  return { views, tally: tallies };
}

/** The full ranker (models served by `stack`, blend from `blendFile`) on the test window. */
export async function evaluateRanker(stack: EvalStack, split: TemporalSplit, blendFile: string, concurrency: number): Promise<{ figures: Figures; tally: RankTally }> {
  const caller = new RankerCaller(await stack.startRanker(blendFile), countriesOf(split.train), split.cut);
  try {
    const truthOf = (user: string, fresh: boolean) => (fresh ? split.new.truth : split.all.truth).get(user);
    const result = await evaluate(caller.recommender(K, truthOf), split, { k: K, concurrency });
    return { figures: figuresOf(result), tally: caller.tally };
  } finally {
    caller.close();
    await stack.stopRanker();
  }
}

export async function baselineFigures(split: TemporalSplit): Promise<Record<string, Figures>> {
  const rankings: [string, () => ReturnType<typeof popular>][] = [
    ['popular (customers)', () => popular(split.train)],
    ['recent-popular (30 d)', () => recentPopular(split.train, { cut: split.cut, days: 30 })],
    ['repeat', () => repeat(split.train)],
    ['item-kNN (cosine)', () => itemKnn(split.train)],
  ];
  const out: Record<string, Figures> = {};
  for (const [name, build] of rankings) out[name] = figuresOf(await evaluate(build(), split, { k: K }));
  return out;
}
