// XGBoost's JSON model format (as written by `Booster.save_model("m.json")` in xgboost >= 1.0), the
// subset a gradient-boosted tree ensemble with one output needs. Our own training path converts the
// ml-xgboost binary model into this format too, so one evaluator serves both.

export interface XgbJsonTree {
  left_children: number[];
  right_children: number[];
  split_indices: number[];
  split_conditions: number[];
  /** 0/1 (xgboost writes numbers; booleans are accepted). */
  default_left: (number | boolean)[];
  sum_hessian: number[];
  loss_changes?: number[];
  base_weights?: number[];
  parents?: number[];
  split_type?: number[];
  tree_param?: Record<string, string>;
  id?: number;
}

export interface XgbJsonModel {
  learner: {
    learner_model_param: { base_score: string; num_feature: string; num_class?: string; num_target?: string; boost_from_average?: string };
    objective: { name: string };
    feature_names?: string[];
    gradient_booster: {
      name: string;
      model: { trees: XgbJsonTree[]; tree_info?: number[]; gbtree_model_param?: Record<string, string>; iteration_indptr?: number[] };
    };
    attributes?: Record<string, string>;
  };
  version?: number[];
}

/** Objectives whose margin goes through a sigmoid, and those served as the raw margin. */
export const LOGISTIC_OBJECTIVES = ['binary:logistic', 'reg:logistic'];
export const IDENTITY_OBJECTIVES = ['binary:logitraw', 'reg:squarederror', 'reg:linear'];

/** base_score is "5E-1" in xgboost 1.x/2.x and "[5E-1]" in 3.x. */
export function parseBaseScore(text: string): number {
  const trimmed = text.trim().replace(/^\[/, '').replace(/\]$/, '');
  const value = Number(trimmed.split(',')[0]);
  if (!Number.isFinite(value)) throw new Error(`invalid base_score ${JSON.stringify(text)}`);
  return value;
}

export function validateXgbJson(model: unknown): XgbJsonModel {
  const m = model as Partial<XgbJsonModel>;
  const learner = m?.learner;
  if (!learner?.gradient_booster?.model?.trees || !learner.learner_model_param || !learner.objective) throw new Error('not an XGBoost JSON model: learner.gradient_booster.model.trees missing');
  if (learner.gradient_booster.name !== 'gbtree') throw new Error(`unsupported booster ${learner.gradient_booster.name}; only gbtree`);
  const objective = learner.objective.name;
  if (![...LOGISTIC_OBJECTIVES, ...IDENTITY_OBJECTIVES].includes(objective)) throw new Error(`unsupported objective ${objective}`);
  const classes = Number(learner.learner_model_param.num_class ?? '0');
  const targets = Number(learner.learner_model_param.num_target ?? '1');
  if (classes > 1 || targets > 1) throw new Error('only single-output models are supported');
  for (const [index, tree] of learner.gradient_booster.model.trees.entries()) {
    const n = tree.left_children?.length ?? 0;
    if (n === 0) throw new Error(`tree ${index} has no nodes`);
    for (const key of ['right_children', 'split_indices', 'split_conditions', 'default_left', 'sum_hessian'] as const) {
      if (tree[key]?.length !== n) throw new Error(`tree ${index}: ${key} has ${tree[key]?.length} entries, expected ${n}`);
    }
    if (tree.split_type?.some((type) => type !== 0)) throw new Error(`tree ${index}: categorical splits are not supported`);
  }
  return m as XgbJsonModel;
}
