import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAffinityModel } from '../adapters/model-loader';
import { FEATURE_COUNT, FEATURES } from '../domain/features';
import { trainTinyModel } from '../testing/tiny-model';
import { packageExternalModel, trainingSetCsv } from './external-model';
import type { TrainResult } from './train-affinity';

// Trained by fixtures/make_external_fixture.py with xgboost from PyPI on the CSV export of the tiny
// training set (see that script); committed so tests never need Python.
const fixtures = join(__dirname, '../../fixtures');
const read = (name: string) => JSON.parse(readFileSync(join(fixtures, name), 'utf8'));

describe('a model trained elsewhere', () => {
  let tiny: TrainResult;
  beforeAll(async () => {
    tiny = await trainTinyModel();
  });

  it('exports the training set as CSV with empty cells for missing values', () => {
    const csv = trainingSetCsv(tiny.trainingSet).trimEnd().split('\n');
    expect(csv[0]).toBe([...FEATURES, 'label'].join(','));
    expect(csv).toHaveLength(tiny.trainingSet.rows + 1);
    const first = csv[1].split(',');
    expect(first).toHaveLength(FEATURE_COUNT + 1);
    first.slice(0, FEATURE_COUNT).forEach((cell, j) => {
      const v = tiny.trainingSet.values[j];
      expect(cell).toBe(Number.isNaN(v) ? '' : String(v));
    });
  });

  it('is packaged with our snapshot and served with the predictions its own xgboost makes', async () => {
    const expected = read('external-expected.json') as { xgboost_version: string; inputs: (number | null)[][]; probabilities: number[] };
    const { bytes, content } = packageExternalModel(tiny.content, read('external-model.json'), `xgboost ${expected.xgboost_version}`);
    expect(content.info.version).toMatch(/^affinity-external-/);
    expect(content.wasmModel).toBeUndefined();
    const served = await loadAffinityModel(bytes, 'js');
    const values = Float64Array.from(expected.inputs.flat().map((v) => (v === null ? Number.NaN : v)));
    const probabilities = served.probabilities(values, expected.inputs.length);
    expected.probabilities.forEach((p, i) => expect(Math.abs(probabilities[i] - p)).toBeLessThan(1e-6));
    await expect(loadAffinityModel(bytes, 'wasm')).rejects.toThrow(/js engine/);
  });

  it('is refused when it does not take our features', () => {
    expect(() => packageExternalModel(tiny.content, read('xgboost-model.json'), 'x')).toThrow(/feature names/);
    const unnamed = read('xgboost-model.json');
    unnamed.learner.feature_names = [];
    expect(() => packageExternalModel(tiny.content, unnamed, 'x')).toThrow(/expects 6 features/);
  });
});
