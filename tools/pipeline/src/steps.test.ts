import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalJson } from './hash';
import { StepStore } from './steps';

describe('content-addressed steps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aisle-steps-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keys a step by its inputs whatever their key order, and by every input value', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'z' } })).toBe('{"a":{"c":"z","d":[1,{"x":1,"y":2}]},"b":1}');
    const key = StepStore.keyOf('train', { snapshot: 'h1', code: 'c1', seed: 42 });
    expect(StepStore.keyOf('train', { seed: 42, code: 'c1', snapshot: 'h1' })).toBe(key);
    for (const changed of [{ snapshot: 'h2', code: 'c1', seed: 42 }, { snapshot: 'h1', code: 'c2', seed: 42 }, { snapshot: 'h1', code: 'c1', seed: 43 }]) expect(StepStore.keyOf('train', changed)).not.toBe(key);
    expect(StepStore.keyOf('fit', { snapshot: 'h1', code: 'c1', seed: 42 })).not.toBe(key);
  });

  it('runs a step once: a rerun with the same inputs reuses its outputs without running it', async () => {
    const steps = new StepStore(dir);
    let runs = 0;
    const work = async (out: string) => {
      runs++;
      return { file: 'x', runs, out };
    };
    const first = await steps.run('count', { n: 1 }, work);
    const second = await new StepStore(dir).run('count', { n: 1 }, work);
    expect(runs).toBe(1);
    expect(first.cached).toBe(false);
    expect(second).toMatchObject({ cached: true, key: first.key, dir: first.dir, result: { runs: 1 } });
    await steps.run('count', { n: 2 }, work);
    expect(runs).toBe(2);
  });

  it('leaves nothing finished behind a step that failed, so the next run redoes it', async () => {
    const steps = new StepStore(dir);
    await expect(steps.run('flaky', { n: 1 }, () => Promise.reject(new Error('killed')))).rejects.toThrow('killed');
    expect(steps.peek('flaky', { n: 1 })).toBeUndefined();
    expect(existsSync(join(dir, 'steps', 'flaky')) ? readdirSync(join(dir, 'steps', 'flaky')) : []).toEqual([]);
    const again = await steps.run('flaky', { n: 1 }, async () => ({ ok: true }));
    expect(again).toMatchObject({ cached: false, result: { ok: true } });
    expect(steps.peek('flaky', { n: 1 })).toEqual({ ok: true });
  });
});
