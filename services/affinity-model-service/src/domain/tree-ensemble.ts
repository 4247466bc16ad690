// A tree ensemble evaluated in plain TypeScript over flat typed arrays: predictions that match
// xgboost's (float32 features, thresholds and sums, NaN = missing → default branch) and per-feature
// contributions in log-odds.
//
// Contributions are Saabas-style path attributions, exactly what xgboost returns for
// `pred_contribs=True, approx_contribs=True`: walking a row's path, each split credits its feature
// with the change of the node's expected value (cover-weighted mean of the leaves below). They cost
// one tree walk per tree, like a prediction, and bias + Σ contributions = margin exactly.
import { IDENTITY_OBJECTIVES, LOGISTIC_OBJECTIVES, parseBaseScore, validateXgbJson, type XgbJsonModel } from './xgboost-json';

export interface TreeEnsemble {
  readonly objective: string;
  readonly numFeature: number;
  readonly numTrees: number;
  /** Base margin (float32), added before the trees. */
  readonly baseMargin: number;
  readonly roots: Int32Array;
  /** Global node arrays; children are global indexes, -1 for a leaf. */
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  readonly defaultLeft: Uint8Array;
  /** Leaf value at leaves. */
  readonly value: Float32Array;
  /** Expected value of each node's subtree (cover-weighted), for contributions. */
  readonly mean: Float64Array;
  /** Hessian sum (cover) of each node, for exact SHAP. */
  readonly cover: Float64Array;
  /** Total gain per feature over all splits. */
  readonly gain: Float64Array;
}

const f32 = Math.fround;

export function ensembleFromXgbJson(input: unknown): TreeEnsemble {
  const model: XgbJsonModel = validateXgbJson(input);
  const learner = model.learner;
  const trees = learner.gradient_booster.model.trees;
  const objective = learner.objective.name;
  const numFeature = Number(learner.learner_model_param.num_feature);
  const baseScore = parseBaseScore(learner.learner_model_param.base_score);
  const baseMargin = LOGISTIC_OBJECTIVES.includes(objective) ? f32(-Math.log(1 / baseScore - 1)) : f32(baseScore);

  const total = trees.reduce((sum, tree) => sum + tree.left_children.length, 0);
  const roots = new Int32Array(trees.length);
  const left = new Int32Array(total);
  const right = new Int32Array(total);
  const feature = new Int32Array(total);
  const threshold = new Float32Array(total);
  const defaultLeft = new Uint8Array(total);
  const value = new Float32Array(total);
  const cover = new Float64Array(total);
  const gain = new Float64Array(numFeature);
  let offset = 0;
  trees.forEach((tree, t) => {
    roots[t] = offset;
    const n = tree.left_children.length;
    for (let i = 0; i < n; i += 1) {
      const g = offset + i;
      const isLeaf = tree.left_children[i] < 0;
      left[g] = isLeaf ? -1 : offset + tree.left_children[i];
      right[g] = isLeaf ? -1 : offset + tree.right_children[i];
      feature[g] = isLeaf ? 0 : tree.split_indices[i];
      if (!isLeaf && (feature[g] < 0 || feature[g] >= numFeature)) throw new Error(`tree ${t} node ${i}: feature ${feature[g]} out of range`);
      threshold[g] = tree.split_conditions[i];
      value[g] = isLeaf ? tree.split_conditions[i] : 0;
      defaultLeft[g] = tree.default_left[i] === true || tree.default_left[i] === 1 ? 1 : 0;
      cover[g] = tree.sum_hessian[i];
      if (!isLeaf) gain[feature[g]] += tree.loss_changes?.[i] ?? 0;
    }
    offset += n;
  });
  const mean = new Float64Array(total);
  const fill = (node: number): number => {
    if (left[node] < 0) return (mean[node] = value[node]);
    const l = fill(left[node]);
    const r = fill(right[node]);
    const c = cover[node];
    return (mean[node] = c > 0 ? (l * cover[left[node]] + r * cover[right[node]]) / c : (l + r) / 2);
  };
  for (const root of roots) fill(root);
  return { objective, numFeature, numTrees: trees.length, baseMargin, roots, left, right, feature, threshold, defaultLeft, value, mean, cover, gain };
}

type CompiledTree = (x: Float32Array, rows: number, width: number, sums: Float32Array) => void;
const compiled = new WeakMap<TreeEnsemble, CompiledTree[]>();

/**
 * Each tree as a small JavaScript function of nested conditionals (V8 optimises each one; one function
 * for the whole ensemble would be too big to optimise). The missing-value default is folded into the
 * comparison: `v < t` sends NaN right, `!(v >= t)` sends it left. The source holds only numbers read
 * from typed arrays, never text from the model file.
 */
