import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../sqlite/sqlite-store';
import { publishModelVersion } from './publish';

describe('publishModelVersion', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aisle-publish-'));
  const store = new SqliteStore(join(dir, 'store.db'));
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const info = (version: string) => ({ id: { model: 'affinity', version }, trainStartUnixMs: 1, trainEndUnixMs: 2, trainingRows: 3, inputHash: 'h', codeVersion: 'c', parameters: { a: '1' }, metrics: { 'new.ndcg@10': 0.1 } });

  it('registers as a candidate, promotes when asked, and treats a re-publish of the same version as a no-op', async () => {
    const candidate = await publishModelVersion(info('v1'), new Uint8Array([1, 2, 3]), { promote: false, promotedBy: 'test', store });
    expect(candidate.info.stage).toBe('candidate');
    const promoted = await publishModelVersion(info('v1'), new Uint8Array([1, 2, 3]), { promote: true, promotedBy: 'test', store });
    expect(promoted.info.stage).toBe('production');
    expect(promoted.previousVersion).toBe('');
    const second = await publishModelVersion(info('v2'), new Uint8Array([4]), { promote: true, promotedBy: 'test', store });
    expect(second.previousVersion).toBe('v1');
    expect((await store.getModelVersion('affinity'))?.version).toBe('v2');
    expect((await store.listModelVersions('affinity', 10)).map((version) => version.version).sort()).toEqual(['v1', 'v2']);
  });

  it('refuses metadata without a model id', async () => {
    await expect(publishModelVersion({ ...info('x'), id: undefined }, new Uint8Array([1]), { promote: false, promotedBy: 'test', store })).rejects.toThrow(/id.model/);
  });
});
