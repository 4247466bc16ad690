// Serving a model trained elsewhere: any xgboost (>= 1.0) that saves the JSON model format can train
// on our examples (exported with the same feature function) and be packaged into an affinity artifact
// with the product table and defaults of the data window it was trained on.
import { FEATURE_COUNT, FEATURES } from '../domain/features';
import type { AffinityArtifactContent } from '../domain/affinity-model';
import { AffinityModel } from '../domain/affinity-model';
import { validateXgbJson } from '../domain/xgboost-json';
import { encodeArtifact, sha256 } from '../adapters/artifact';
import type { TrainingSet } from '../domain/training-set';

/** The training set as CSV: one column per feature (empty = missing) and `label` last. */
export function trainingSetCsv(set: Pick<TrainingSet, 'values' | 'labels' | 'rows'>): string {
  const out: string[] = [[...FEATURES, 'label'].join(',')];
  for (let r = 0; r < set.rows; r += 1) {
    const cells: string[] = [];
    for (let j = 0; j < FEATURE_COUNT; j += 1) {
      const v = set.values[r * FEATURE_COUNT + j];
      cells.push(Number.isNaN(v) ? '' : String(v));
    }
    cells.push(String(set.labels[r]));
    out.push(cells.join(','));
  }
  return `${out.join('\n')}\n`;
}

/**
 * An artifact serving `xgbJson` with the snapshot (product table, defaults, window) of `base`. The
 * model must take exactly our features, in order (checked by name when it carries feature names).
 */
export function packageExternalModel(base: AffinityArtifactContent, xgbJson: unknown, trainer: string): { bytes: Buffer; content: AffinityArtifactContent } {
  const model = validateXgbJson(xgbJson);
  const names = model.learner.feature_names ?? [];
  if (names.length > 0 && names.join(',') !== FEATURES.join(',')) throw new Error(`model feature names ${names.join(',')} are not ${FEATURES.join(',')}`);
  const content: AffinityArtifactContent = {
    ...base,
    model,
    wasmModel: undefined,
    info: { ...base.info, createdUnixMs: Date.now(), parameters: { ...base.info.parameters, trainer }, metrics: {}, importance: {} },
  };
  const served = new AffinityModel(content);
  const total = served.ensemble.gain.reduce((a, b) => a + b, 0);
  content.info.importance = Object.fromEntries(FEATURES.map((name, i) => [name, total > 0 ? served.ensemble.gain[i] / total : 0]));
  content.info.version = `affinity-external-${sha256(Buffer.from(JSON.stringify(model))).slice(0, 12)}`;
  return { bytes: encodeArtifact(content), content };
}
