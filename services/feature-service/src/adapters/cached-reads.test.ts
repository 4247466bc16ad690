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
});
