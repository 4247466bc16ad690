import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { features } from '@aisle/contracts';
import { GLOBAL_SCOPE, SqliteStore } from '@aisle/feature-store';
import { readRetailLines } from '@aisle/retail-data';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLines, retryTransient, type IngestFn } from './load';
import { skipReason } from './to-lines';

// The whole shipped file (541,909 records): the issue asks that loading it twice equals loading it once.
const RECORDS = 541_909;

describe('cleaning', () => {
  it('skips cancellations, anonymous and non-product lines', () => {
    const base = { invoiceNo: '536365', stockCode: '85123A', description: 'X', quantity: 6, invoiceDate: 1, unitPrice: 2.55, customerId: '17850', country: 'United Kingdom' };
    expect(skipReason(base)).toBeUndefined();
    expect(skipReason({ ...base, invoiceNo: 'C536379', quantity: -1 })).toBe('cancellation');
    expect(skipReason({ ...base, customerId: null })).toBe('anonymous');
    expect(skipReason({ ...base, stockCode: 'POST' })).toBe('not-clean');
    expect(skipReason({ ...base, unitPrice: 0 })).toBe('not-clean');
  });
});

describe('loading the whole dataset twice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aisle-load-'));
  const store = new SqliteStore(join(dir, 'store.db'));
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  // The store behind Ingest, without the gRPC hop (the service's own tests cover that layer).
  const ingest: IngestFn = async (lines: features.TransactionLine[]) => {
    const result = await store.ingest(lines.map((line) => ({ ...line, userId: line.userId || null })));
    return { ...result, rejected: [] };
  };

  async function snapshot(users: string[], products: string[]) {
    await store.refreshPopularity();
    return {
      users: await Promise.all(users.map((user) => store.getUserContext(user, 500))),
      products: [...(await store.getProducts(products)).entries()],
      popular: await store.popular(GLOBAL_SCOPE, 'all', 1000),
      popularRecent: await store.popular('United Kingdom', 'last30d', 1000),
    };
  }

  it('leaves the same features as loading it once', { timeout: 600_000 }, async () => {
    const first = await loadLines(readRetailLines(), ingest, { batchSize: 5000, concurrency: 2 });
    expect(first.read).toBe(RECORDS);
    expect(first.sent).toBe(396_337); // the protocol's clean lines (libs/retail-data verifies this count)
    expect(first.applied).toBe(first.sent);
    expect(first.skipped.cancellation).toBeGreaterThan(0);
    expect(first.skipped.anonymous).toBeGreaterThan(0);

    const users = new Set<string>();
    const products = new Set<string>();
    for await (const line of readRetailLines()) {
      if (line.customerId) users.add(line.customerId);
      products.add(line.stockCode);
    }
    const once = await snapshot([...users], [...products]);
    expect(once.popular.length).toBeGreaterThan(100);

    const second = await loadLines(readRetailLines(), ingest, { batchSize: 5000, concurrency: 2 });
    expect(second).toMatchObject({ read: RECORDS, sent: first.sent, applied: 0, duplicates: first.sent });
    const twice = await snapshot([...users], [...products]);
    // lastWriteUnixMs is compared too: equal means the reload rewrote no row at all.
    expect(twice).toEqual(once);
  });
});

describe('retryTransient', () => {
  const unavailable = Object.assign(new Error('store away'), { code: 14 });
  const options = { attempts: 4, firstBackoffMs: 1, maxBackoffMs: 4, retryable: (error: unknown) => (error as { code?: number }).code === 14 };

  it('retries a retryable failure until the batch lands', async () => {
    let calls = 0;
    const ingest: IngestFn = async (lines) => {
      calls++;
      if (calls < 3) throw unavailable;
      return { applied: lines.length, duplicates: 0, rejected: [] };
    };
    await expect(retryTransient(ingest, options)([{} as features.TransactionLine])).resolves.toMatchObject({ applied: 1 });
    expect(calls).toBe(3);
  });

  it('gives up after the last attempt, and never retries other failures', async () => {
    let calls = 0;
    const always: IngestFn = async () => {
      calls++;
      throw unavailable;
    };
    await expect(retryTransient(always, options)([])).rejects.toBe(unavailable);
    expect(calls).toBe(4);
    calls = 0;
    const invalid = Object.assign(new Error('bad'), { code: 3 });
    const rejecting: IngestFn = async () => {
      calls++;
      throw invalid;
    };
    await expect(retryTransient(rejecting, options)([])).rejects.toBe(invalid);
    expect(calls).toBe(1);
  });
});
