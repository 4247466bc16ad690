import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contributions, ensembleFromXgbJson, predictMargins, transform } from './tree-ensemble';
import { treeShap } from './tree-shap';

// Produced by fixtures/make_xgboost_fixture.py with xgboost from PyPI (version inside the file).
const fixtures = join(__dirname, '../../fixtures');
const model = JSON.parse(readFileSync(join(fixtures, 'xgboost-model.json'), 'utf8'));
const expected = JSON.parse(readFileSync(join(fixtures, 'xgboost-expected.json'), 'utf8')) as {
  xgboost_version: string;
  inputs: (number | null)[][];
  probabilities: number[];
  margins: number[];
  approx_contributions: number[][];
  shap_contributions: number[][];
};
const rows = expected.inputs.map((row) => Float64Array.from(row.map((v) => (v === null ? Number.NaN : v))));

describe('XGBoost JSON model evaluator', () => {
  const ensemble = ensembleFromXgbJson(model);

  it(`predicts what xgboost ${expected.xgboost_version} predicts, missing values included`, () => {
    expect(rows.length).toBe(64);
    expect(rows[0].every(Number.isNaN)).toBe(true);
    rows.forEach((row, i) => {
      const margin = predictMargins(ensemble, row, 1)[0];
      // float32 arithmetic on both sides: equal up to one or two float32 ulps.
      expect(Math.abs(margin - expected.margins[i])).toBeLessThan(1e-6);
      expect(Math.abs(transform(ensemble, margin) - expected.probabilities[i])).toBeLessThan(1e-6);
    });
  });

  it("gives xgboost's approximate (Saabas) contributions, summing to the margin", () => {
    rows.forEach((row, i) => {
      const c = contributions(ensemble, row);
      expect(c.length).toBe(7);
      c.forEach((value, j) => expect(Math.abs(value - expected.approx_contributions[i][j])).toBeLessThan(1e-5));
      const sum = c.reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - predictMargins(ensemble, row, 1)[0])).toBeLessThan(1e-5);
    });
  });

  it("gives xgboost's exact TreeSHAP values (pred_contribs=True), summing to the margin", () => {
    const x = new Float32Array(rows.length * 6);
    rows.forEach((row, i) => x.set(row, i * 6));
    const shap = treeShap(ensemble, x, rows.length);
    rows.forEach((_, i) => {
      const mine = shap.subarray(i * 7, (i + 1) * 7);
      mine.forEach((value, j) => expect(Math.abs(value - expected.shap_contributions[i][j])).toBeLessThan(1e-5));
      expect(Math.abs(mine.reduce((a, b) => a + b, 0) - expected.margins[i])).toBeLessThan(1e-5);
    });
    // Exact and approximate attributions differ, so this test tells them apart.
    expect(shap.some((v, k) => Math.abs(v - expected.approx_contributions[Math.floor(k / 7)][k % 7]) > 1e-3)).toBe(true);
  });

  it('rejects what it cannot evaluate, naming the problem', () => {
    const multi = structuredClone(model);
    multi.learner.learner_model_param.num_class = '3';
    expect(() => ensembleFromXgbJson(multi)).toThrow(/single-output/);
    const broken = structuredClone(model);
    broken.learner.gradient_booster.model.trees[0].split_indices.pop();
    expect(() => ensembleFromXgbJson(broken)).toThrow(/tree 0: split_indices/);
    expect(() => ensembleFromXgbJson({})).toThrow(/not an XGBoost JSON model/);
  });
});
