import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore, type TransactionLine } from '@aisle/feature-store';
import { loadRetailLines } from '@aisle/retail-data';
import { afterAll, describe, expect, it } from 'vitest';
import { autoCut, cutArg } from './pipeline';
import { readStoreLines, snapshotOf, toRetailLine } from './snapshot';

const line = (id: string, time: number, extra: Partial<TransactionLine> = {}): TransactionLine => ({
  lineId: id,
  invoiceNo: id.split(':')[0]!,
  productId: '85123A',
  description: 'WHITE HANGING HEART T-LIGHT HOLDER',
  quantity: 6,
  unitPrice: 2.55,
  timeUnixMs: time,
  userId: '17850',
  country: 'United Kingdom',
  ...extra,
});
const T = Date.UTC(2011, 0, 10, 9, 0);

describe('snapshot of the store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aisle-snapshot-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const lines = [
    line('536365:2', T, { productId: '71053', description: 'WHITE METAL, "LANTERN"', unitPrice: 3.39 }),
    line('536365:10', T, { productId: '22752', quantity: 2 }),
    line('536365:1', T),
    line('536366:1', T + 60_000, { userId: null, country: 'France' }),
    line('536364:1', T - 1000, { productId: '84406B', unitPrice: 2.75 }),
  ];

  it('puts the lines in the file order (time, invoice, position), whatever order the store returns, and hashes that', async () => {
    const a = new SqliteStore(join(dir, 'a.db'));
    const b = new SqliteStore(join(dir, 'b.db'));
    await a.ingest(lines);
    await b.ingest([...lines].reverse());
    const fromA = await readStoreLines(a);
    const fromB = await readStoreLines(b);
    expect(fromA.map((l) => l.lineId)).toEqual(['536364:1', '536365:1', '536365:2', '536365:10', '536366:1']);
    const snapA = snapshotOf(fromA, join(dir, 'a'));
    expect(snapshotOf(fromB, join(dir, 'b')).hash).toBe(snapA.hash);
    // Any change of content changes the hash: here one price, then an erased user.
    await b.ingest([line('536367:1', T + 120_000)]);
    expect(snapshotOf(await readStoreLines(b), join(dir, 'b')).hash).not.toBe(snapA.hash);
    await a.eraseUser('17850');
    const afterErasure = await readStoreLines(a);
    expect(snapshotOf(afterErasure, join(dir, 'a')).hash).not.toBe(snapA.hash);
    // A training set built after an erasure holds none of the user's lines: only the anonymous one is left.
    expect(afterErasure.map((l) => l.lineId)).toEqual(['536366:1']);
    expect(afterErasure.some((l) => l.userId === '17850')).toBe(false);
    await a.close();
    await b.close();
  });

  it('writes a CSV the dataset reader (and so the train commands) reads back to the same lines', async () => {
    const sorted = [...lines].sort((x, y) => x.timeUnixMs - y.timeUnixMs || x.lineId.localeCompare(y.lineId, 'en', { numeric: true }));
    const snapshot = snapshotOf(sorted, join(dir, 'csv'));
    expect(await loadRetailLines(snapshot.file)).toEqual(sorted.map(toRetailLine));
  });

  it('puts the automatic cut at midnight, the test window days before the newest line', () => {
    expect(cutArg(autoCut(Date.UTC(2011, 11, 9, 12, 50), 30))).toBe('2011-11-09');
    expect(cutArg(Date.UTC(2011, 10, 9, 6, 30))).toBe('2011-11-09 06:30:00');
  });
});
