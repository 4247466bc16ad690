// The served model: an ensemble in XGBoost's JSON model format, the product table snapshot of its
// data window and the defaults for missing inputs. Scoring = one call of the shared feature function,
// one tree walk per candidate and tree, and (if asked) path contributions for explanations.
import { computeFeatures, FEATURE_COUNT, FEATURES, prepareProducts, type DefaultedFeature, type FeatureDefaults, type FeatureRequest, type PreparedProducts } from './features';
import type { ProductTable } from './product-table';
import { compile, compileContributions, contributionsOf, ensembleFromXgbJson, predictMargins, transform, type TreeEnsemble } from './tree-ensemble';
import { treeShap } from './tree-shap';
import type { XgbJsonModel } from './xgboost-json';

/** Registry metadata of a version (the fields of aisle.common.v1.ModelInfo we own). */
export interface AffinityModelInfo {
  version: string;
  createdUnixMs: number;
  trainStartUnixMs: number;
  trainEndUnixMs: number;
  trainingRows: number;
  inputHash: string;
  codeVersion: string;
  parameters: Record<string, string>;
  metrics: Record<string, number>;
  /** Share of total split gain per feature. */
  importance: Record<string, number>;
}

/** Everything an artifact holds, decoded. */
export interface AffinityArtifactContent {
  info: AffinityModelInfo;
  features: string[];
  defaults: FeatureDefaults;
  productTable: ProductTable;
  model: XgbJsonModel;
  /** The same model in ml-xgboost's (xgboost 0.72) binary format, when it was trained by us. */
  wasmModel?: Uint8Array;
}

export interface Contribution {
  feature: string;
  value: number;
  contribution: number;
}

export interface CandidateScore {
  productId: string;
  probability: number;
  contributions: Contribution[];
}

export interface ScoreResult {
  scores: CandidateScore[];
  defaulted: DefaultedFeature[];
  unknownProducts: string[];
}

/** Scores margins of a feature matrix; the default is the TypeScript evaluator, ml-xgboost can stand in. */
export type ProbabilityEngine = (values: Float64Array, rows: number) => Float64Array;

/** Indexes of the `k` largest |values[offset + i]| (i < n), largest first, ties by index; k is small. */
function topByMagnitude(values: Float64Array, offset: number, n: number, k: number): number[] {
  const out: number[] = [];
  let taken = 0; // bitmask of chosen indexes (n <= 31)
  for (let pick = 0; pick < k && pick < n; pick += 1) {
    let best = -1;
    let bestMagnitude = -1;
    for (let i = 0; i < n; i += 1) {
      if ((taken & (1 << i)) !== 0) continue;
      const m = Math.abs(values[offset + i]);
      if (m > bestMagnitude) {
        best = i;
        bestMagnitude = m;
      }
    }
    taken |= 1 << best;
    out.push(best);
  }
  return out;
}

/** "approx": Saabas path attributions (cheap); "exact": TreeSHAP (about 2 ms per candidate, see README). */
export type ExplanationMethod = 'approx' | 'exact';

export class AffinityModel {
  readonly ensemble: TreeEnsemble;
  readonly products: PreparedProducts;

  constructor(
    readonly content: AffinityArtifactContent,
    private readonly engine?: { predict: ProbabilityEngine; dispose(): void },
    readonly explanations: ExplanationMethod = 'approx',
  ) {
    if (content.features.length !== FEATURE_COUNT || content.features.some((name, i) => name !== FEATURES[i])) {
      throw new Error(`model features ${content.features.join(',')} do not match this service's ${FEATURES.join(',')}`);
    }
    this.ensemble = ensembleFromXgbJson(content.model);
    // Generated at load, so the first request after a swap does not pay for it.
    compile(this.ensemble);
    compileContributions(this.ensemble);
    if (this.ensemble.numFeature !== FEATURE_COUNT) throw new Error(`model expects ${this.ensemble.numFeature} features, this service computes ${FEATURE_COUNT}`);
    // Likewise the product side of the features, once per loaded version (production or pinned).
    this.products = prepareProducts(content.productTable);
  }

  get info(): AffinityModelInfo {
    return this.content.info;
  }

  score(request: FeatureRequest, candidates: readonly string[], explainTop: number): ScoreResult {
    const features = computeFeatures(request, candidates, this.products, this.content.defaults);
    const probabilities = this.engine ? this.engine.predict(features.values, features.rows) : this.probabilities(features.values, features.rows);
    const stride = FEATURE_COUNT + 1;
    const explain = this.explanations === 'exact' ? treeShap : contributionsOf;
    const contribs = explainTop > 0 ? explain(this.ensemble, new Float32Array(features.values), features.rows) : undefined;
    const scores = candidates.map((productId, r): CandidateScore => {
      if (contribs === undefined) return { productId, probability: probabilities[r], contributions: [] };
      const order = topByMagnitude(contribs, r * stride, FEATURE_COUNT, explainTop);
      return { productId, probability: probabilities[r], contributions: order.map((j) => ({ feature: FEATURES[j], value: features.values[r * FEATURE_COUNT + j], contribution: contribs[r * stride + j] })) };
    });
    return { scores, defaulted: features.defaulted, unknownProducts: features.unknownProducts };
  }

  probabilities(values: Float64Array, rows: number): Float64Array {
    const margins = predictMargins(this.ensemble, values, rows, FEATURE_COUNT);
    for (let i = 0; i < rows; i += 1) margins[i] = transform(this.ensemble, margins[i]);
    return margins;
  }

  /** Releases what lives outside the JS heap (an ml-xgboost booster). Idempotent. */
  dispose(): void {
    this.engine?.dispose();
  }
}
