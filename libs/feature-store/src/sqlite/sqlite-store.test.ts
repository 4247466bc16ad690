import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS, deriveProduct } from '../domain/product';
import { line, storeContractSuite } from '../testing';
import type { TransactionLine } from '../types';
import { migrateSqlite, SQLITE_MIGRATIONS } from './migrations';
import { openDatabase } from './sqlite-api';
import { SqliteStore } from './sqlite-store';

const dir = mkdtempSync(join(tmpdir(), 'aisle-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContractSuite('sqlite', async (dataset) => new SqliteStore(join(dir, `${dataset}.db`)));

describe('SQLite reads', () => {
  it("compute each product's record in SQL exactly as deriveProduct does from its lines", async () => {
    const store = new SqliteStore(join(dir, 'aggregates.db'));
    let batch = 0;
    const row = fc.record({
      productId: fc.constantFrom('p1', 'p2', 'p3'),
      invoiceNo: fc.constantFrom('i1', 'i2', 'i3', 'i4'),
      // Few distinct times, so latest lines tie and only the line id decides.
      timeUnixMs: fc.constantFrom(0, 1, 29 * DAY_MS, 30 * DAY_MS, 31 * DAY_MS, 45 * DAY_MS).map((t) => 1_000 + t),
      quantity: fc.integer({ min: 1, max: 50 }),
      unitPrice: fc.constantFrom(0.42, 1.25, 2.55),
      description: fc.constantFrom('A', 'B', 'C'),
      userId: fc.constantFrom(null, 'u1', 'u2', 'u3'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 40 }), async (rows) => {
        batch++;
        // A fresh set of products per run, the same store.
        const lines: TransactionLine[] = rows.map((r, i) => line({ ...r, productId: `${r.productId}-${batch}`, lineId: `b${batch}-l${(i * 7919) % 1000}-${i}` }));
        await store.ingest(lines);
        const ids = [...new Set(lines.map((l) => l.productId))];
        const found = await store.getProducts([...ids, `missing-${batch}`]);
        const expected = new Map(
          ids.map((id) => [
            id,
            deriveProduct(
              id,
              lines.filter((l) => l.productId === id).map((l) => ({ invoiceNo: l.invoiceNo, lineId: l.lineId, timeUnixMs: l.timeUnixMs, quantity: l.quantity, unitPrice: l.unitPrice, description: l.description, customerId: l.userId, country: l.country })),
            ),
          ]),
        );
        expect(found).toEqual(expected);
      }),
      { numRuns: 60 },
    );
    await store.close();
  });

  it('let other reads run while a large product batch is read', async () => {
    const store = new SqliteStore(join(dir, 'slices.db'));
    // 300 products of 100 lines each: reading all their lines takes well over one slice.
    const products = Array.from({ length: 300 }, (_, p) => `P${p}`);
    for (let batch = 0; batch < 6; batch++) {
      await store.ingest(
        products.slice(batch * 50, batch * 50 + 50).flatMap((productId) => Array.from({ length: 100 }, (_, i) => line({ lineId: `${productId}-${i}`, productId, invoiceNo: `i${i}`, userId: `u${i % 7}` }))),
      );
    }
    const order: string[] = [];
    const big = store.getProducts(products).then((found) => order.push(`products ${found.size}`));
    const small = store.userVersions(['u1']).then((found) => order.push(`versions ${found.size}`));
    await Promise.all([big, small]);
    expect(order).toEqual(['versions 1', 'products 300']);
    await store.close();
  });
});

describe('SQLite copy', () => {
  it('copies what was acknowledged while the source stays open, and the copy is written apart from it', async () => {
    const source = new SqliteStore(join(dir, 'copy-source.db'));
    const target = join(dir, 'copy-target.db');
    const bought = async (store: SqliteStore, userId: string) => (await store.getUserContext(userId, 10)).known;
    try {
      await source.ingest([line({ lineId: 'c1', userId: 'copied' })]);
      await source.copyTo(target);
      await source.ingest([line({ lineId: 'c2', userId: 'after-copy' })]);
      const copy = new SqliteStore(target);
      await copy.ingest([line({ lineId: 'c3', userId: 'copy-only' })]);
      expect([await bought(copy, 'copied'), await bought(copy, 'after-copy'), await bought(copy, 'copy-only')]).toEqual([true, false, true]);
      expect(await bought(source, 'copy-only')).toBe(false);
      await copy.close();
      // A second copy replaces the first whole.
      await source.copyTo(target);
      const again = new SqliteStore(target);
      expect([await bought(again, 'copied'), await bought(again, 'after-copy'), await bought(again, 'copy-only')]).toEqual([true, true, false]);
      await again.close();
    } finally {
      await source.close();
    }
  });
});

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

  it("gives every user of a file from before versions were kept a version with their latest write", async () => {
    const path = join(dir, 'versions-backfill.db');
    const db = openDatabase(path);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_ms INTEGER NOT NULL)');
    for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version <= 2)) {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.description, 0);
    }
    const purchase = db.prepare("INSERT INTO user_purchases VALUES (?, ?, ?, 'i', 'p', 1, 1, 'UK', ?)");
    purchase.run('old-a', 1, 'l1', 100);
    purchase.run('old-a', 2, 'l2', 300);
    purchase.run('old-b', 1, 'l3', 200);
    db.close();
    const store = new SqliteStore(path);
    const versions = await store.userVersions(['old-a', 'old-b']);
    const [a, b] = [versions.get('old-a'), versions.get('old-b')];
    expect(a).toMatchObject({ lastWriteUnixMs: 300 });
    expect(b).toMatchObject({ lastWriteUnixMs: 200 });
    expect(a!.version).toMatch(/^[0-9a-f]{16}$/);
    expect(a!.version).not.toBe(b!.version);
    expect((await store.getUserContext('old-a', 10)).version).toBe(a!.version);
    await store.close();
  });
});
