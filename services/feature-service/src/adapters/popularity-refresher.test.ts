import { Writable } from 'node:stream';
import type { FeatureStore } from '@aisle/feature-store';
import { createLogger } from '@aisle/telemetry';
import { describe, expect, it, vi } from 'vitest';
import { PopularityRefresher } from './popularity-refresher';

const logger = createLogger('test', new Writable({ write: (_chunk, _encoding, done) => done() }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PopularityRefresher', () => {
  it('refreshes at start, again only after writes, and tells the caches', async () => {
    let runs = 0;
    let refreshed = 0;
    // Only refreshPopularity is used by the refresher.
    const store = { refreshPopularity: async () => (runs++, 0) } as unknown as FeatureStore;
    const refresher = new PopularityRefresher(store, logger, { intervalMs: 20, maxAgeMs: 60_000, onRefreshed: () => refreshed++ });
    refresher.start();
    await vi.waitFor(() => expect(runs).toBe(1));
    await sleep(100); // several ticks: nothing changed, so no new run
    expect(runs).toBe(1);
    refresher.markDirty();
    await vi.waitFor(() => expect(runs).toBe(2));
    expect(refreshed).toBe(2);
    await refresher.stop();
  });

  it('keeps the store dirty after a failed run and retries', async () => {
    let attempts = 0;
    const store = {
      refreshPopularity: async () => {
        attempts++;
        if (attempts === 1) throw new Error('store down');
        return 0;
      },
    } as unknown as FeatureStore;
    const refresher = new PopularityRefresher(store, logger, { intervalMs: 20, maxAgeMs: 60_000, onRefreshed: () => undefined });
    refresher.start();
    await vi.waitFor(() => expect(attempts).toBe(2));
    await sleep(100); // the retry succeeded: no further runs
    expect(attempts).toBe(2);
    await refresher.stop();
  });
});
