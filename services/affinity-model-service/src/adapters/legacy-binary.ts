// Reads the binary model format of xgboost 0.7x — what ml-xgboost's wasm build saves — and rewrites it
// as XGBoost's current JSON model format, so one evaluator (and one artifact field) covers models we
// train and models trained by any current xgboost.
//
// Layout (little-endian, from xgboost 0.72 learner.cc / gbtree_model.h / tree_model.h):
//   LearnerModelParam (136 B: base_score f32 — stored as a margin —, num_feature u32, num_class i32,
//   contain_extra_attrs i32, contain_eval_metrics i32, 29 reserved i32), name_obj and name_gbm
//   (u64 length + bytes), GBTreeModelParam (160 B: num_trees, num_roots, num_feature, pad i32,
//   num_pbuffer i64, num_output_group, size_leaf_vector i32, 32 reserved i32), then per tree:
//   TreeParam (148 B: num_roots, num_nodes, num_deleted, max_depth, num_feature, size_leaf_vector,
//   31 reserved), num_nodes × Node (20 B: parent i32, cleft i32, cright i32, sindex u32 with the
//   default-left flag in bit 31, split condition or leaf value f32), num_nodes × NodeStat (16 B:
//   loss_chg, sum_hess, base_weight f32, leaf_child_cnt i32); then tree_info (num_trees × i32).
import type { XgbJsonModel, XgbJsonTree } from '../domain/xgboost-json';

class Reader {
  private offset = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n: number): void {
    if (this.offset + n > this.bytes.byteLength) throw new Error(`truncated xgboost binary model at byte ${this.offset} (+${n} of ${this.bytes.byteLength})`);
  }
  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.offset, true);
    this.offset += 4;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return v;
  }
  f32(): number {
    this.need(4);
    const v = this.view.getFloat32(this.offset, true);
    this.offset += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const v = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    if (v > BigInt(this.bytes.byteLength)) throw new Error(`implausible length ${v} in xgboost binary model`);
    return Number(v);
  }
  string(): string {
    const n = this.u64();
    this.need(n);
    const text = Buffer.from(this.bytes.subarray(this.offset, this.offset + n)).toString('utf8');
    this.offset += n;
    return text;
  }
  skip(n: number): void {
    this.need(n);
    this.offset += n;
  }
}

/** Float32 printed so that parsing it back gives the same float32 (as xgboost's JSON writer does). */
const asF32 = (value: number): number => Math.fround(value);

export function legacyBinaryToXgbJson(bytes: Uint8Array): XgbJsonModel {
  const r = new Reader(bytes);
  const baseMargin = r.f32();
  const numFeature = r.u32();
  const numClass = r.i32();
  r.skip(4 * 2 + 4 * 29);
  const objective = r.string();
  const gbm = r.string();
  if (gbm !== 'gbtree') throw new Error(`unsupported booster ${gbm}`);
  const numTrees = r.i32();
  r.skip(4 * 3 + 8);
  const outputGroups = r.i32();
  const sizeLeafVector = r.i32();
  r.skip(4 * 32);
  if (numClass > 1 || outputGroups !== 1) throw new Error('only single-output models are supported');
  if (sizeLeafVector !== 0) throw new Error('leaf vectors are not supported');

  const trees: XgbJsonTree[] = [];
  for (let t = 0; t < numTrees; t += 1) {
    r.skip(4);
    const numNodes = r.i32();
    r.skip(4 * 4 + 4 * 31);
    const tree: Required<Pick<XgbJsonTree, 'left_children' | 'right_children' | 'split_indices' | 'split_conditions' | 'default_left' | 'sum_hessian' | 'loss_changes' | 'base_weights' | 'parents'>> = {
      left_children: [],
      right_children: [],
      split_indices: [],
      split_conditions: [],
      default_left: [],
      sum_hessian: [],
      loss_changes: [],
      base_weights: [],
      parents: [],
    };
    for (let i = 0; i < numNodes; i += 1) {
      const parent = r.i32();
      const left = r.i32();
      const right = r.i32();
      const sindex = r.u32();
      const info = r.f32();
      tree.parents.push(parent === -1 ? 2147483647 : parent & 0x7fffffff);
      tree.left_children.push(left);
      tree.right_children.push(left === -1 ? -1 : right);
      tree.split_indices.push(left === -1 ? 0 : sindex & 0x7fffffff);
      tree.default_left.push(sindex >>> 31);
      tree.split_conditions.push(asF32(info));
    }
    for (let i = 0; i < numNodes; i += 1) {
      tree.loss_changes.push(asF32(r.f32()));
      tree.sum_hessian.push(asF32(r.f32()));
      tree.base_weights.push(asF32(r.f32()));
      r.skip(4);
    }
    trees.push({ ...tree, id: t, split_type: new Array(numNodes).fill(0), tree_param: { num_nodes: String(numNodes), num_feature: String(numFeature), num_deleted: '0', size_leaf_vector: '1' } });
  }
  const treeInfo: number[] = [];
  for (let t = 0; t < numTrees; t += 1) treeInfo.push(r.i32());

  // JSON stores base_score as a probability for logistic objectives and as the margin otherwise.
  const logistic = objective === 'binary:logistic' || objective === 'reg:logistic';
  const baseScore = logistic ? 1 / (1 + Math.exp(-baseMargin)) : baseMargin;
  return {
    learner: {
      attributes: {},
      feature_names: [],
      learner_model_param: { base_score: String(baseScore), num_feature: String(numFeature), num_class: '0', num_target: '1', boost_from_average: '0' },
      objective: { name: objective },
      gradient_booster: {
        name: 'gbtree',
        model: { trees, tree_info: treeInfo, gbtree_model_param: { num_trees: String(numTrees), num_parallel_tree: '1' }, iteration_indptr: trees.map((_, i) => i).concat(numTrees) },
      },
    },
    version: [0, 72, 0],
  };
}
