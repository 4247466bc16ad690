// A shadow variant runs after the answer has gone: whatever it does (fail, hang) the caller's answer
// is the one it would have had without it, and the shadow's own slate is logged beside the served
// one. The downstreams are in-process stand-ins (src/testing), because the point is a shadow-only
// hang, which the real services cannot be told to do; the whole stack with a real shadow is in
// tools/stack's e2e.
import type { slates } from '@aisle/contracts';
import { DEFAULT_BLEND } from '@aisle/ranking';
import { describe, expect, it } from 'vitest';
import { PopularCache } from '../adapters/popular-cache';
import { ProductCache } from '../adapters/product-cache';
import type { Experiment } from '../experiments/experiments';
import { downstreams, products } from '../testing/stand-ins';
import { rank, type RankDependencies } from './rank';

function setup(experiment: Experiment) {
  const calls: string[] = [];
  const asked: string[][] = [];
  const logged: slates.Slate[] = [];
  const deps: RankDependencies = {
    downstreams: downstreams(calls, asked),
    popularCache: new PopularCache(60_000),
    productCache: new ProductCache(1000, 60_000),
    blend: () => ({ weights: DEFAULT_BLEND, version: 'b-prod' }),
    experiments: () => [experiment],
    slateLog: { log: { offer: (slate) => logged.push(slate) > 0, repeat: () => undefined }, candidates: 5 },
    settings: { budgetMs: 1000, stageBudgetMs: { userContext: 500, candidates: 500, scores: 500 }, mergeReserveMs: 5, popularReuseMs: 0, maxPerFamily: 2, shadowBudgetMs: 150, shadowMaxInFlight: 4 },
  };
  const call = () => rank({ userId: 'u1', k: 10, country: 'United Kingdom', timeUnixMs: 0, exclude: new Set(), excludePurchased: false, explain: false, fresh: false }, { deadline: Date.now() + 2000, signal: new AbortController().signal }, deps);
  return { calls, asked, logged, call };
}

const served = { name: 'shadow-test', variants: [{ name: 'control', share: 1 }] };
const answer = (result: Awaited<ReturnType<ReturnType<typeof setup>['call']>>) => ({
  items: result.items.map((item) => [item.candidate.signals.productId, item.candidate.score]),
  sources: result.sources.map((source) => [source.source, source.state]),
  models: result.models,
  variant: [result.experiment, result.variant],
});

describe('shadow variant', () => {
  it.each(['hangs', 'fails'])('changes nothing for the caller when its model version %s, and its slot is freed', async (version) => {
    const without = setup(served);
    const expected = answer(await without.call());
    const shadowed = setup({ ...served, shadow: { name: 'shadow', sample: 1, models: { affinity: version } } });
    for (let i = 0; i < 6; i++) expect(answer(await shadowed.call())).toEqual(expected);
    // Six shadows hung or failed with four slots: the slots come back after the budget.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(answer(await shadowed.call())).toEqual(expected);
    await expect.poll(() => shadowed.calls.filter((call) => call === `affinity.score:${version}`).length, { timeout: 2000 }).toBeGreaterThanOrEqual(5);
    const servedSlates = shadowed.logged.filter((slate) => !slate.shadow);
    expect(servedSlates).toHaveLength(7);
    // A failed affinity call still leaves a (degraded) shadow slate; a hung one is cut off by the budget.
    const shadows = shadowed.logged.filter((slate) => slate.shadow);
    if (version === 'fails') expect(shadows.length).toBeGreaterThan(0);
    for (const shadow of shadows) {
      expect(servedSlates.some((slate) => slate.requestId === shadow.requestId)).toBe(true);
      expect(shadow.variant).toBe('shadow');
    }
  });

  it('logs the shadow slate beside the served one, re-asking only the model it pins', async () => {
    const { calls, logged, call } = setup({ ...served, shadow: { name: 'new-affinity', sample: 1, models: { affinity: 'a-new' } } });
    const result = await call();
    await expect.poll(() => logged.length, { timeout: 2000 }).toBe(2);
    const [servedSlate, shadowSlate] = logged;
    expect(servedSlate).toMatchObject({ shadow: false, experiment: 'shadow-test', variant: 'control', k: 10 });
    expect(servedSlate!.served).toEqual(result.items.map((item) => item.candidate.signals.productId));
    expect(servedSlate!.candidates).toHaveLength(5);
    expect(shadowSlate).toMatchObject({ shadow: true, experiment: 'shadow-test', variant: 'new-affinity', requestId: servedSlate!.requestId });
    expect(shadowSlate!.models).toContainEqual({ model: 'affinity', version: 'a-new' });
    // The pinned affinity version ranks differently, and only affinity was asked again.
    expect(shadowSlate!.served).not.toEqual(servedSlate!.served);
    expect(calls.filter((c) => c.startsWith('copurchase.candidates'))).toEqual(['copurchase.candidates:']);
    expect(calls.filter((c) => c.startsWith('affinity.score'))).toEqual(['affinity.score:', 'affinity.score:a-new']);
    // The user's hash, never the id.
    expect(JSON.stringify(logged)).not.toContain('"u1"');
  });

  it('with another co-purchase version, asks affinity only for the candidates its pool added', async () => {
    const { calls, asked, logged, call } = setup({ ...served, shadow: { name: 'new-copurchase', sample: 1, models: { copurchase: 'c-new' } } });
    await call();
    await expect.poll(() => logged.length, { timeout: 2000 }).toBe(2);
    expect(calls.filter((c) => c.startsWith('copurchase.candidates'))).toEqual(['copurchase.candidates:', 'copurchase.candidates:c-new']);
    expect(asked).toHaveLength(2);
    expect([...asked[1]!].sort()).toEqual(products.slice(40, 49).sort());
    // Every candidate of the shadow's page was scored: reused scores plus the new ones.
    const shadow = logged[1]!;
    expect(shadow.models).toContainEqual({ model: 'copurchase', version: 'c-new' });
    expect(shadow.candidates.every((candidate) => candidate.affinity === 0 || candidate.affinity === 1)).toBe(true);
    expect(shadow.candidates.some((candidate) => products.indexOf(candidate.productId) >= 40)).toBe(true);
  });

  it('scores a blend-only shadow without any further call', async () => {
    const { calls, logged, call } = setup({ ...served, shadow: { name: 'repeat-heavy', sample: 1, blend: { ...DEFAULT_BLEND, repeat: 5 } } });
    await call();
    await expect.poll(() => logged.length, { timeout: 2000 }).toBe(2);
    expect(calls).toHaveLength(3); // co-purchase candidates and score, affinity score: once each
    expect(logged[1]!.served[0]).toBe(products[0]); // the user's own repeat item leads the shadow's page
  });

  it("pins the served variant's model versions on the calls it makes", async () => {
    const { calls, call } = setup({ name: 'pinned', variants: [{ name: 'treatment', share: 1, models: { affinity: 'a-new', copurchase: 'c-new' } }] });
    const result = await call();
    expect(calls).toEqual(expect.arrayContaining(['copurchase.candidates:c-new', 'affinity.score:a-new']));
    expect(result.models).toEqual(expect.arrayContaining([{ model: 'affinity', version: 'a-new' }, { model: 'copurchase', version: 'c-new' }]));
  });
});
