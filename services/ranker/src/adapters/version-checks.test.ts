import type { features } from '@aisle/contracts';
import { describe, expect, it } from 'vitest';
import type { CallBound } from './downstream';
import { VersionChecks } from './version-checks';

const bound = (deadline: number): CallBound => ({ deadline, signal: new AbortController().signal });
const answer = (ids: string[]): features.GetUserVersionsResponse => ({ versions: ids.map((userId) => ({ userId, version: `v-${userId}`, featureAgeMs: userId.length })) });

describe('version checks', () => {
  it('sends the checks of one window in one call, with the earliest deadline, and each caller gets its own answer', async () => {
    const calls: { ids: string[]; deadline: number }[] = [];
    const checks = new VersionChecks(async (ids, b) => {
      calls.push({ ids, deadline: b.deadline });
      return answer(ids);
    }, 20);
    const first = checks.check('a', bound(3000));
    // Checks of later turns within the window join the same call.
    await new Promise((resolve) => setImmediate(resolve));
    const second = checks.check('bb', bound(2000));
    await new Promise((resolve) => setImmediate(resolve));
    const third = checks.check('a', bound(4000));
    expect(calls).toEqual([]);
    const results = await Promise.all([first, second, third]);
    expect(calls).toEqual([{ ids: ['a', 'bb', 'a'], deadline: 2000 }]);
    expect(results).toEqual([
      { version: 'v-a', featureAgeMs: 1 },
      { version: 'v-bb', featureAgeMs: 2 },
      { version: 'v-a', featureAgeMs: 1 },
    ]);
    // A check after the call left is a new call.
    await checks.check('c', bound(1000));
    expect(calls.map((call) => call.ids)).toEqual([['a', 'bb', 'a'], ['c']]);
  });

  it('with a window of 0 sends the checks of each turn in a call of their own', async () => {
    const calls: string[][] = [];
    const checks = new VersionChecks(async (ids) => {
      calls.push(ids);
      return answer(ids);
    }, 0);
    const first = Promise.all([checks.check('a', bound(1000)), checks.check('b', bound(1000))]);
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all([first, checks.check('c', bound(1000))]);
    expect(calls).toEqual([['a', 'b'], ['c']]);
  });

  it('sends a full batch at once, without waiting for the window', async () => {
    const sizes: number[] = [];
    const checks = new VersionChecks(
      async (ids) => {
        sizes.push(ids.length);
        return answer(ids);
      },
      60_000,
      2,
    );
    // Four checks fill two batches and are answered long before the window would end (the test's timeout).
    await Promise.all(['a', 'b', 'c', 'd'].map((id) => checks.check(id, bound(1000))));
    expect(sizes).toEqual([2, 2]);
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
