// The whole training run for one cut: examples from windows before the cut → ml-xgboost (wasm) →
// XGBoost JSON model → artifact with the product table snapshot, defaults and metadata, evaluated on
// OR-temporal-v1 beside the repeat and recent-popular baselines.
import { createHash } from 'node:crypto';
import { cutToMs, DEFAULT_CUT, evaluate, recentPopular, repeat, temporalSplit, type Evaluation, type RetailLine, type ViewMetrics } from '@aisle/retail-data';
import type { ModelVersionInfo } from '@aisle/model-serving';
import { encodeArtifact, sha256 } from '../adapters/artifact';
import { modelInfoOf } from '../adapters/file-source';
import { legacyBinaryToXgbJson } from '../adapters/legacy-binary';
import { loadXgboostWasm, trainBinaryModel } from '../adapters/xgboost-wasm';
import { AffinityModel, type AffinityArtifactContent, type AffinityModelInfo } from '../domain/affinity-model';
import { DEFAULT_CANDIDATES, type CandidateOptions } from '../domain/candidates';
import { FEATURES } from '../domain/features';
import { affinityRecommender } from '../domain/offline-eval';
import { buildProductTable } from '../domain/product-table';
import { buildTrainingSet, type TrainingSet } from '../domain/training-set';
import { typicalUser, userStates } from '../domain/user-state';

export interface AffinityTrainParams {
  cut: string;
  seed: number;
  windows: number;
  labelDays: number;
  negativesPerUser: number;
  rounds: number;
  maxDepth: number;
  eta: number;
  subsample: number;
  colsampleBytree: number;
  minChildWeight: number;
  treeMethod: 'exact' | 'approx' | 'hist';
  candidates: CandidateOptions;
  /** Evaluate on OR-temporal-v1 (the metrics stored with the version). */
  evaluate: boolean;
  codeVersion: string;
  /** Experiments only: features blanked (all missing) in the training matrix, so the model cannot use them. */
  ablate: string[];
}

export const DEFAULT_TRAIN_PARAMS: AffinityTrainParams = {
  cut: DEFAULT_CUT,
  seed: 42,
  windows: 3,
  labelDays: 30,
  negativesPerUser: 60,
  rounds: 120,
  maxDepth: 6,
  eta: 0.1,
  subsample: 0.8,
  colsampleBytree: 0.8,
  minChildWeight: 1,
  treeMethod: 'hist',
  candidates: DEFAULT_CANDIDATES,
  evaluate: true,
  codeVersion: process.env.AISLE_CODE_VERSION ?? 'dev',
  ablate: [],
};

export interface TrainResult {
  artifactBytes: Buffer;
  /** SHA-256 of artifactBytes. */
  checksum: string;
  info: AffinityModelInfo;
  /** The same metadata shaped as aisle.common.v1.ModelInfo, for `registerModelVersion` (stage "candidate"). */
  registryInfo: ModelVersionInfo;
  content: AffinityArtifactContent;
  evaluation?: { affinity: Evaluation; repeat: Evaluation; recentPopular: Evaluation };
  timings: Record<string, number>;
  trainingSet: TrainingSet;
}

function flatten(prefix: string, e: Evaluation): Record<string, number> {
  const out: Record<string, number> = {};
  for (const view of ['all', 'new'] as const) {
    const m: ViewMetrics = e[view];
    for (const [name, value] of Object.entries(m)) if (typeof value === 'number') out[`${prefix}${view}.${name}@${e.k}`] = value;
  }
  return out;
}

/** Hash of the clean lines the model may learn from: the same data gives the same hash. */
function inputHash(lines: readonly RetailLine[]): string {
  const hash = createHash('sha256');
  for (const l of lines) hash.update(`${l.invoiceNo}|${l.stockCode}|${l.quantity}|${l.invoiceDate}|${l.unitPrice}|${l.customerId}|${l.country}\n`);
  return hash.digest('hex');
}