export function compile(e: TreeEnsemble): CompiledTree[] {
  let trees = compiled.get(e);
  if (trees) return trees;
  const expr = (node: number): string => {
    if (e.left[node] < 0) return String(e.value[node]);
    const v = `x[b + ${e.feature[node]}]`;
    const t = String(e.threshold[node]);
    const test = e.defaultLeft[node] === 1 ? `!(${v} >= ${t})` : `${v} < ${t}`;
    return `(${test} ? ${expr(e.left[node])} : ${expr(e.right[node])})`;
  };
  // Each function walks every row itself: one call per tree and request, not per tree and row.
  trees = Array.from(e.roots, (root) => new Function('x', 'rows', 'width', 'sums', `for (let r = 0, b = 0; r < rows; r += 1, b += width) sums[r] += ${expr(root)};`) as CompiledTree);
  compiled.set(e, trees);
  return trees;
}

/**
 * Margins (log-odds for logistic objectives) of `rows` rows of `values` (row-major, `width` wide):
 * float32 features, sums accumulated tree by tree in a Float32Array (rounded to float32 as xgboost's are).
 */
export function predictMargins(e: TreeEnsemble, values: Float64Array, rows: number, width = e.numFeature): Float64Array {
  const nf = e.numFeature;
  const x = new Float32Array(rows * nf);
  for (let r = 0; r < rows; r += 1) for (let j = 0; j < nf; j += 1) x[r * nf + j] = values[r * width + j];
  const sums = new Float32Array(rows).fill(e.baseMargin);
  const trees = compile(e);
  for (let t = 0; t < trees.length; t += 1) trees[t](x, rows, nf, sums);
  return Float64Array.from(sums);
}

export function transform(e: TreeEnsemble, margin: number): number {
  if (LOGISTIC_OBJECTIVES.includes(e.objective)) return f32(1 / (1 + Math.exp(-margin)));
  if (IDENTITY_OBJECTIVES.includes(e.objective)) return margin;
  throw new Error(`unsupported objective ${e.objective}`);
}

type CompiledContributions = (x: Float32Array, rows: number, width: number, out: Float64Array) => void;
const compiledContributions = new WeakMap<TreeEnsemble, { trees: CompiledContributions[]; bias: number }>();

/**
 * Contribution walkers, generated like the prediction trees: each split on a row's path adds its
 * change of expected value to its feature. `out` holds `numFeature + 1` values per row.
 */
export function compileContributions(e: TreeEnsemble): { trees: CompiledContributions[]; bias: number } {
  let found = compiledContributions.get(e);
  if (found) return found;
  const body = (node: number): string => {
    if (e.left[node] < 0) return '';
    const f = e.feature[node];
    const v = `x[b + ${f}]`;
    const t = String(e.threshold[node]);
    const test = e.defaultLeft[node] === 1 ? `!(${v} >= ${t})` : `${v} < ${t}`;
    const l = e.left[node];
    const r = e.right[node];
    return `if (${test}) { out[o + ${f}] += ${String(e.mean[l] - e.mean[node])}; ${body(l)} } else { out[o + ${f}] += ${String(e.mean[r] - e.mean[node])}; ${body(r)} }`;
  };
  let bias = e.baseMargin;
  for (const root of e.roots) bias += e.mean[root];
  const stride = e.numFeature + 1;
  found = {
    trees: Array.from(e.roots, (root) => new Function('x', 'rows', 'width', 'out', `for (let r = 0, b = 0, o = 0; r < rows; r += 1, b += width, o += ${stride}) { ${body(root)} }`) as CompiledContributions),
    bias,
  };
  compiledContributions.set(e, found);
  return found;
}

/**
 * Contributions of `rows` rows of float32 features (`numFeature` wide): per row, `numFeature` values
 * then the bias (base margin + expected tree outputs). Each row's values sum to its margin.
 */
export function contributionsOf(e: TreeEnsemble, x: Float32Array, rows: number): Float64Array {
  const stride = e.numFeature + 1;
  const out = new Float64Array(rows * stride);
  const { trees, bias } = compileContributions(e);
  for (let t = 0; t < trees.length; t += 1) trees[t](x, rows, e.numFeature, out);
  for (let r = 0; r < rows; r += 1) out[r * stride + e.numFeature] = bias;
  return out;
}

/** Contributions of one row (see `contributionsOf`). */
export function contributions(e: TreeEnsemble, row: Float64Array | Float32Array): Float64Array {
  return contributionsOf(e, row instanceof Float32Array ? row : Float32Array.from(row), 1);
}
