import { describe, expect, it } from 'vitest';
import { featureAgeMs } from './feature-age';
import { choosePopular } from './popular';

describe('choosePopular', () => {
  const ranking = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ productId: `${prefix}${i}`, score: n - i }));
  it('uses the global ranking for a global request', () => {
    expect(choosePopular('', [], ranking(5, 'g'), 3, 10)).toEqual({ products: ranking(5, 'g').slice(0, 3), globalFallback: false });
  });
  it('uses a country ranking that is deep enough, and falls back when it is thin', () => {
    expect(choosePopular('France', ranking(3, 'f'), ranking(5, 'g'), 3, 10).globalFallback).toBe(false);
    expect(choosePopular('France', ranking(2, 'f'), ranking(5, 'g'), 3, 10)).toEqual({ products: ranking(5, 'g').slice(0, 3), globalFallback: true });
    expect(choosePopular('France', ranking(10, 'f'), ranking(50, 'g'), 20, 10).globalFallback).toBe(false);
  });
});

describe('featureAgeMs', () => {
  it('is 0 for an unknown user and never negative', () => {
    expect(featureAgeMs(0, 1000)).toBe(0);
    expect(featureAgeMs(900, 1000)).toBe(100);
    expect(featureAgeMs(2000, 1000)).toBe(0);
  });
});
