import { features } from '@aisle/contracts';
import { describe, expect, it } from 'vitest';
import { PopularCache } from './popular-cache';
import { ProductCache } from './product-cache';

const product = (productId: string): features.Product => ({ ...features.Product.fromPartial({ productId, description: `item ${productId}` }), isProduct: true, inStock: true });

describe('ProductCache', () => {
  it('answers what it holds, remembers unknown ids, and asks only for the rest', () => {
    const cache = new ProductCache(100, 60_000);
    expect(cache.lookup(['a', 'b', 'c'])).toEqual({ found: [], missing: ['a', 'b', 'c'], ageing: [] });
    cache.store(['a', 'b', 'c'], [product('a'), product('c')]);
    const { found, missing } = cache.lookup(['a', 'b', 'c', 'd']);
    expect(found.map((item) => item.productId)).toEqual(['a', 'c']);
    expect(missing).toEqual(['d']);
  });

  it('holds at most its number of entries, dropping the least recently used', () => {
    const cache = new ProductCache(2, 60_000);
    cache.store(['a', 'b'], [product('a'), product('b')]);
    cache.lookup(['a']);
    cache.store(['c'], [product('c')]);
    expect(cache.lookup(['a', 'b', 'c']).missing).toEqual(['b']);
  });

  it('names a held product in the last quarter of its TTL to one caller to refresh, again after a failed refresh, and a stored one is fresh again', () => {
    let now = 1_000; // (a time of 0 would read as "no start time" to the LRU)
    const cache = new ProductCache(100, 1_000, { now: () => now });
    cache.store(['a', 'b'], [product('a')]);
    now = 1_700;
    expect(cache.lookup(['a', 'b'])).toEqual({ found: [product('a')], missing: [], ageing: [] });
    now = 1_800;
    expect(cache.lookup(['a', 'b']).ageing).toEqual(['a', 'b']);
    expect(cache.lookup(['a', 'b'])).toEqual({ found: [product('a')], missing: [], ageing: [] });
    cache.release(['b']);
    expect(cache.lookup(['a', 'b']).ageing).toEqual(['b']);
    cache.store(['a', 'b'], [product('a'), product('b')]);
    now = 2_500;
    expect(cache.lookup(['a', 'b'])).toEqual({ found: [product('a'), product('b')], missing: [], ageing: [] });
  });

  it('is off with a TTL of 0', () => {
    const cache = new ProductCache(100, 0);
    cache.store(['a'], [product('a')]);
    expect(cache.lookup(['a'])).toEqual({ found: [], missing: ['a'], ageing: [] });
  });
});

describe('PopularCache.fresh', () => {
  it('returns a list only while it is younger than the given age', () => {
    const cache = new PopularCache(3_600_000);
    const list = [{ productId: 'a', score: 1 }];
    cache.put('k', list, 1_000);
    expect(cache.fresh('k', 500, 1_400)).toBe(list);
    expect(cache.fresh('k', 500, 1_600)).toBeUndefined();
    expect(cache.get('k', 1_600)).toBe(list);
  });
});
