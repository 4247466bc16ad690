// Learns the blend weights on a validation window: given, per validation user, the ranker's candidates
// with their raw signals (the breakdown of a Rank answered with every weight 1) and what the user then
// bought, find the weights whose page (same order, tie-break and family diversity as selectTopK) has
// the best mean NDCG@k, averaged over the views ("all" and "new"). Pure and deterministic: a seeded
// random search over the simplex, then coordinate ascent from the best points.
import { seededRandom } from '@aisle/retail-data';
import { BLEND_PARTS, type BlendPart, type BlendWeights } from './blend';
import { isProductId, productFamily } from './select';

export interface FitCandidate {
  productId: string;
  /** Raw signals in [0, 1] (a breakdown with every weight 1). */
  signals: Record<BlendPart, number>;
}

/** One user's ranking question: the candidates, what counts as relevant, what may not be shown. */
export interface FitList {
  candidates: readonly FitCandidate[];
  truth: ReadonlySet<string>;
  /** Never on the page (the "new" view's train items); they are dropped before ranking. */
  exclude?: ReadonlySet<string>;
}

export interface FitView {
  name: string;
  lists: readonly FitList[];
  /** Weight of this view's mean NDCG in the objective (default 1; the objective divides by the sum). */
  weight?: number;
}

export interface FitOptions {
  /** Page size the metric is taken at (default 10). */
  k?: number;
  /** Diversity as in the ranker: at most this many products of one family on a page (default 2). */
  maxPerFamily?: number;
  /** Seed of the random search (default 1). */
  seed?: number;
  /** Random points of the simplex tried before the ascent (default 150). */
  randomSamples?: number;
  /** Best points the coordinate ascent starts from (default 3). */
  ascentStarts?: number;
  /** Maximum coordinate-ascent sweeps per start (default 8). */
  maxSweeps?: number;
}

export interface FitResult {
  /** Fitted weights, normalised to sum to 1. */
  weights: BlendWeights;
  /** Objective (view-weighted mean of the views' mean NDCG@k) at `weights`. */
  objective: number;
  perView: Record<string, number>;
  /** The objective with every weight equal, for comparison. */
  uniformObjective: number;
  /** Objective evaluations the search used. */
  evaluations: number;
}

interface CompiledList {
  n: number;
  /** n × parts signals, row-major. */
  signals: Float64Array;
  /** Position of each candidate in productId order: the tie-break of selectTopK. */
  tieRank: Int32Array;
  family: Int32Array;
  families: number;
  relevant: Uint8Array;
  idcg: number;
}

interface CompiledView {
  name: string;
  weight: number;
  lists: CompiledList[];
}

const PARTS = BLEND_PARTS.length;

function discount(index: number): number {
  return 1 / Math.log2(index + 2);
}

function compileList(list: FitList, k: number): CompiledList | undefined {
  if (list.truth.size === 0) return undefined;
  const kept = list.candidates.filter((candidate) => isProductId(candidate.productId) && !(list.exclude?.has(candidate.productId) ?? false));
  // First occurrence wins, as a page never repeats a product.
  const seen = new Set<string>();
  const unique = kept.filter((candidate) => (seen.has(candidate.productId) ? false : (seen.add(candidate.productId), true)));
  const n = unique.length;
  const signals = new Float64Array(n * PARTS);
  const relevant = new Uint8Array(n);
  const family = new Int32Array(n);
  const familyIds = new Map<string, number>();
  unique.forEach((candidate, i) => {
    BLEND_PARTS.forEach((part, j) => {
      const value = candidate.signals[part];
      signals[i * PARTS + j] = Number.isFinite(value) ? value : 0;
    });
    relevant[i] = list.truth.has(candidate.productId) ? 1 : 0;
    const key = productFamily(candidate.productId);
    if (!familyIds.has(key)) familyIds.set(key, familyIds.size);
    family[i] = familyIds.get(key)!;
  });
  const byId = unique.map((candidate, i) => ({ id: candidate.productId, i })).sort((a, b) => a.id.localeCompare(b.id));
  const tieRank = new Int32Array(n);
  byId.forEach((entry, rank) => (tieRank[entry.i] = rank));
  let idcg = 0;
  for (let i = 0; i < Math.min(list.truth.size, k); i++) idcg += discount(i);
  return { n, signals, tieRank, family, families: familyIds.size, relevant, idcg };
}

/** A compiled fitting problem: evaluate weights many times cheaply. */
export class BlendProblem {
  private readonly views: CompiledView[];
  private readonly k: number;
  private readonly maxPerFamily: number;
  evaluations = 0;

  constructor(views: readonly FitView[], options: Pick<FitOptions, 'k' | 'maxPerFamily'> = {}) {
    this.k = options.k ?? 10;
    this.maxPerFamily = options.maxPerFamily ?? 2;
    if (!Number.isInteger(this.k) || this.k < 1) throw new Error(`k must be a positive integer, got ${this.k}`);
    this.views = views.map((view) => ({
      name: view.name,
      weight: view.weight ?? 1,
      lists: view.lists.flatMap((list) => compileList(list, this.k) ?? []),
    }));
    if (this.views.length === 0 || this.views.every((view) => view.lists.length === 0)) throw new Error('nothing to fit: no view has a list with a non-empty truth');
  }

