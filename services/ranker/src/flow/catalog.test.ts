// Catalogue facts about to expire are served from the ranker's cache and read again behind the answer,
// so the products of the first answers (cached together) never expire together on the request path.
import { DEFAULT_BLEND } from '@aisle/ranking';
import { describe, expect, it } from 'vitest';
import { PopularCache } from '../adapters/popular-cache';
import { ProductCache } from '../adapters/product-cache';
import { downstreams } from '../testing/stand-ins';
import { rank, type RankDependencies, type RankInput } from './rank';

const input: RankInput = { userId: 'u1', k: 10, country: 'United Kingdom', timeUnixMs: 0, exclude: new Set(), excludePurchased: false, explain: false, fresh: false };
const settings: RankDependencies['settings'] = { budgetMs: 1000, stageBudgetMs: { userContext: 500, candidates: 500, scores: 500 }, mergeReserveMs: 5, popularReuseMs: 0, maxPerFamily: 2, shadowBudgetMs: 150, shadowMaxInFlight: 4 };
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('catalogue facts', () => {
  it('in the last quarter of their TTL are served at once and read again in the background, once', async () => {
    let now = 1_000;
    const stand = downstreams([]);
    // Catalogue reads are counted, and held while `held` is set: an answer that waited would never come.
    const reads: string[][] = [];
    let held: Promise<void> | undefined;
    const read = stand.products;
    stand.products = async (ids, bound) => {
      reads.push([...ids].sort());
      if (held) await held;
      return read(ids, bound);
    };
    const deps: RankDependencies = { downstreams: stand, popularCache: new PopularCache(60_000), productCache: new ProductCache(1000, 1_000, { now: () => now }), blend: () => ({ weights: DEFAULT_BLEND, version: '' }), settings };
    const call = async () => (await rank(input, { deadline: Date.now() + 2000, signal: new AbortController().signal }, deps)).items.map((item) => item.candidate.signals.productId);

    const first = await call();
    expect(reads).toHaveLength(1);
    now += 700; // 300 ms left: fresh
    expect(await call()).toEqual(first);
    expect(reads).toHaveLength(1);

    now += 100; // 200 ms left: served from the cache while the read runs behind, held
    let release!: () => void;
    held = new Promise((resolve) => (release = resolve));
    expect(await call()).toEqual(first);
    expect(await call()).toEqual(first); // the read under way is not started again
    expect(reads).toEqual([reads[0], reads[0]]);
    held = undefined;
    release();
    await turns(5);

    now += 700; // past the first read's expiry: the refreshed facts serve, nothing read
    expect(await call()).toEqual(first);
    expect(reads).toHaveLength(2);
  });
});
