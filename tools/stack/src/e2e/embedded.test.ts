// All four services as real processes over loopback, on the embedded SQLite store, with models
// trained on a slice of the shipped data and promoted through the registry. Then faults: each
// downstream hung, then each killed, every time leaving Rank answering within its budget.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore, type Slate } from '@aisle/feature-store';
import { features } from '@aisle/contracts';
import { checkHealth, createClient, listServices, unaryCall } from '@aisle/grpc-kit';
import { hashUserId } from '@aisle/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBE_USER } from '../prepare';
import { startStack, type Stack } from '../stack';
import { expectWellFormed, rank, STATE, stateOf } from './rank-flow';
import { SMALL_TRAINING, STACK_SLICE, TEST_RANKER_ENV, UNCACHED_RANKER_ENV } from './settings';

// The client's deadline in the hang tests is above the ranker's budget: an answer proves the budget held.
const RANK_BUDGET_MS = Number(TEST_RANKER_ENV.AISLE_RANK_BUDGET.replace('ms', ''));

describe('whole stack on the embedded store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aisle-e2e-'));
  const experimentsFile = join(dir, 'experiments.json');
  let stack: Stack;

  beforeAll(async () => {
    writeFileSync(experimentsFile, JSON.stringify({ experiments: [] }));
    stack = await startStack({
      storeEnv: { AISLE_STORE: 'sqlite', AISLE_SQLITE_PATH: join(dir, 'aisle.db') },
      limit: STACK_SLICE,
      trainArgs: SMALL_TRAINING,
      rankerEnv: { ...UNCACHED_RANKER_ENV, AISLE_EXPERIMENTS_FILE: experimentsFile, AISLE_EXPERIMENTS_POLL: '200ms', AISLE_SLATE_LOG_INTERVAL: '200ms' },
    });
  }, 900_000);

  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every service answers health and lists its services through reflection', async () => {
    const expected: [keyof Stack, string[]][] = [
      ['features', ['aisle.features.v1.FeatureService', 'aisle.features.v1.ModelRegistryService', 'aisle.features.v1.SlateLogService', 'grpc.health.v1.Health']],
      ['copurchase', ['aisle.copurchase.v1.CopurchaseService', 'grpc.health.v1.Health']],
      ['affinity', ['aisle.affinity.v1.AffinityService', 'grpc.health.v1.Health']],
      ['ranker', ['aisle.ranker.v1.RankerService', 'grpc.health.v1.Health']],
    ];
    for (const [name, services] of expected) {
      const address = (stack[name] as { address: string }).address;
      expect(await checkHealth(address), name).toBe('SERVING');
      expect(await listServices(address), name).toEqual(services);
    }
  });

  it('ranks a real customer with every source answering and says how', async () => {
    const response = await rank(stack.ranker.address, { userId: PROBE_USER, k: 10, context: { country: 'United Kingdom', timeUnixMs: 0 } });
    expectWellFormed(response, 10);
    expect(response.coldStart).toBe(false);
    for (const source of ['features', 'copurchase', 'popular', 'affinity', 'catalog']) expect(stateOf(response, source), source).toBe(STATE.SOURCE_STATE_OK);
    expect(response.models.map((model) => model.model).sort()).toEqual(['affinity', 'blend', 'copurchase']);
    expect(response.models.every((model) => model.version !== '')).toBe(true);
    // Co-purchase scores every candidate (Candidates or Score), whoever proposed it.
    expect(response.items.some((item) => item.breakdown!.copurchase > 0)).toBe(true);
    expect(response.items.some((item) => item.breakdown!.affinity > 0)).toBe(true);
    expect(response.items.every((item) => item.description !== '')).toBe(true);
  });

  it('names the experiment and variant once the experiments file starts one, and blends with its weights', async () => {
    const before = await rank(stack.ranker.address, { userId: PROBE_USER, k: 10 });
    expect([before.experiment, before.variant]).toEqual(['', '']);
    // Everything on repeat: the page becomes the user's own most bought products, scored by repeat alone.
    const weights = { copurchase: 0, affinity: 0, popularity: 0, repeat: 1, context: 0 };
    writeFileSync(experimentsFile, JSON.stringify({ experiments: [{ name: 'e2e-blend', variants: [{ name: 'treatment', share: 1, blend: weights }] }] }));
    let during = before;
    await expect.poll(async () => (during = await rank(stack.ranker.address, { userId: PROBE_USER, k: 10 })).experiment, { timeout: 20_000, interval: 200 }).toBe('e2e-blend');
    expect(during.variant).toBe('treatment');
    expect(during.models.map((model) => `${model.model}@${model.version}`)).toContain('blend@e2e-blend/treatment');
    for (const item of during.items) expect(item.score).toBeCloseTo(item.breakdown!.repeat, 9);
    writeFileSync(experimentsFile, JSON.stringify({ experiments: [] }));
    await expect.poll(async () => (await rank(stack.ranker.address, { userId: PROBE_USER, k: 10 })).experiment, { timeout: 20_000, interval: 200 }).toBe('');
  });

  it('logs every served slate to the store, and a shadow that fails changes nothing for the caller', async () => {
    const started = Date.now();
    const only = (experiment: string, shadow?: object) => writeFileSync(experimentsFile, JSON.stringify({ experiments: [{ name: experiment, variants: [{ name: 'control', share: 1 }], shadow }] }));
    const rankIn = async (experiment: string) => {
      let response = await rank(stack.ranker.address, { userId: PROBE_USER, k: 10 });
      await expect.poll(async () => (response = await rank(stack.ranker.address, { userId: PROBE_USER, k: 10 })).experiment, { timeout: 20_000, interval: 200 }).toBe(experiment);
      return response;
    };
    const page = (response: Awaited<ReturnType<typeof rank>>) => ({ items: response.items.map((item) => [item.productId, item.score]), sources: response.sources.map((source) => [source.source, source.state]) });
    only('e2e-plain');
    const plain = await rankIn('e2e-plain');
    // The shadow scores with an affinity version the registry does not have: every shadow call fails.
    only('e2e-shadow', { name: 'missing-affinity', sample: 1, models: { affinity: 'no-such-version' } });
    const shadowed = await rankIn('e2e-shadow');
    expect(page(shadowed)).toEqual(page(plain));
    for (let i = 0; i < 3; i++) expect(page(await rank(stack.ranker.address, { userId: PROBE_USER, k: 10 }))).toEqual(page(plain));
    writeFileSync(experimentsFile, JSON.stringify({ experiments: [] }));

    const store = new SqliteStore(stack.env.AISLE_SQLITE_PATH!);
    try {
      const logged = async () => {
        const found: Slate[] = [];
        for await (const slates of store.slates(started, Date.now() + 1)) found.push(...slates);
        return found;
      };
      let slates: Slate[] = [];
      await expect.poll(async () => (slates = await logged()).filter((slate) => slate.experiment === 'e2e-shadow' && slate.shadow).length, { timeout: 20_000, interval: 300 }).toBeGreaterThanOrEqual(4);
      const served = slates.filter((slate) => slate.experiment === 'e2e-shadow' && !slate.shadow);
      expect(served.length).toBeGreaterThanOrEqual(4);
      for (const slate of served) {
        expect(slate).toMatchObject({ userHash: hashUserId(PROBE_USER), variant: 'control', k: 10 });
        expect(slate.served).toEqual(shadowed.items.map((item) => item.productId));
        expect(slate.candidates.length).toBeGreaterThanOrEqual(10);
        expect(slate.models.map((model) => model.model).sort()).toEqual(['affinity', 'blend', 'copurchase']);
      }
      for (const shadow of slates.filter((slate) => slate.shadow)) {
        expect(served.some((slate) => slate.requestId === shadow.requestId)).toBe(true);
        expect(shadow.variant).toBe('missing-affinity');
        // Its affinity call failed, so no affinity version scored it.
        expect(shadow.models.some((model) => model.model === 'affinity')).toBe(false);
      }
    } finally {
      await store.close();
    }
  });

  it("reuses an answer while the user's data holds, computes after a new purchase, forgets an erased user", async () => {
    // A second ranker with the production answer cache; the suite's own ranker computes every answer.
    const cached = await stack.addRanker({ AISLE_RANK_ANSWER_CACHE_TTL: '60s' });
    const client = createClient(features.FeatureServiceClient, stack.features.address, { service: 'aisle.features.v1.FeatureService' });
    const user = 'e2e-cache-user';
    const line = (n: number, productId: string) => ({
      lineId: `e2e-cache:${n}`, invoiceNo: `e2e-cache-${n}`, productId, description: productId, quantity: 2, unitPrice: 1.25,
      timeUnixMs: Date.UTC(2011, 0, 10 + n), userId: user, country: 'United Kingdom',
    });
    const ingest = (...lines: ReturnType<typeof line>[]) => unaryCall(client, client.ingest, { lines }, { deadline: Date.now() + 10_000 });
    const ask = () => rank(cached.address, { userId: user, k: 10, context: { country: 'United Kingdom', timeUnixMs: 0 } });
    try {
      await ingest(line(1, '85123A'), line(2, '22423'));
      const first = await ask();
      expect(first.answerAgeMs).toBe(0);
      expect(first.coldStart).toBe(false);
      for (const source of ['features', 'copurchase', 'affinity']) expect(stateOf(first, source), source).toBe(STATE.SOURCE_STATE_OK);
      const again = await ask();
      expect(again.answerAgeMs).toBeGreaterThan(0);
      expect(again.items).toEqual(first.items);
      expect(again.models).toEqual(first.models);
      expect(again.timings.map((timing) => timing.stage)).toEqual(['user_version']);

      // A new purchase is in the next answer: computed again, on features written moments ago.
      await ingest(line(3, '84879'));
      const after = await ask();
      expect(after.answerAgeMs).toBe(0);
      expect(after.featureAgeMs).toBeLessThan(60_000);
      expect((await ask()).answerAgeMs).toBeGreaterThan(0);

      await unaryCall(client, client.eraseUser, { userId: user }, { deadline: Date.now() + 10_000 });
      const erased = await ask();
      expect(erased.coldStart).toBe(true);
      expect(erased.answerAgeMs).toBe(0);
    } finally {
      client.close();
      await cached.stop();
    }
  });

  it('honours the caller’s exclusions and the new-products-only option', async () => {
    const first = await rank(stack.ranker.address, { userId: PROBE_USER, k: 10 });
    const excluded = first.items.slice(0, 3).map((item) => item.productId);
    const second = await rank(stack.ranker.address, { userId: PROBE_USER, k: 10, excludeProductIds: excluded });
    expect(second.items.map((item) => item.productId).filter((id) => excluded.includes(id))).toEqual([]);
    const fresh = await rank(stack.ranker.address, { userId: PROBE_USER, k: 10, options: { excludePurchased: true, explain: false, fresh: false } });
    expect(fresh.items.every((item) => !item.candidateSources.includes('repeat'))).toBe(true);
    expect(fresh.items.every((item) => item.breakdown!.repeat === 0)).toBe(true);
  });

  it('leaves a product marked out of stock off the next page, and ranks it again once it is back', async () => {
    const ids = async () => (await rank(stack.ranker.address, { userId: PROBE_USER, k: 10 })).items.map((item) => item.productId);
    const top = (await ids())[0]!;
    const client = createClient(features.FeatureServiceClient, stack.features.address, { service: 'aisle.features.v1.FeatureService' });
    const setStock = (inStock: boolean, updatedUnixMs: number) => unaryCall(client, client.setStock, { updates: [{ productId: top, inStock, updatedUnixMs }] }, { deadline: Date.now() + 10_000 });
    try {
      const at = Date.now();
      await setStock(false, at);
      const without = await rank(stack.ranker.address, { userId: PROBE_USER, k: 10 });
      expectWellFormed(without, 10);
      expect(without.items.map((item) => item.productId)).not.toContain(top);
      await setStock(true, at + 1);
      expect(await ids()).toContain(top);
    } finally {
      client.close();
    }
  });

  it('gives an unknown user a cold-start ranking, not an error', async () => {
    const response = await rank(stack.ranker.address, { userId: 'nobody-we-know', k: 5 });
    expect(response.coldStart).toBe(true);
    expectWellFormed(response, 5);
    expect(stateOf(response, 'copurchase')).toBe(STATE.SOURCE_STATE_SKIPPED);
  });

  it('answers on time with affinity TIMEOUT while the affinity service hangs', async () => {
    stack.affinity.child.kill('SIGSTOP');
    try {
      const response = await rank(stack.ranker.address, { userId: PROBE_USER, k: 10 }, RANK_BUDGET_MS + 5000);
      expect(stateOf(response, 'affinity')).toBe(STATE.SOURCE_STATE_TIMEOUT);
      expect(stateOf(response, 'features')).toBe(STATE.SOURCE_STATE_OK);
      expectWellFormed(response, 10);
      expect(response.items.every((item) => item.breakdown!.affinity === 0)).toBe(true);
    } finally {
      stack.affinity.child.kill('SIGCONT');
    }
  });

  it('answers on time with co-purchase TIMEOUT while the co-purchase service hangs', async () => {
    stack.copurchase.child.kill('SIGSTOP');
    try {
      const response = await rank(stack.ranker.address, { userId: PROBE_USER, k: 10 }, RANK_BUDGET_MS + 5000);
      expect(stateOf(response, 'copurchase')).toBe(STATE.SOURCE_STATE_TIMEOUT);
      expect(stateOf(response, 'affinity')).toBe(STATE.SOURCE_STATE_OK);
      expectWellFormed(response, 10);
      expect(response.items.every((item) => item.breakdown!.copurchase === 0)).toBe(true);
    } finally {
      stack.copurchase.child.kill('SIGCONT');
    }
  });

  it('answers on time from the popular cache while the feature service hangs', async () => {
    stack.features.child.kill('SIGSTOP');
    try {
      const response = await rank(stack.ranker.address, { userId: PROBE_USER, k: 10 }, RANK_BUDGET_MS + 5000);
      expect(stateOf(response, 'features')).toBe(STATE.SOURCE_STATE_TIMEOUT);
      expect(stateOf(response, 'popular')).toBe(STATE.SOURCE_STATE_FALLBACK);
      expect(response.coldStart).toBe(true);
      expect(response.items.length).toBe(10);
    } finally {
      stack.features.child.kill('SIGCONT');
    }
  });

  it('still ranks with affinity FAILED when that service is killed', async () => {
    stack.affinity.child.kill('SIGKILL');
    const response = await rank(stack.ranker.address, { userId: PROBE_USER, k: 10 });
    expect(stateOf(response, 'affinity')).toBe(STATE.SOURCE_STATE_FAILED);
    expect(stateOf(response, 'features')).toBe(STATE.SOURCE_STATE_OK);
    expectWellFormed(response, 10);
  });

  it('still ranks with co-purchase FAILED when that service is killed', async () => {
    stack.copurchase.child.kill('SIGKILL');
    const response = await rank(stack.ranker.address, { userId: PROBE_USER, k: 10 });
    expect(stateOf(response, 'copurchase')).toBe(STATE.SOURCE_STATE_FAILED);
    expect(stateOf(response, 'features')).toBe(STATE.SOURCE_STATE_OK);
    expectWellFormed(response, 10);
  });

  it('falls back to cached popular products when the feature service is killed', async () => {
    stack.features.child.kill('SIGKILL');
    const response = await rank(stack.ranker.address, { userId: PROBE_USER, k: 10 });
    expect(stateOf(response, 'features')).toBe(STATE.SOURCE_STATE_FAILED);
    expect(stateOf(response, 'popular')).toBe(STATE.SOURCE_STATE_FALLBACK);
    expect(response.coldStart).toBe(true);
    expect(response.items.length).toBe(10);
  });
});
