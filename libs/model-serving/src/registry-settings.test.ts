import { describe, expect, it } from 'vitest';
import { loadRegistrySettings } from './registry-settings';

describe('loadRegistrySettings', () => {
  it('defaults to the local feature service and the service’s own model name', () => {
    expect(loadRegistrySettings('copurchase', {})).toEqual({ registryAddress: '127.0.0.1:50052', modelName: 'copurchase', pollIntervalMs: 30_000, startTimeoutMs: 120_000, pinnedVersions: 2 });
  });

  it('reads each service’s own model variable and names bad values', () => {
    expect(loadRegistrySettings('affinity', { AISLE_AFFINITY_MODEL: 'affinity-b', AISLE_COPURCHASE_MODEL: 'ignored', AISLE_MODEL_POLL_INTERVAL: '2s' })).toMatchObject({ modelName: 'affinity-b', pollIntervalMs: 2000 });
    expect(() => loadRegistrySettings('affinity', { AISLE_MODEL_POLL_INTERVAL: 'often' })).toThrow(/AISLE_MODEL_POLL_INTERVAL/);
    expect(loadRegistrySettings('copurchase', { AISLE_MODEL_PINNED_VERSIONS: '0' }).pinnedVersions).toBe(0);
    expect(() => loadRegistrySettings('copurchase', { AISLE_MODEL_PINNED_VERSIONS: '-1' })).toThrow(/AISLE_MODEL_PINNED_VERSIONS/);
    expect(() => loadRegistrySettings('copurchase', { AISLE_MODEL_PINNED_VERSIONS: 'two' })).toThrow(/AISLE_MODEL_PINNED_VERSIONS/);
  });
});
