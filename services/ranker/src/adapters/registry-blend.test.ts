import { Writable } from 'node:stream';
import { InMemoryModelSource } from '@aisle/model-serving/testing';
import { createLogger } from '@aisle/telemetry';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BLEND } from '@aisle/ranking';
import { startRegistryBlend } from './registry-blend';

const lines: string[] = [];
const logger = createLogger('ranker-test', new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
const fallback = { weights: DEFAULT_BLEND, version: 'shipped-file' };
const document = (weights: Record<string, number>) => Buffer.from(JSON.stringify({ version: 'ignored-registry-id-wins', weights }), 'utf8');
const WEIGHTS = { copurchase: 0.1, affinity: 0.2, popularity: 0.3, repeat: 0.4, context: 0 };

describe('the registry blend', () => {
  it('serves the file until the registry has a production blend, then swaps to it and to each new promotion', async () => {
    const source = new InMemoryModelSource();
    const blend = await startRegistryBlend(fallback, { model: 'blend', source, pollIntervalMs: 0, firstPollMs: 1000, logger });
    expect(await blend.refresh()).toBe('no-production');
    expect(blend.current().value).toEqual(fallback);

    source.publish('blend', 'b1', document(WEIGHTS));
    expect(await blend.refresh()).toBe('swapped');
    expect(blend.current().value).toEqual({ version: 'b1', weights: WEIGHTS });
    expect(await blend.refresh()).toBe('unchanged');
    expect(source.fetches).toBe(1);

    source.publish('blend', 'b2', document({ ...WEIGHTS, context: 0.5 }));
    expect(await blend.refresh()).toBe('swapped');
    expect(blend.current().value).toMatchObject({ version: 'b2', weights: { context: 0.5 } });
  });

  it('keeps the serving blend when the registry is down, the bytes fail their checksum or the document is invalid', async () => {
    const source = new InMemoryModelSource();
    const blend = await startRegistryBlend(fallback, { model: 'blend', source, pollIntervalMs: 0, firstPollMs: 1000, logger });
    source.publish('blend', 'good', document(WEIGHTS));
    expect(await blend.refresh()).toBe('swapped');

    source.failure = new Error('registry down');
    expect(await blend.refresh()).toBe('unavailable');
    source.failure = undefined;

    source.publish('blend', 'corrupt', document({ ...WEIGHTS, repeat: 0.9 }), { checksum: 'f'.repeat(64) });
    expect(await blend.refresh()).toBe('refused');
    source.publish('blend', 'negative', document({ ...WEIGHTS, affinity: -1 }));
    expect(await blend.refresh()).toBe('refused');
    source.publish('blend', 'not-json', Buffer.from('{"weights":', 'utf8'));
    expect(await blend.refresh()).toBe('refused');
    expect(blend.current().value).toEqual({ version: 'good', weights: WEIGHTS });
    expect(lines.some((line) => line.includes('checksum mismatch'))).toBe(true);
  });

  it('polls on its own after start', async () => {
    const source = new InMemoryModelSource();
    const blend = await startRegistryBlend(fallback, { model: 'blend', source, pollIntervalMs: 20, firstPollMs: 1000, logger });
    expect(blend.current().value.version).toBe('shipped-file');
    source.publish('blend', 'later', document(WEIGHTS));
    await expect.poll(() => blend.current().value.version, { timeout: 2000 }).toBe('later');
    await blend.stop();
  });
});
