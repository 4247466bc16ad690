// A held answer is served again only while the user's version holds, for the same request, variant
// and blend (a degraded one only briefly); everything else computes. The downstreams are the
// in-process stand-ins of src/testing (a version flip on demand); tools/stack's e2e runs this on the
// real services.
import { common, type slates } from '@aisle/contracts';
import { DEFAULT_BLEND } from '@aisle/ranking';
import { describe, expect, it } from 'vitest';
import { AnswerCache } from '../adapters/answer-cache';
import { VersionChecks } from '../adapters/version-checks';
import { PopularCache } from '../adapters/popular-cache';
import { ProductCache } from '../adapters/product-cache';
import { downstreams, type UserData } from '../testing/stand-ins';
import { rank, type RankDependencies, type RankInput, type ReusableAnswer } from './rank';

function setup(ttlMs = 60_000, degradedTtlMs = 40) {
  const calls: string[] = [];
  const logged: slates.Slate[] = [];
  const repeated: slates.Slate[] = [];
  const user: UserData = { version: 'v1', reads: [] };
  let blendVersion = 'b1';
  const stand = downstreams(calls, [], user);
  const deps: RankDependencies = {
    downstreams: stand,
    popularCache: new PopularCache(60_000),
    productCache: new ProductCache(1000, 60_000),
    answers: { cache: new AnswerCache<ReusableAnswer>({ maxEntries: 100, ttlMs, degradedTtlMs }), versions: new VersionChecks((ids, bound) => stand.userVersions(ids, bound)) },
    blend: () => ({ weights: DEFAULT_BLEND, version: blendVersion }),
    slateLog: { log: { offer: (slate) => logged.push(slate) > 0, repeat: (slate) => void repeated.push(slate) }, candidates: 5 },
    settings: { budgetMs: 1000, stageBudgetMs: { userContext: 500, candidates: 500, scores: 500 }, mergeReserveMs: 5, popularReuseMs: 0, maxPerFamily: 2, shadowBudgetMs: 150, shadowMaxInFlight: 4 },
  };
  const base: RankInput = { userId: 'u1', k: 10, country: 'United Kingdom', timeUnixMs: 0, exclude: new Set(), excludePurchased: false, explain: false, fresh: false };
  const call = (overrides: Partial<RankInput> = {}, context: { deadline: number; signal: AbortSignal } = { deadline: Date.now() + 2000, signal: new AbortController().signal }) =>
    rank({ ...base, ...overrides }, context, deps);
  const modelCalls = () => calls.filter((c) => c.startsWith('copurchase') || c.startsWith('affinity')).length;
  return { deps, calls, logged, repeated, user, call, modelCalls, setBlend: (version: string) => (blendVersion = version) };
}

const page = (result: Awaited<ReturnType<typeof rank>>) => result.items.map((item) => [item.candidate.signals.productId, item.candidate.score]);

