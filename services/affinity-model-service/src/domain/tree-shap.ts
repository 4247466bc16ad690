// Exact TreeSHAP (Lundberg, Erion & Lee 2018, Algorithm 2), a port of xgboost's RegTree::TreeShap with
// condition = 0: what xgboost returns for `pred_contribs=True`. It costs O(leaves × depth²) per tree
// and row — far more than the path attributions in tree-ensemble.ts — so serving uses it only when
// configured (AISLE_AFFINITY_EXPLANATIONS=exact). Paths live in flat typed arrays, each recursion level
// in its own slice after its parent's (as in xgboost), so nothing is allocated per node.
import type { TreeEnsemble } from './tree-ensemble';

interface Paths {
  feature: Int32Array;
  zero: Float64Array;
  one: Float64Array;
  weight: Float64Array;
}

function extend(p: Paths, at: number, depth: number, zero: number, one: number, feature: number): void {
  const w = p.weight;
  p.feature[at + depth] = feature;
  p.zero[at + depth] = zero;
  p.one[at + depth] = one;
  w[at + depth] = depth === 0 ? 1 : 0;
  for (let i = depth - 1; i >= 0; i -= 1) {
    w[at + i + 1] += (one * w[at + i] * (i + 1)) / (depth + 1);
    w[at + i] = (zero * w[at + i] * (depth - i)) / (depth + 1);
  }
}

function unwind(p: Paths, at: number, depth: number, index: number): void {
  const one = p.one[at + index];
  const zero = p.zero[at + index];
  const w = p.weight;
  let next = w[at + depth];
  for (let i = depth - 1; i >= 0; i -= 1) {
    if (one !== 0) {
      const tmp = w[at + i];
      w[at + i] = (next * (depth + 1)) / ((i + 1) * one);
      next = tmp - (w[at + i] * zero * (depth - i)) / (depth + 1);
    } else {
      w[at + i] = (w[at + i] * (depth + 1)) / (zero * (depth - i));
    }
  }
  for (let i = index; i < depth; i += 1) {
    p.feature[at + i] = p.feature[at + i + 1];
    p.zero[at + i] = p.zero[at + i + 1];
    p.one[at + i] = p.one[at + i + 1];
  }
}

function unwoundSum(p: Paths, at: number, depth: number, index: number): number {
  const one = p.one[at + index];
  const zero = p.zero[at + index];
  const w = p.weight;
  let next = w[at + depth];
  let total = 0;
  for (let i = depth - 1; i >= 0; i -= 1) {
    if (one !== 0) {
      const tmp = (next * (depth + 1)) / ((i + 1) * one);
      total += tmp;
      next = w[at + i] - (tmp * zero * (depth - i)) / (depth + 1);
    } else if (zero !== 0) {
      total += w[at + i] / zero / ((depth - i) / (depth + 1));
    }
  }
  return total;
}

interface Walk {
  e: TreeEnsemble;
  p: Paths;
  x: Float32Array;
  b: number;
  phi: Float64Array;
  o: number;
}

function recurse(s: Walk, node: number, parentAt: number, depth: number, zero: number, one: number, feature: number): void {
  const { e, p } = s;
  // This level's path starts right after the parent's (depth + 1 elements there, index 0 unused by depth 0).
  const at = parentAt + depth;
  for (let i = 0; i < depth; i += 1) {
    p.feature[at + i] = p.feature[parentAt + i];
    p.zero[at + i] = p.zero[parentAt + i];
    p.one[at + i] = p.one[parentAt + i];
    p.weight[at + i] = p.weight[parentAt + i];
  }
  extend(p, at, depth, zero, one, feature);
  if (e.left[node] < 0) {
    const leaf = e.value[node];
    for (let i = 1; i <= depth; i += 1) s.phi[s.o + p.feature[at + i]] += unwoundSum(p, at, depth, i) * (p.one[at + i] - p.zero[at + i]) * leaf;
    return;
  }
  const split = e.feature[node];
  const v = s.x[s.b + split];
  const goLeft = v !== v ? e.defaultLeft[node] === 1 : v < e.threshold[node];
  const hot = goLeft ? e.left[node] : e.right[node];
  const cold = goLeft ? e.right[node] : e.left[node];
  let incomingZero = 1;
  let incomingOne = 1;
  let d = depth;
  let k = 0;
  while (k <= d && p.feature[at + k] !== split) k += 1;
  if (k <= d) {
    incomingZero = p.zero[at + k];
    incomingOne = p.one[at + k];
    unwind(p, at, d, k);
    d -= 1;
  }
  const cover = e.cover[node];
  recurse(s, hot, at, d + 1, (e.cover[hot] / cover) * incomingZero, incomingOne, split);
  recurse(s, cold, at, d + 1, (e.cover[cold] / cover) * incomingZero, 0, split);
}

function maxDepth(e: TreeEnsemble, node: number): number {
  return e.left[node] < 0 ? 0 : 1 + Math.max(maxDepth(e, e.left[node]), maxDepth(e, e.right[node]));
}

/**
 * Exact SHAP values of `rows` rows of float32 features (`numFeature` wide): per row `numFeature` values
 * then the bias (base margin + expected tree outputs). Each row's values sum to its margin.
 */
export function treeShap(e: TreeEnsemble, x: Float32Array, rows: number): Float64Array {
  const stride = e.numFeature + 1;
  const phi = new Float64Array(rows * stride);
  let depth = 0;
  for (const root of e.roots) depth = Math.max(depth, maxDepth(e, root));
  const size = (depth + 2) * (depth + 3);
  const p: Paths = { feature: new Int32Array(size), zero: new Float64Array(size), one: new Float64Array(size), weight: new Float64Array(size) };
  let bias = e.baseMargin;
  for (const root of e.roots) bias += e.mean[root];
  const walk: Walk = { e, p, x, b: 0, phi, o: 0 };
  for (let r = 0; r < rows; r += 1) {
    walk.b = r * e.numFeature;
    walk.o = r * stride;
    for (const root of e.roots) recurse(walk, root, 0, 0, 1, 1, -1);
    phi[r * stride + e.numFeature] = bias;
  }
  return phi;
}
