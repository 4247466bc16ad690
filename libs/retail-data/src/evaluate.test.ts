import { describe, expect, it } from 'vitest';
import { evaluate, scoredList } from './evaluate';
import type { RecommendOptions, Recommender } from './recommender';

const set = (...items: string[]): ReadonlySet<string> => new Set(items);

// u1 bought a, b in train and a, c, d after; u2 bought a in train and only a after.
const split = {
  trainItems: new Map([
    ['u1', set('a', 'b')],
    ['u2', set('a')],
  ]),
  all: {
    users: ['u1', 'u2'],
    truth: new Map([
      ['u1', set('a', 'c', 'd')],
      ['u2', set('a')],
    ]),
  },
  new: { users: ['u1'], truth: new Map([['u1', set('c', 'd')]]) },
};

describe('evaluate', () => {
  it('asks for k in "all" and k + |train items| with exclude in "new"', async () => {
    const calls: [string, number, string[]][] = [];
    const recommend: Recommender = (user: string, { k, exclude }: RecommendOptions) => {
      calls.push([user, k, [...exclude]]);
      return [];
    };
    await evaluate(recommend, split, { k: 3 });
    expect(calls).toEqual([
      ['u1', 3, []],
      ['u2', 3, []],
      ['u1', 5, ['a', 'b']],
    ]);
  });

  it('scores both views with exact values, removing train items even if the recommender ignores exclude', async () => {
    // Same list for everyone, ignoring exclude: a (train item of both), c, b, x, d.
    const result = await evaluate(() => ['a', 'c', 'b', 'x', 'd'], split, { k: 2 });
    const ideal2 = 1 + 1 / Math.log2(3);
    // all, k=2 → [a, c]. u1: hits a, c → recall 2/3, NDCG 1. u2: hit a → recall 1, NDCG 1.
    expect(result.all).toEqual({ hr: 1, recall: (2 / 3 + 1) / 2, ndcg: 1, users: 2 });
    // new, u1: a and b removed → [c, x]: HR 1, recall 1/2, NDCG 1/ideal2.
    expect(result.new).toEqual({ hr: 1, recall: 0.5, ndcg: expect.closeTo(1 / ideal2, 15) as number, users: 1 });
    expect(result.k).toBe(2);
  });

  it('defaults to k = 10', async () => {
    const result = await evaluate(() => ['x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'y', 'z', 'd'], split);
    expect(result.k).toBe(10);
    // Duplicates collapse, so 'd' is the 4th scored item: counted at k = 10.
    expect(result.all.hr).toBe(0.5);
  });

  it('gives the same numbers for async recommenders at any concurrency', async () => {
    const recommend: Recommender = async (user) => {
      await new Promise((resolve) => setTimeout(resolve, user === 'u1' ? 5 : 0));
      return user === 'u1' ? ['d', 'q'] : ['q', 'a'];
    };
    const serial = await evaluate(recommend, split, { k: 2 });
    const parallel = await evaluate(recommend, split, { k: 2, concurrency: 4 });
    expect(parallel).toEqual(serial);
    expect(serial.all.ndcg).toBeCloseTo((1 / (1 + 1 / Math.log2(3)) + 1 / Math.log2(3)) / 2, 15);
  });

  it('rejects bad k and bad recommender output', async () => {
    await expect(evaluate(() => [], split, { k: 0 })).rejects.toThrow(/positive integer/);
    await expect(evaluate(() => 'abc' as unknown as string[], split)).rejects.toThrow(/user u1/);
    await expect(evaluate(() => [1, 2] as unknown as string[], split)).rejects.toThrow(/non-string-array/);
  });
});

describe('scoredList', () => {
  it('drops excluded and repeated items, then cuts to k', () => {
    expect(scoredList(['a', 'b', 'a', 'c', 'd', 'e'], set('b'), 3)).toEqual(['a', 'c', 'd']);
  });
});