  /** NDCG@k of one compiled list under `weights` (indexed as BLEND_PARTS). */
  private ndcg(list: CompiledList, weights: Float64Array, order: number[], scores: Float64Array, perFamily: Int32Array): number {
    for (let i = 0; i < list.n; i++) {
      let score = 0;
      for (let j = 0; j < PARTS; j++) score += weights[j]! * list.signals[i * PARTS + j]!;
      scores[i] = score;
      order[i] = i;
    }
    order.length = list.n;
    order.sort((a, b) => scores[b]! - scores[a]! || list.tieRank[a]! - list.tieRank[b]!);
    perFamily.fill(0, 0, list.families);
    let dcg = 0;
    let position = 0;
    for (let r = 0; r < list.n && position < this.k; r++) {
      const i = order[r]!;
      const f = list.family[i]!;
      if (perFamily[f]! >= this.maxPerFamily) continue;
      perFamily[f] = perFamily[f]! + 1;
      if (list.relevant[i]) dcg += discount(position);
      position++;
    }
    return dcg / list.idcg;
  }

  /** The objective and each view's mean NDCG@k under `weights`. */
  evaluate(weights: BlendWeights | Float64Array): { objective: number; perView: Record<string, number> } {
    this.evaluations++;
    const w = weights instanceof Float64Array ? weights : Float64Array.from(BLEND_PARTS.map((part) => weights[part]));
    const maxN = Math.max(1, ...this.views.flatMap((view) => view.lists.map((list) => list.n)));
    const scores = new Float64Array(maxN);
    const perFamily = new Int32Array(maxN);
    const order: number[] = new Array<number>(maxN);
    const perView: Record<string, number> = {};
    let objective = 0;
    let totalWeight = 0;
    for (const view of this.views) {
      let sum = 0;
      for (const list of view.lists) sum += this.ndcg(list, w, order, scores, perFamily);
      const mean = view.lists.length > 0 ? sum / view.lists.length : 0;
      perView[view.name] = mean;
      if (view.lists.length === 0) continue;
      objective += view.weight * mean;
      totalWeight += view.weight;
    }
    return { objective: totalWeight > 0 ? objective / totalWeight : 0, perView };
  }
}

function normalised(weights: Float64Array): Float64Array {
  const sum = weights.reduce((a, b) => a + b, 0);
  return sum > 0 ? weights.map((value) => value / sum) : new Float64Array(PARTS).fill(1 / PARTS);
}

function toWeights(weights: Float64Array): BlendWeights {
  const w = normalised(weights);
  return Object.fromEntries(BLEND_PARTS.map((part, j) => [part, Math.round(w[j]! * 1e6) / 1e6])) as BlendWeights;
}

/** Fits the blend weights to the views (see the file comment). */
export function fitBlend(views: readonly FitView[], options: FitOptions = {}): FitResult {
  const problem = new BlendProblem(views, options);
  // Seeded, so the search is the same on every run.
  const next = seededRandom(options.seed ?? 1);
  const uniform = new Float64Array(PARTS).fill(1 / PARTS);
  const uniformObjective = problem.evaluate(uniform).objective;

  // Starting points: uniform, each signal dominant, then uniform random points of the simplex.
  const points: Float64Array[] = [uniform];
  for (let j = 0; j < PARTS; j++) points.push(normalised(Float64Array.from({ length: PARTS }, (_, i) => (i === j ? 1 : 0.1))));
  for (let s = 0; s < (options.randomSamples ?? 150); s++) points.push(normalised(Float64Array.from({ length: PARTS }, () => -Math.log(1 - next()))));
  const scored = points.map((point, index) => ({ point, index, objective: problem.evaluate(point).objective }));
  // Stable order (ties by first tried) keeps the result deterministic.
  scored.sort((a, b) => b.objective - a.objective || a.index - b.index);

  let best: { point: Float64Array; index: number; objective: number } = scored[0]!;
  for (const start of scored.slice(0, options.ascentStarts ?? 3)) {
    let current: Float64Array = Float64Array.from(start.point);
    let currentObjective = start.objective;
    for (let sweep = 0; sweep < (options.maxSweeps ?? 8); sweep++) {
      let improved = false;
      for (let j = 0; j < PARTS; j++) {
        const mean = current.reduce((a, b) => a + b, 0) / PARTS;
        const values = [0, ...[0.25, 0.5, 0.8, 1.25, 2, 4].map((f) => current[j]! * f), ...[0.05, 0.2, 1, 3].map((g) => mean * g)];
        for (const value of values) {
          if (value === current[j]) continue;
          const trial = Float64Array.from(current);
          trial[j] = value;
          if (trial.every((w) => w === 0)) continue;
          const objective = problem.evaluate(trial).objective;
          if (objective > currentObjective + 1e-12) {
            current = normalised(trial);
            currentObjective = objective;
            improved = true;
          }
        }
      }
      if (!improved) break;
    }
    if (currentObjective > best.objective + 1e-12) best = { point: current, index: -1, objective: currentObjective };
  }

  const weights = toWeights(best.point);
  const final = problem.evaluate(weights);
  return { weights, objective: final.objective, perView: final.perView, uniformObjective, evaluations: problem.evaluations };
}
