import { describe, expect, it } from 'vitest';
import { forEachLimit, groupIntoBatches } from './batches';

/** Calls that finish when the test says, recording how many were in flight at most. */
function gate() {
  const waiting: (() => void)[] = [];
  let inFlight = 0;
  let most = 0;
  const started: number[] = [];
  return {
    started,
    get most() {
      return most;
    },
    call: (item: number) => {
      started.push(item);
      most = Math.max(most, ++inFlight);
      return new Promise<void>((resolve) => waiting.push(() => (inFlight--, resolve())));
    },
    async releaseAll() {
      while (waiting.length > 0) {
        waiting.shift()!();
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}

describe('forEachLimit', () => {
  it('keeps at most `limit` calls in flight and calls every item once, in order', async () => {
    const g = gate();
    const items = Array.from({ length: 10 }, (_, i) => i);
    const done = forEachLimit(items, 3, g.call);
    await new Promise((resolve) => setImmediate(resolve));
    expect(g.started).toEqual([0, 1, 2]);
    await g.releaseAll();
    await done;
    expect(g.started).toEqual(items);
    expect(g.most).toBe(3);
  });

  it('rejects with the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    const failing = forEachLimit([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      await new Promise((resolve) => setImmediate(resolve));
      if (item === 1) throw new Error('read 1 failed');
    });
    await expect(failing).rejects.toThrow('read 1 failed');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(started).toEqual([0, 1, 2]);
  });

  it('does nothing for no items', async () => {
    await expect(forEachLimit([], 4, () => Promise.reject(new Error('called')))).resolves.toBeUndefined();
  });
});

describe('groupIntoBatches', () => {
  it('groups by key, at most `max` statements a batch', () => {
    const batches = groupIntoBatches(['a1', 'b1', 'a2', 'a3'], (item) => item[0]!, (item) => ({ query: item, params: [] }), 2);
    expect(batches.map((batch) => batch.map((statement) => statement.query))).toEqual([['a1', 'a2'], ['a3'], ['b1']]);
  });
});
