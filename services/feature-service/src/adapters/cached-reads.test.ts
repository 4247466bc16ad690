import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '@aisle/feature-store';
import { line } from '@aisle/feature-store/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { CachedReads } from './cached-reads';

const dir = mkdtempSync(join(tmpdir(), 'aisle-cached-reads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CachedReads.getProducts', () => {
  it('joins a read of the same products already under way instead of reading them again', async () => {
    const store = new SqliteStore(join(dir, 'store.db'));
    await store.ingest(['A', 'B', 'C', 'D'].map((productId, i) => line({ lineId: `l${i}`, productId, description: `item ${productId}` })));
    // The real store, with its reads counted.
    const reads: string[][] = [];
    const getProducts = store.getProducts.bind(store);
    store.getProducts = (ids) => (reads.push([...ids]), getProducts(ids));
    const cached = new CachedReads(store, { productCacheEntries: 100, productCacheTtlMs: 60_000, popularCacheEntries: 10, popularCacheTtlMs: 60_000 });

    const [first, second] = await Promise.all([cached.getProducts(['A', 'B', 'C']), cached.getProducts(['B', 'C', 'D', 'X'])]);
    expect(reads).toEqual([['A', 'B', 'C'], ['D', 'X']]);
    expect([...first.keys()]).toEqual(['A', 'B', 'C']);
    expect([...second.keys()]).toEqual(['B', 'C', 'D']);
    expect(second.get('D')?.description).toBe('item D');
    // Now cached, unknown X included.
    await cached.getProducts(['A', 'D', 'X']);
    expect(reads).toHaveLength(2);
    await store.close();
  });

  it('serves a product in the last quarter of its TTL and reads it again in the background, so a hot product never expires on the request path', async () => {
    const store = new SqliteStore(join(dir, 'ahead.db'));
    await store.ingest(['A', 'B'].map((productId, i) => line({ lineId: `l${i}`, productId })));
    let now = 1_000;
    const settings = { productCacheEntries: 100, productCacheTtlMs: 1_000, popularCacheEntries: 10, popularCacheTtlMs: 1_000 };
    // Reads are counted, and held until released: a lookup that waited for one would never end.
    const reads: string[][] = [];
    let release: () => void = () => undefined;
    let held: Promise<unknown> = Promise.resolve();
    const getProducts = store.getProducts.bind(store);
    store.getProducts = (ids) => {
      reads.push([...ids]);
      const gate = new Promise<void>((resolve) => (release = resolve));
      const read = gate.then(() => getProducts(ids));
      held = read;
      return read;
    };
    const cached = new CachedReads(store, settings, { now: () => now });
    const first = cached.getProducts(['A', 'B']);
    release();
    expect([...(await first).keys()]).toEqual(['A', 'B']);

    now += 700; // 300 ms left: still fresh, nothing read
    expect((await cached.getProducts(['A', 'B'])).size).toBe(2);
    expect(reads).toHaveLength(1);

    now += 100; // 200 ms left (under a quarter): served at once while the read runs behind, held
    expect((await cached.getProducts(['A', 'B'])).size).toBe(2);
    expect((await cached.getProducts(['A'])).size).toBe(1); // the refresh under way is not started twice
    expect(reads).toEqual([['A', 'B'], ['A', 'B']]);
    release();
    await held;

    now += 700; // past the first read's expiry: the refreshed entries serve, nothing read
    expect((await cached.getProducts(['A', 'B'])).size).toBe(2);
    expect(reads).toHaveLength(2);
    await store.close();
  });

  it('after a write forgets a product, neither joins nor caches a read of it that began before the write', async () => {
    const store = new SqliteStore(join(dir, 'forget.db'));
    await store.ingest([line({ lineId: 'a1', productId: 'A', invoiceNo: 'inv-1' })]);
    // Each read is made in full at once, its answer held until released.
    const releases: (() => void)[] = [];
    const getProducts = store.getProducts.bind(store);
    store.getProducts = async (ids) => {
      const read = await getProducts(ids);
      await new Promise<void>((resolve) => releases.push(resolve));
      return read;
    };
    const cached = new CachedReads(store, { productCacheEntries: 100, productCacheTtlMs: 60_000, popularCacheEntries: 10, popularCacheTtlMs: 60_000 });
    const invoices = async () => (await cached.getProducts(['A'])).get('A')?.invoices;
    const readsMade = async (n: number) => {
      while (releases.length < n) await new Promise((resolve) => setImmediate(resolve));
    };

    const before = invoices();
    await readsMade(1);
    await store.ingest([line({ lineId: 'a2', productId: 'A', invoiceNo: 'inv-2' })]);
    cached.forgetProducts(['A']);
    const afterWrite = invoices(); // not joined to the read under way: a read of its own, after the write
    await readsMade(2);
    releases[1]!();
    expect(await afterWrite).toBe(2);
    // The older read ends last: its caller asked before the write was acknowledged, so it may see the
    // old facts, but they must not replace the newer ones in the cache.
    releases[0]!();
    expect(await before).toBe(1);
    expect(await invoices()).toBe(2);
    expect(releases).toHaveLength(2);
    await store.close();
  });
});

describe('CachedReads.warm', () => {
  it('reads the most popular products into the cache, so the next request for them reads nothing', async () => {
    const store = new SqliteStore(join(dir, 'warm.db'));
    // A bought on three invoices, B on two, C on one: the all-time ranking is A, B, C.
    const sales: [string, string][] = [['A', 'i1'], ['A', 'i2'], ['A', 'i3'], ['B', 'i1'], ['B', 'i2'], ['C', 'i3']];
    await store.ingest(sales.map(([productId, invoiceNo], i) => line({ lineId: `${invoiceNo}:${i}`, invoiceNo, productId })));
    await store.refreshPopularity();
    const reads: string[][] = [];
    const getProducts = store.getProducts.bind(store);
    store.getProducts = (ids) => (reads.push([...ids]), getProducts(ids));
    const cached = new CachedReads(store, { productCacheEntries: 100, productCacheTtlMs: 60_000, popularCacheEntries: 10, popularCacheTtlMs: 60_000 });

    expect(await cached.warm(2)).toBe(2);
    expect(reads).toEqual([['A', 'B']]);
    // A and B come from the cache; only C is read.
    expect([...(await cached.getProducts(['A', 'B', 'C'])).keys()]).toEqual(['A', 'B', 'C']);
    expect(reads).toEqual([['A', 'B'], ['C']]);
    expect(await cached.warm(0)).toBe(0);
    expect(reads).toHaveLength(2);
    await store.close();
  });

  it('reads in batches, one batch after the other', async () => {
    const store = new SqliteStore(join(dir, 'warm-batches.db'));
    const sales: [string, string][] = [['A', 'i1'], ['A', 'i2'], ['A', 'i3'], ['A', 'i4'], ['B', 'i1'], ['B', 'i2'], ['B', 'i3'], ['C', 'i1'], ['C', 'i2'], ['D', 'i4'], ['E', 'i5']];
    await store.ingest(sales.map(([productId, invoiceNo], i) => line({ lineId: `${invoiceNo}:${i}`, invoiceNo, productId })));
    await store.refreshPopularity();
    const reads: string[][] = [];
    let inFlight = 0;
    let most = 0;
    const getProducts = store.getProducts.bind(store);
    store.getProducts = async (ids) => {
      reads.push([...ids]);
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      try {
        return await getProducts(ids);
      } finally {
        inFlight--;
      }
    };
    const cached = new CachedReads(store, { productCacheEntries: 100, productCacheTtlMs: 60_000, popularCacheEntries: 10, popularCacheTtlMs: 60_000 });

    expect(await cached.warm(5, 2)).toBe(5);
    expect(reads.map((ids) => ids.length)).toEqual([2, 2, 1]);
    expect(reads.flat().sort()).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(reads[0]!.sort()).toEqual(['A', 'B']);
    expect(most).toBe(1);
    // All five are cached: nothing more is read.
    expect((await cached.getProducts(['A', 'B', 'C', 'D', 'E'])).size).toBe(5);
    expect(reads).toHaveLength(3);
    await store.close();
  });
});

