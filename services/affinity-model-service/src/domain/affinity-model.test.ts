import { beforeAll, describe, expect, it } from 'vitest';
import { decodeArtifact } from '../adapters/artifact';
import { loadAffinityModel } from '../adapters/model-loader';
import { favouriteOf, syntheticLines, SYNTHETIC_DEFAULTS } from '../testing/synthetic';
import { TINY_CUT_MS, trainTinyModel } from '../testing/tiny-model';
import type { TrainResult } from '../training/train-affinity';
import { AffinityModel } from './affinity-model';
import { DAY_MS } from './time';
import { userStates } from './user-state';

describe('a tiny model trained on synthetic data', () => {
  let trained: TrainResult;
  beforeAll(async () => {
    trained = await trainTinyModel();
  });

  it("ranks each user's planted favourite above the other candidates", () => {
    const model = new AffinityModel(decodeArtifact(trained.artifactBytes));
    const states = userStates(syntheticLines().filter((l) => l.invoiceDate < TINY_CUT_MS) as never, TINY_CUT_MS);
    const products = Object.keys(model.content.productTable.products);
    let first = 0;
    let users = 0;
    for (let u = 0; u < SYNTHETIC_DEFAULTS.users; u += 1) {
      const state = states.get(String(13000 + u));
      if (!state) continue;
      users += 1;
      const { scores } = model.score({ user: state.profile, history: state.history, context: { country: state.profile.country, timeMs: TINY_CUT_MS + DAY_MS / 2 } }, products, 0);
      const best = scores.reduce((a, b) => (b.probability > a.probability ? b : a));
      if (best.productId === favouriteOf(u, SYNTHETIC_DEFAULTS.products)) first += 1;
    }
    expect(users).toBeGreaterThan(30);
    expect(first / users).toBeGreaterThan(0.8);
  });

  it.each(['approx', 'exact'] as const)('explains each score (%s) with contributions that add up to its log-odds', (method) => {
    const model = new AffinityModel(decodeArtifact(trained.artifactBytes), undefined, method);
    const state = userStates(syntheticLines().filter((l) => l.invoiceDate < TINY_CUT_MS) as never, TINY_CUT_MS).get('13001')!;
    const request = { user: state.profile, history: state.history, context: { country: '', timeMs: TINY_CUT_MS } };
    const all = model.score(request, [favouriteOf(1, SYNTHETIC_DEFAULTS.products), '20003'], 28);
    // The bias (base margin + expected output of every tree) is not a feature, so it is not returned.
    const bias = model.ensemble.baseMargin + Array.from(model.ensemble.roots).reduce((a, root) => a + model.ensemble.mean[root], 0);
    for (const s of all.scores) {
      expect(s.contributions).toHaveLength(28);
      const logit = Math.log(s.probability / (1 - s.probability));
      const sum = s.contributions.reduce((a, c) => a + c.contribution, 0);
      expect(Math.abs(sum + bias - logit)).toBeLessThan(1e-4);
      const magnitudes = s.contributions.map((c) => Math.abs(c.contribution));
      expect(magnitudes).toEqual([...magnitudes].sort((a, b) => b - a));
    }
    expect(model.score(request, ['20003'], 3).scores[0].contributions).toHaveLength(3);
  });

  it('scores the same with ml-xgboost as the engine as with the TypeScript evaluator', async () => {
    const js = await loadAffinityModel(trained.artifactBytes, 'js');
    const wasm = await loadAffinityModel(trained.artifactBytes, 'wasm');
    try {
      const products = Object.keys(js.content.productTable.products);
      const request = { user: undefined, history: new Map(), context: { country: 'France', timeMs: TINY_CUT_MS } };
      const a = js.score(request, products, 0).scores.map((s) => s.probability);
      const b = wasm.score(request, products, 0).scores.map((s) => s.probability);
      a.forEach((p, i) => expect(Math.abs(p - b[i])).toBeLessThan(1e-6));
    } finally {
      wasm.dispose();
    }
  });
});
