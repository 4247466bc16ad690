import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '@aisle/feature-store';
import { sha256Hex } from '@aisle/model-serving';
import { afterEach, describe, expect, it } from 'vitest';
import { tinyArtifact } from '../testing/tiny-model';
import { registerArtifact, versionOf } from './store-registry';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('registerArtifact', () => {
  it('registers the artifact with the metadata it carries, promotes it, and the store serves the same bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'copurchase-registry-'));
    dirs.push(dir);
    const store = new SqliteStore(join(dir, 'store.db'));
    try {
      const bytes = tinyArtifact(0.3);
      const result = await registerArtifact(bytes, { promote: true, promotedBy: 'test', store });
      expect(result.version).toBe(versionOf(bytes, 1));
      const production = await store.getModelVersion('copurchase');
      expect(production).toMatchObject({ version: result.version, stage: 'production', checksum: sha256Hex(bytes), trainEndUnixMs: 10, trainingRows: 3, parameters: { step: '0.3' } });
      const chunks: Uint8Array[] = [];
      for await (const chunk of store.readArtifact('copurchase', result.version)) chunks.push(chunk.data);
      expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
