import type { features } from '@aisle/contracts';
import { describe, expect, it } from 'vitest';
import type { CallBound } from './downstream';
import { VersionChecks } from './version-checks';

const bound = (deadline: number): CallBound => ({ deadline, signal: new AbortController().signal });
const answer = (ids: string[]): features.GetUserVersionsResponse => ({ versions: ids.map((userId) => ({ userId, version: `v-${userId}`, featureAgeMs: userId.length })) });

describe('version checks', () => {
  it('sends the checks of one turn in one call, with the earliest deadline, and each caller gets its own answer', async () => {
    const calls: { ids: string[]; deadline: number }[] = [];
    const checks = new VersionChecks(async (ids, b) => {
      calls.push({ ids, deadline: b.deadline });
      return answer(ids);
    });
    const results = await Promise.all([checks.check('a', bound(3000)), checks.check('bb', bound(2000)), checks.check('a', bound(4000))]);
    expect(calls).toEqual([{ ids: ['a', 'bb', 'a'], deadline: 2000 }]);
    expect(results).toEqual([
      { version: 'v-a', featureAgeMs: 1 },
      { version: 'v-bb', featureAgeMs: 2 },
      { version: 'v-a', featureAgeMs: 1 },
    ]);
    // A later turn is a new call.
    await checks.check('c', bound(1000));
    expect(calls.map((call) => call.ids)).toEqual([['a', 'bb', 'a'], ['c']]);
  });

  it('splits a turn into calls of at most maxBatch users', async () => {
    const sizes: number[] = [];
    const checks = new VersionChecks(async (ids) => {
      sizes.push(ids.length);
      return answer(ids);
    }, 2);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => checks.check(id, bound(1000))));
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('fails every check of a failed call, and refuses an answer that does not match the ids', async () => {
    const failing = new VersionChecks(async () => {
      throw new Error('UNAVAILABLE');
    });
    const outcomes = await Promise.allSettled([failing.check('a', bound(1000)), failing.check('b', bound(1000))]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);

    const short = new VersionChecks(async (ids) => answer(ids.slice(1)));
    await expect(short.check('a', bound(1000))).rejects.toThrow(/answered 0 entries for 1 users/);
  });
});