export async function trainAffinityModel(lines: readonly RetailLine[], overrides: Partial<AffinityTrainParams> = {}): Promise<TrainResult> {
  const params = { ...DEFAULT_TRAIN_PARAMS, ...overrides };
  const timings: Record<string, number> = {};
  const time = async <T>(name: string, fn: () => T | Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const result = await fn();
    timings[name] = (performance.now() - t0) / 1000;
    return result;
  };
  const cutMs = cutToMs(params.cut);
  const split = await time('split', () => temporalSplit(lines, { cut: params.cut }));
  const set = await time('examples', () =>
    buildTrainingSet(split.train, { cutMs, windows: params.windows, labelDays: params.labelDays, negativesPerUser: params.negativesPerUser, candidates: params.candidates, seed: params.seed }),
  );
  const xgbParams = {
    booster: 'gbtree',
    objective: 'binary:logistic',
    max_depth: params.maxDepth,
    eta: params.eta,
    subsample: params.subsample,
    colsample_bytree: params.colsampleBytree,
    min_child_weight: params.minChildWeight,
    tree_method: params.treeMethod,
    seed: params.seed,
    silent: 1,
  };
  for (const name of params.ablate) {
    const j = FEATURES.indexOf(name as (typeof FEATURES)[number]);
    if (j < 0) throw new Error(`unknown feature to ablate: ${name}`);
    for (let r = 0; r < set.rows; r += 1) set.values[r * FEATURES.length + j] = Number.NaN;
  }
  const wasm = await loadXgboostWasm();
  const binary = await time('xgboost', () => trainBinaryModel(wasm, set.values, set.labels, FEATURES.length, { params: xgbParams, rounds: params.rounds }));
  const model = legacyBinaryToXgbJson(binary);
  model.learner.feature_names = [...FEATURES];

  const snapshot = await time('snapshot', () => {
    const table = buildProductTable(split.train, cutMs);
    const states = userStates(split.train, cutMs);
    return { table, defaults: { user: typicalUser([...states.values()].map((s) => s.profile), cutMs) } };
  });

  const parameters: Record<string, string> = {
    cut: params.cut,
    seed: String(params.seed),
    windows: String(params.windows),
    label_days: String(params.labelDays),
    negatives_per_user: String(params.negativesPerUser),
    rounds: String(params.rounds),
    candidates: `popular=${params.candidates.popular},copurchase=${params.candidates.copurchase},own=${params.candidates.own}`,
    ...Object.fromEntries(Object.entries(xgbParams).map(([k, v]) => [`xgb.${k}`, String(v)])),
    trainer: 'ml-xgboost 1.1.2 (xgboost 0.72 wasm)',
    ...(params.ablate.length > 0 ? { ablate: params.ablate.join(',') } : {}),
  };
  const info: AffinityModelInfo = {
    version: '',
    createdUnixMs: Date.now(),
    trainStartUnixMs: set.startMs,
    trainEndUnixMs: cutMs,
    trainingRows: set.rows,
    inputHash: inputHash(split.train),
    codeVersion: params.codeVersion,
    parameters,
    metrics: {},
    importance: {},
  };
  const content: AffinityArtifactContent = { info, features: [...FEATURES], defaults: snapshot.defaults, productTable: snapshot.table, model, wasmModel: binary };
  const affinity = new AffinityModel(content);
  const totalGain = affinity.ensemble.gain.reduce((a, b) => a + b, 0);
  info.importance = Object.fromEntries(FEATURES.map((name, i) => [name, totalGain > 0 ? affinity.ensemble.gain[i] / totalGain : 0]));
  info.metrics = { 'train.rows': set.rows, 'train.positives': set.positives, 'train.users': set.users };

  let evaluation: TrainResult['evaluation'];
  if (params.evaluate) {
    evaluation = await time('evaluate', async () => ({
      affinity: await evaluate(affinityRecommender(affinity, split.train, cutMs, params.candidates), split, { k: 10 }),
      repeat: await evaluate(repeat(split.train), split, { k: 10 }),
      recentPopular: await evaluate(recentPopular(split.train, { cut: cutMs, days: 30 }), split, { k: 10 }),
    }));
    Object.assign(info.metrics, flatten('', evaluation.affinity), flatten('baseline.repeat.', evaluation.repeat), flatten('baseline.recent_popular.', evaluation.recentPopular));
  }
  info.version = `affinity-${params.cut}-${sha256(Buffer.from(JSON.stringify(model))).slice(0, 12)}`;
  const artifactBytes = encodeArtifact(content);
  return {
    artifactBytes,
    checksum: sha256(artifactBytes),
    info,
    registryInfo: modelInfoOf(artifactBytes, 'affinity', 'candidate'),
    content,
    evaluation,
    timings,
    trainingSet: set,
  };
}
