import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storeContractSuite } from '../testing';
import { migrateSqlite, SQLITE_MIGRATIONS } from './migrations';
import { openDatabase } from './sqlite-api';
import { SqliteStore } from './sqlite-store';

const dir = mkdtempSync(join(tmpdir(), 'aisle-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContractSuite('sqlite', async (dataset) => new SqliteStore(join(dir, `${dataset}.db`)));

describe('SQLite migrations', () => {
  it('apply once and are a no-op on an up-to-date file', async () => {
    const path = join(dir, 'migrations.db');
    const store = new SqliteStore(path);
    await store.close();
    const db = openDatabase(path);
    expect(migrateSqlite(db)).toEqual([]);
    expect(db.prepare('SELECT version FROM schema_migrations').all()).toEqual(SQLITE_MIGRATIONS.map((m) => ({ version: m.version })));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});
