import { Writable } from 'node:stream';
import { createLogger } from '@aisle/telemetry';
import { describe, expect, it } from 'vitest';
import { HotSwapModel, type HotSwapOptions } from './index';
import { InMemoryModelSource } from './testing';

const lines: string[] = [];
const logger = createLogger('model-serving-test', new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
const text = (s: string) => Buffer.from(s, 'utf8');

function options(source: InMemoryModelSource, extra: Partial<HotSwapOptions<string>> = {}): HotSwapOptions<string> {
  return { model: 'm', source, load: (bytes) => Buffer.from(bytes).toString('utf8'), pollIntervalMs: 0, startTimeoutMs: 2000, logger, ...extra };
}

describe('HotSwapModel', () => {
  it('loads the production version at start and swaps in a newly promoted one', async () => {
    const source = new InMemoryModelSource();
    source.publish('m', 'v1', text('one'), { info: { metrics: { 'new.ndcg@10': 0.1 } } });
    const model = await HotSwapModel.start(options(source));
    expect(model.current().value).toBe('one');
    expect(model.info().id?.version).toBe('v1');
    expect(model.info().metrics['new.ndcg@10']).toBe(0.1);
    expect(model.info().loadedUnixMs).toBeGreaterThan(0);
    expect(await model.refresh()).toBe('unchanged');
    source.publish('m', 'v2', text('two'));
    expect(await model.refresh()).toBe('swapped');
    expect(model.current().value).toBe('two');
    expect(lines.some((line) => line.includes('model version swapped in') && line.includes('"version":"v2"'))).toBe(true);
    await model.stop();
  });

  it('refuses an artifact whose checksum does not match and keeps serving the old version', async () => {
    const source = new InMemoryModelSource();
    source.publish('m', 'v1', text('one'));
    const model = await HotSwapModel.start(options(source));
    source.publish('m', 'v2', text('two'), { checksum: 'ab'.repeat(32) });
    expect(await model.refresh()).toBe('refused');
    expect(model.current().value).toBe('one');
    expect(model.info().id?.version).toBe('v1');
    expect(lines.some((line) => line.includes('checksum mismatch') && line.includes('"version":"v2"'))).toBe(true);
  });

  it('refuses a version its loader rejects, and keeps serving through a registry outage', async () => {
    const source = new InMemoryModelSource();
    source.publish('m', 'v1', text('one'));
    const model = await HotSwapModel.start(options(source, { load: (bytes) => { const s = Buffer.from(bytes).toString(); if (s === 'bad') throw new Error('cannot parse'); return s; } }));
    source.publish('m', 'v2', text('bad'));
    expect(await model.refresh()).toBe('refused');
    source.failure = new Error('registry down');
    expect(await model.refresh()).toBe('unavailable');
    expect(model.current().value).toBe('one');
  });

  it('disposes a replaced version only after its last in-flight user is done', async () => {
    const source = new InMemoryModelSource();
    source.publish('m', 'v1', text('one'));
    const disposed: string[] = [];
    const model = await HotSwapModel.start(options(source, { dispose: (old) => void disposed.push(old) }));
    let finish!: () => void;
    const inFlight = model.use(async (loaded) => {
      await new Promise<void>((resolve) => (finish = resolve));
      return loaded.value;
    });
    source.publish('m', 'v2', text('two'));
    expect(await model.refresh()).toBe('swapped');
    expect(model.use((loaded) => loaded.value)).toBe('two');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(disposed).toEqual([]);
    finish();
    expect(await inFlight).toBe('one');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(disposed).toEqual(['one']);
  });

  it('polls on its own and fails start-up when nothing loadable is promoted in time', async () => {
    const source = new InMemoryModelSource();
    await expect(HotSwapModel.start(options(source, { startTimeoutMs: 150 }))).rejects.toThrow(/no loadable production version/);
    source.publish('m', 'v1', text('one'));
    const model = await HotSwapModel.start(options(source, { pollIntervalMs: 20 }));
    source.publish('m', 'v2', text('two'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(model.current().value).toBe('two');
    await model.stop();
  });
});