describe('answer cache', () => {
  it('serves the same request again without model calls while the user is unchanged, and counts each serving', async () => {
    const { call, modelCalls, logged, repeated, user } = setup();
    const first = await call();
    expect(first.answerAgeMs).toBe(0);
    const computedCalls = modelCalls();
    expect(computedCalls).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await call();
    expect(modelCalls()).toBe(computedCalls);
    expect(again.answerAgeMs).toBeGreaterThan(0);
    expect(page(again)).toEqual(page(first));
    expect(again.sources).toEqual(first.sources);
    expect(again.models).toEqual(first.models);
    // This call's own user read and timings, not the held ones.
    expect(again.featureAgeMs).toBe(7);
    expect(again.timings.map((timing) => timing.stage)).toEqual(['user_version']);
    expect(user.reads).toEqual(['context', 'versions:u1']);
    // The computed page is logged; the serving again is counted against it (logged later as a row of servings).
    expect(logged).toHaveLength(1);
    expect(repeated).toEqual([logged[0]]);
  });

  it("asks for the call's signal only when it computes (downstream calls carry it), never to serve a held answer", async () => {
    const { call, deps } = setup();
    let asked = 0;
    const controller = new AbortController();
    const userContext = deps.downstreams.userContext;
    const carried: AbortSignal[] = [];
    deps.downstreams.userContext = (userId, bound) => {
      carried.push(bound.signal);
      return userContext(userId, bound);
    };
    const context = () => ({
      deadline: Date.now() + 2000,
      get signal() {
        asked++;
        return controller.signal;
      },
    });
    expect((await call({}, context())).answerAgeMs).toBe(0);
    expect(carried).toEqual([controller.signal]);
    expect(asked).toBeGreaterThan(0);
    asked = 0;
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await call({}, context())).answerAgeMs).toBeGreaterThan(0);
    expect(asked).toBe(0);
  });

  it("computes again once the user's version changed (a new purchase), and holds the new answer", async () => {
    const { call, modelCalls, user } = setup();
    await call();
    const before = modelCalls();
    user.version = 'v2';
    expect((await call()).answerAgeMs).toBe(0);
    expect(modelCalls()).toBeGreaterThan(before);
    const after = modelCalls();
    expect((await call()).answerAgeMs).toBeGreaterThan(0);
    expect(modelCalls()).toBe(after);
    expect(user.reads).toEqual(['context', 'versions:u1', 'context', 'versions:u1']);
  });

  it('computes for another request, a fresh request, a new blend; past its lifetime serves once more while refreshing; past twice that computes', async () => {
    const { call, modelCalls, setBlend } = setup(600);
    await call();
    let count = modelCalls();
    const computes = async (overrides: Parameters<typeof call>[0]) => {
      expect((await call(overrides)).answerAgeMs).toBe(0);
      expect(modelCalls()).toBeGreaterThan(count);
      count = modelCalls();
    };
    await computes({ k: 5 });
    await computes({ exclude: new Set(['20001']) });
    await computes({ country: 'France' });
    await computes({ timeUnixMs: Date.UTC(2011, 10, 2) });
    await computes({ fresh: true });
    setBlend('b2');
    await computes({});
    expect((await call()).answerAgeMs).toBeGreaterThan(0);
    // Lifetime 450-600 ms (jittered), servable until twice that.
    await new Promise((resolve) => setTimeout(resolve, 700));
    const stale = await call();
    expect(stale.answerAgeMs).toBeGreaterThanOrEqual(450);
    // The refresh ran off that call; once it is held, answers are younger and cost no call.
    await expect.poll(async () => (await call()).answerAgeMs, { timeout: 2000 }).toBeLessThan(stale.answerAgeMs);
    expect(modelCalls()).toBeGreaterThan(count);
    count = modelCalls();
    expect((await call()).answerAgeMs).toBeGreaterThan(0);
    expect(modelCalls()).toBe(count);
    await new Promise((resolve) => setTimeout(resolve, 1300));
    await computes({});
  });

  it('holds a degraded answer only for its short lifetime, then refreshes it to a whole one', async () => {
    const { call, modelCalls, user } = setup(60_000, 400);
    user.affinityFails = true;
    const degraded = await call();
    const affinityState = (result: typeof degraded) => result.sources.find((source) => source.source === 'affinity')?.state;
    expect(affinityState(degraded)).not.toBe(affinityState(await setup().call()));
    const count = modelCalls();
    user.affinityFails = false;
    const again = await call();
    expect(again.answerAgeMs).toBeGreaterThan(0);
    expect(affinityState(again)).toBe(affinityState(degraded));
    expect(modelCalls()).toBe(count);
    await new Promise((resolve) => setTimeout(resolve, 450));
    // Past its lifetime: served once more while it is computed again in the background.
    expect(affinityState(await call())).toBe(affinityState(degraded));
    await expect.poll(async () => affinityState(await call()), { timeout: 2000 }).not.toBe(affinityState(degraded));
    expect(modelCalls()).toBeGreaterThan(count);
    expect((await call()).answerAgeMs).toBeGreaterThan(0);
  });

  it('keeps serving a whole answer whose refresh came back degraded, and tries the refresh again later', async () => {
    const { call, modelCalls, user } = setup(600, 200);
    const whole = await call();
    const affinityState = (result: typeof whole) => result.sources.find((source) => source.source === 'affinity')?.state;
    expect(affinityState(whole)).toBe(common.SourceState.SOURCE_STATE_OK);
    user.affinityFails = true;
    await new Promise((resolve) => setTimeout(resolve, 650));
    // Past its lifetime: served while a refresh runs; that refresh is degraded, and is not what is held.
    const count = modelCalls();
    expect(affinityState(await call())).toBe(common.SourceState.SOURCE_STATE_OK);
    await expect.poll(() => modelCalls(), { timeout: 2000 }).toBeGreaterThan(count);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const kept = await call();
    expect(affinityState(kept)).toBe(common.SourceState.SOURCE_STATE_OK);
    expect(kept.answerAgeMs).toBeGreaterThanOrEqual(650);
    // The next refresh waits a degraded lifetime (150-200 ms), not the next request.
    const afterFailedRefresh = modelCalls();
    await call();
    expect(modelCalls()).toBe(afterFailedRefresh);
    user.affinityFails = false;
    await new Promise((resolve) => setTimeout(resolve, 250));
    await call();
    await expect.poll(async () => (await call()).answerAgeMs, { timeout: 2000 }).toBeLessThan(kept.answerAgeMs);
  });

  it('serves the held answer, its features marked FALLBACK, when the version check fails, instead of computing', async () => {
    const { call, modelCalls, user } = setup();
    const first = await call();
    const count = modelCalls();
    user.versionsFail = true;
    const held = await call();
    expect(modelCalls()).toBe(count);
    expect(held.answerAgeMs).toBeGreaterThan(0);
    expect(page(held)).toEqual(page(first));
    const features = held.sources.find((source) => source.source === 'features')!;
    expect(features.state).toBe(common.SourceState.SOURCE_STATE_FALLBACK);
    expect(features.detail).toMatch(/^user version not checked \(FAILED: UNAVAILABLE: .*\); answer held from before$/);
    expect(held.sources.filter((source) => source.source !== 'features')).toEqual(first.sources.filter((source) => source.source !== 'features'));
    expect(user.reads).toEqual(['context', 'versions:u1']);
    // Checks answer again: the held answer is served as whole.
    user.versionsFail = false;
    expect((await call()).sources).toEqual(first.sources);
  });

  it('replaces a held whole answer with a degraded one when the user changed, never when only the computation was degraded', () => {
    const cache = new AnswerCache<string>({ maxEntries: 10, ttlMs: 10_000, degradedTtlMs: 2_000 }, () => 0);
    const held = (userVersion: string, answer: string) => ({ userVersion, basis: 'b', computedAtMs: 0, answer });
    cache.set('k', held('v1', 'whole'), true);
    cache.set('k', held('v1', 'degraded'), false);
    expect(cache.get('k', 'b')?.held.answer).toBe('whole');
    expect(cache.freshForMs('k')).toBeLessThanOrEqual(2_000);
    cache.set('k', held('', 'no user read'), false);
    expect(cache.get('k', 'b')?.held.answer).toBe('whole');
    cache.set('k', held('v2', 'degraded, new purchase'), false);
    expect(cache.get('k', 'b')?.held.answer).toBe('degraded, new purchase');
  });

  it("holds an answer whose user read failed without a version check, briefly, and never an unknown user's whole one", async () => {
    const { call, user } = setup(60_000, 400);
    user.contextFails = true;
    const degraded = await call();
    expect(degraded.sources.find((source) => source.source === 'features')?.state).not.toBe(common.SourceState.SOURCE_STATE_OK);
    user.contextFails = false;
    expect((await call()).answerAgeMs).toBeGreaterThan(0);
    expect(user.reads).toEqual(['context']);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await call()).answerAgeMs).toBe(0);

    const unknown = setup();
    unknown.user.unknown = true;
    expect((await unknown.call()).coldStart).toBe(true);
    expect((await unknown.call()).answerAgeMs).toBe(0);
  });

  it('never holds a degraded answer when its lifetime is 0', async () => {
    const { call, user } = setup(60_000, 0);
    user.affinityFails = true;
    await call();
    expect((await call()).answerAgeMs).toBe(0);
    expect(user.reads).toEqual(['context', 'context']);
  });

  it('runs background refreshes a few at a time, in order, once per key, and skips one no longer needed', async () => {
    let now = 0;
    const cache = new AnswerCache<string>({ maxEntries: 10, ttlMs: 1_000, degradedTtlMs: 100, refreshConcurrency: 1 }, () => 0, () => now);
    const held = (answer: string) => ({ userVersion: 'v', basis: 'b', computedAtMs: now, answer });
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, held(key), true);
    now = 1_500;
    const started: string[] = [];
    const finish = new Map<string, () => void>();
    const work = (key: string) => () => {
      started.push(key);
      return new Promise<void>((resolve) => finish.set(key, resolve));
    };
    const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
    for (const key of ['a', 'b', 'c', 'b']) cache.refreshLater(key, work(key));
    await settle();
    expect(started).toEqual(['a']);
    expect(cache.refreshes).toEqual({ running: 1, waiting: 2 });
    // b is computed again in the foreground meanwhile: its refresh is no longer needed.
    cache.set('b', held('b again'), true);
    finish.get('a')!();
    await settle();
    expect(started).toEqual(['a', 'c']);
    finish.get('c')!();
    // A refresh that fails frees its place too.
    cache.refreshLater('d', () => Promise.reject(new Error('downstream down')));
    cache.refreshLater('a', work('a'));
    await settle();
    await settle();
    expect(started).toEqual(['a', 'c', 'a']);
    expect(cache.refreshes).toEqual({ running: 1, waiting: 0 });
  });

  it('cuts each lifetime by up to a quarter at random, so answers computed together expire apart', () => {
    const held = { userVersion: 'v', basis: '', computedAtMs: 0, answer: 1 };
    const lifetime = (random: number, whole: boolean) => {
      const cache = new AnswerCache<number>({ maxEntries: 10, ttlMs: 10_000, degradedTtlMs: 2_000 }, () => random);
      cache.set('k', held, whole);
      return cache.freshForMs('k')!;
    };
    expect(lifetime(0, true)).toBeGreaterThan(9_900);
    expect(lifetime(1, true)).toBeLessThanOrEqual(7_500);
    expect(lifetime(1, true)).toBeGreaterThan(7_400);
    expect(lifetime(0.5, false)).toBeLessThanOrEqual(1_750);
    expect(lifetime(0.5, false)).toBeGreaterThan(1_650);
  });

  it('lets identical requests that arrive together share one computation', async () => {
    const { call, modelCalls, logged, repeated } = setup();
    const alone = setup();
    await alone.call();
    const [first, second, third] = await Promise.all([call(), call(), call()]);
    expect(modelCalls()).toBe(alone.modelCalls());
    expect(page(second)).toEqual(page(first));
    expect(page(third)).toEqual(page(first));
    expect([first, second, third].filter((result) => result.answerAgeMs === 0)).toHaveLength(1);
    expect(second.timings.map((timing) => timing.stage)).toEqual(['shared']);
    // Each caller was served, so each serving is logged or counted against the logged page.
    expect(logged).toHaveLength(1);
    expect(repeated).toEqual([logged[0], logged[0]]);
  });

  it('holds what a fresh request computed for the requests after it', async () => {
    const { call, modelCalls } = setup();
    expect((await call({ fresh: true })).answerAgeMs).toBe(0);
    const count = modelCalls();
    expect((await call()).answerAgeMs).toBeGreaterThan(0);
    expect(modelCalls()).toBe(count);
  });

  it('keys exclusions as a set', () => {
    const key = (exclude: string[]) => AnswerCache.key({ userId: 'u', k: 10, country: '', timeUnixMs: 0, exclude: new Set(exclude), excludePurchased: false, explain: false });
    expect(key(['a', 'b'])).toBe(key(['b', 'a']));
    expect(key(['a', 'b'])).not.toBe(key(['a']));
    expect(key([])).not.toBe(key(['']));
  });
});
