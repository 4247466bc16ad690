import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import { unaryCall } from '@aisle/grpc-kit';
import { features, slates } from '@aisle/contracts';
import { hashUserId } from '@aisle/telemetry';
import { CassandraStore, loadStoreConfig, openStore, SqliteStore, type FeatureStore } from '@aisle/feature-store';
import { describeCassandra, uniqueKeyspace } from '@aisle/feature-store/testing';
import { Client } from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeatureServer } from './testing/start';

const T0 = Date.UTC(2011, 0, 10, 9, 0);
const deadline = () => ({ deadline: Date.now() + 5000 });

function wireLine(overrides: Partial<features.TransactionLine> & { lineId: string }): features.TransactionLine {
  return { invoiceNo: '536365', productId: '85123A', description: 'WHITE HANGING HEART T-LIGHT HOLDER', quantity: 6, unitPrice: 2.55, timeUnixMs: T0, userId: '17850', country: 'United Kingdom', ...overrides };
}

/** Decoded messages carry an (empty) `_unknownFields`; compare the API fields only. */
function plain<T>(message: T): T {
  return JSON.parse(JSON.stringify(message, (key, value) => (key === '_unknownFields' ? undefined : value))) as T;
}

function failure(promise: Promise<unknown>): Promise<ServiceError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: ServiceError) => error,
  );
}

const SERVED = Date.UTC(2026, 11, 5, 12);
const slateOf = (id: string, userHash: string): slates.Slate =>
  slates.Slate.fromPartial({ slateId: id, requestId: id, userHash, servedUnixMs: SERVED, served: ['85123A'], k: 10, context: { country: 'United Kingdom', timeUnixMs: T0 } });

function featureServiceSuite(name: string, open: () => Promise<{ store: FeatureStore; cleanup: () => Promise<void> }>) {
  describe(`feature-service over ${name}`, () => {
    let running: Awaited<ReturnType<typeof startFeatureServer>>;
    let cleanup: () => Promise<void>;
    let store: FeatureStore;
    beforeAll(async () => {
      const opened = await open();
      cleanup = opened.cleanup;
      store = opened.store;
      running = await startFeatureServer(opened.store);
    });
    afterAll(async () => {
      await running.stop();
      await cleanup();
    });

    const batch = [
      wireLine({ lineId: '536365:1', productId: '85123A', quantity: 6 }),
      wireLine({ lineId: '536365:2', productId: '71053', quantity: 6, unitPrice: 3.39 }),
      wireLine({ lineId: '536366:1', invoiceNo: '536366', productId: '22633', quantity: 6, unitPrice: 1.85, timeUnixMs: T0 + 60_000 }),
    ];

    it('answers an unknown user with an empty profile flagged unknown', async () => {
      const { client } = running;
      const response = await unaryCall(client, client.getUserContext, { userId: 'never-seen', recentLimit: 0 }, deadline());
      expect(response).toMatchObject({ known: false, profile: undefined, recent: [], products: [], featureAgeMs: 0 });
    });

    it('ingests a batch that the next GetUserContext sees, and a replay changes nothing', async () => {
      const { client } = running;
      expect(plain(await unaryCall(client, client.ingest, { lines: batch }, deadline()))).toEqual({ applied: 3, duplicates: 0, rejected: [] });
      const first = await unaryCall(client, client.getUserContext, { userId: '17850', recentLimit: 2 }, deadline());
      expect(first.known).toBe(true);
      expect(first.profile).toMatchObject({ userId: '17850', invoiceCount: 2, totalQuantity: 18, distinctProducts: 3, firstSeenUnixMs: T0, lastSeenUnixMs: T0 + 60_000 });
      expect(first.recent.map((purchase) => purchase.productId)).toEqual(['22633', '85123A']);
      expect(first.featureAgeMs).toBeGreaterThanOrEqual(0);
      expect(first.featureAgeMs).toBeLessThan(5000);

      expect(plain(await unaryCall(client, client.ingest, { lines: batch }, deadline()))).toEqual({ applied: 0, duplicates: 3, rejected: [] });
      const again = await unaryCall(client, client.getUserContext, { userId: '17850', recentLimit: 2 }, deadline());
      expect({ ...again, featureAgeMs: 0 }).toEqual({ ...first, featureAgeMs: 0 });
    });

    it("reports each user's version, which changes with an applied line of theirs and goes with an erasure", async () => {
      const { client } = running;
      const user = 'versioned-user';
      const ingest = (n: number) => unaryCall(client, client.ingest, { lines: [wireLine({ lineId: `ver:${n}`, invoiceNo: `ver-${n}`, userId: user })] }, deadline());
      const context = () => unaryCall(client, client.getUserContext, { userId: user, recentLimit: 5 }, deadline());
      const versions = async (...userIds: string[]) => (await unaryCall(client, client.getUserVersions, { userIds }, deadline())).versions;
      await ingest(1);
      const full = await context();
      expect(full.version).toMatch(/^[0-9a-f]{16}$/);
      const [mine, nobody, again] = await versions(user, 'never-seen-user', user);
      expect(mine).toMatchObject({ userId: user, version: full.version });
      expect(mine!.featureAgeMs).toBeGreaterThanOrEqual(full.featureAgeMs);
      expect(nobody).toMatchObject({ userId: 'never-seen-user', version: '', featureAgeMs: 0 });
      expect(again).toEqual(mine);

      await ingest(1); // a replay changes nothing
      expect((await versions(user))[0]!.version).toBe(full.version);
      await ingest(2);
      const changed = (await versions(user))[0]!.version;
      expect(changed).not.toBe(full.version);
      expect((await context()).version).toBe(changed);

      await unaryCall(client, client.eraseUser, { userId: user }, deadline());
      expect((await versions(user))[0]!.version).toBe('');
      expect((await context()).version).toBe('');
    });

    it('rejects bad lines with field and reason and applies the good ones', async () => {
      const { client } = running;
      const response = await unaryCall(
        client,
        client.ingest,
        {
          lines: [
            wireLine({ lineId: 'bad:1', quantity: -3 }),
            wireLine({ lineId: 'good:1', invoiceNo: 'good', userId: 'bad-lines-user' }),
            wireLine({ lineId: 'bad:2', productId: '' }),
            wireLine({ lineId: 'bad:3', unitPrice: Number.NaN }),
          ],
        },
        deadline(),
      );
      expect(response.applied).toBe(1);
      expect(response.rejected.map(({ index, lineId, field }) => ({ index, lineId, field }))).toEqual([
        { index: 0, lineId: 'bad:1', field: 'quantity' },
        { index: 2, lineId: 'bad:2', field: 'product_id' },
        { index: 3, lineId: 'bad:3', field: 'unit_price' },
      ]);
      expect(response.rejected[0]!.reason).toContain('positive');
    });

    it('answers bad requests with INVALID_ARGUMENT naming the field', async () => {
      const { client } = running;
      const cases: [Promise<unknown>, string][] = [
        [unaryCall(client, client.getUserContext, { userId: '', recentLimit: 0 }, deadline()), 'user_id'],
        [unaryCall(client, client.getUserContext, { userId: 'x'.repeat(65), recentLimit: 0 }, deadline()), 'user_id'],
        [unaryCall(client, client.getUserContext, { userId: 'u', recentLimit: 501 }, deadline()), 'recent_limit'],
        [unaryCall(client, client.batchGetProducts, { productIds: Array.from({ length: 1001 }, (_, i) => `p${i}`) }, deadline()), 'product_ids'],
        [unaryCall(client, client.batchGetProducts, { productIds: ['ok', ''] }, deadline()), 'product_ids[1]'],
        [unaryCall(client, client.popular, { window: 0, limit: 0 }, deadline()), 'limit'],
        [unaryCall(client, client.popular, { window: 7 as features.PopularityWindow, limit: 5 }, deadline()), 'window'],
        [unaryCall(client, client.ingest, { lines: [] }, deadline()), 'lines'],
        [unaryCall(client, client.ingest, { lines: [wireLine({ lineId: 'neg', quantity: -1 })] }, deadline()), 'lines[0].quantity'],
        [unaryCall(client, client.eraseUser, { userId: '' }, deadline()), 'user_id'],
      ];
      for (const [call, field] of cases) {
        const error = await failure(call);
        expect(error.code, field).toBe(status.INVALID_ARGUMENT);
        expect(error.metadata.get('x-invalid-field')).toEqual([field]);
        expect(error.details).toContain(field);
      }
    });

    it('returns products in request order with unknown ids listed', async () => {
      const { client } = running;
      const response = await unaryCall(client, client.batchGetProducts, { productIds: ['71053', 'NOPE', '85123A'] }, deadline());
      expect(response.products.map((product) => product.productId)).toEqual(['71053', '85123A']);
      expect(response.products[0]).toMatchObject({ description: 'WHITE HANGING HEART T-LIGHT HOLDER', unitPrice: 3.39, invoices: 1, customers: 1, quantity: 6, isProduct: true, inStock: true });
      expect(response.unknownProductIds).toEqual(['NOPE']);
    });

    it('reports the stock SetStock marked, at once although the product was cached, and keeps the later update', async () => {
      const { client } = running;
      const inStock = async () => (await unaryCall(client, client.batchGetProducts, { productIds: ['22633'] }, deadline())).products[0]?.inStock;
      expect(await inStock()).toBe(true); // now cached
      const set = (inStockNow: boolean, updatedUnixMs: number) => unaryCall(client, client.setStock, { updates: [{ productId: '22633', inStock: inStockNow, updatedUnixMs }] }, deadline());
      expect(await set(false, T0 + 2)).toEqual(expect.objectContaining({ accepted: 1 }));
      expect(await inStock()).toBe(false);
      // A retried older update is accepted and changes nothing; a later one brings it back.
      await set(true, T0 + 1);
      expect(await inStock()).toBe(false);
      await set(true, T0 + 3);
      expect(await inStock()).toBe(true);
    });

    it('ranks popular products globally, falls back to global for a thin country', async () => {
      const { client, refresher } = running;
      await unaryCall(client, client.ingest, { lines: [wireLine({ lineId: '536367:1', invoiceNo: '536367', productId: '22633', userId: '13047', country: 'France' })] }, deadline());
      await refresher.refreshNow();
      const global = await unaryCall(client, client.popular, { window: features.PopularityWindow.POPULARITY_WINDOW_ALL_TIME, limit: 1 }, deadline());
      expect(plain(global)).toEqual({ products: [{ productId: '22633', score: 2 }], globalFallback: false });
      const france = await unaryCall(client, client.popular, { context: { country: 'France', timeUnixMs: 0 }, window: features.PopularityWindow.POPULARITY_WINDOW_LAST_30_DAYS, limit: 5 }, deadline());
      expect(france.globalFallback).toBe(true);
      expect(plain(france.products[0])).toEqual({ productId: '22633', score: 2 });
    });

    it('stores appended slates once, a retried batch is not stored twice, and they can be read back by time', async () => {
      const slateLog = running.slateClient;
      const first = [slateOf(`${name}-s1`, 'aaaaaaaaaaaaaaaa'), slateOf(`${name}-s2`, 'bbbbbbbbbbbbbbbb')];
      expect(plain(await unaryCall(slateLog, slateLog.appendSlates, { slates: first }, deadline()))).toEqual({ stored: 2, duplicates: 0 });
      expect(plain(await unaryCall(slateLog, slateLog.appendSlates, { slates: [...first, slateOf(`${name}-s3`, 'aaaaaaaaaaaaaaaa')] }, deadline()))).toEqual({ stored: 1, duplicates: 2 });
      const found: string[] = [];
      for await (const page of store.slates(SERVED, SERVED + 1)) found.push(...page.map((slate) => slate.slateId));
      expect(found.filter((id) => id.startsWith(`${name}-s`)).sort()).toEqual([`${name}-s1`, `${name}-s2`, `${name}-s3`]);
    });

    it('erases a user: counts what it removed, and no read returns any of it', async () => {
      const { client, refresher } = running;
      await unaryCall(client, client.ingest, { lines: [wireLine({ lineId: 'erase:1', invoiceNo: 'erase', productId: '99999E', userId: 'to-erase', country: 'Erasia' })] }, deadline());
      await refresher.refreshNow();
      expect((await unaryCall(client, client.batchGetProducts, { productIds: ['99999E'] }, deadline())).products).toHaveLength(1);
      // Two versions of a model: one trained on a window holding the user's line, one on a window before it.
      const lineage = { trainingRows: 1, inputHash: 'h', codeVersion: 'c', parameters: {}, metrics: {} };
      await store.registerModelVersion({ model: 'erasure-probe', version: 'saw-user', trainStartUnixMs: 0, trainEndUnixMs: T0 + 86_400_000, ...lineage }, new Uint8Array([1]));
      await store.registerModelVersion({ model: 'erasure-probe', version: 'before-user', trainStartUnixMs: 0, trainEndUnixMs: T0 - 86_400_000, ...lineage }, new Uint8Array([2]));
      const slateLog = running.slateClient;
      await unaryCall(slateLog, slateLog.appendSlates, { slates: [slateOf('erase-slate', hashUserId('to-erase'))] }, deadline());
      expect(plain(await unaryCall(client, client.eraseUser, { userId: 'to-erase' }, deadline()))).toEqual({
        profiles: 1,
        purchases: 1,
        productAggregates: 1,
        transactionLines: 1,
        slates: 1,
        trainedOnUser: [{ model: 'erasure-probe', version: 'saw-user' }],
      });
      // Nothing left to say about the user afterwards, not even which models saw it.
      expect(plain(await unaryCall(client, client.eraseUser, { userId: 'to-erase' }, deadline()))).toMatchObject({ profiles: 0, trainedOnUser: [] });
      expect((await unaryCall(client, client.getUserContext, { userId: 'to-erase', recentLimit: 0 }, deadline())).known).toBe(false);
      expect((await unaryCall(client, client.batchGetProducts, { productIds: ['99999E'] }, deadline())).unknownProductIds).toEqual(['99999E']);
      await refresher.refreshNow();
      const popular = await unaryCall(client, client.popular, { context: { country: 'Erasia', timeUnixMs: 0 }, window: 0, limit: 1000 }, deadline());
      expect(popular.products.some((product) => product.productId === '99999E')).toBe(false);
    });
  });

}

featureServiceSuite('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aisle-feature-service-'));
  return { store: new SqliteStore(join(dir, 'store.db')), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

describeCassandra('feature-service over Cassandra', (target) => {
  featureServiceSuite('Cassandra', async () => {
    const keyspace = uniqueKeyspace('fsvc');
    const config = loadStoreConfig({ AISLE_STORE: 'cassandra', AISLE_CASSANDRA_CONTACT_POINTS: target.contactPoints.join(','), AISLE_CASSANDRA_DATACENTER: target.localDataCenter, AISLE_CASSANDRA_KEYSPACE: keyspace });
    // Connected (keyspace created, migrations applied) before the server starts: a dozen schema changes
    // can take longer than one call's deadline on a busy machine.
    const store = openStore(config) as CassandraStore;
    await store.connect();
    return {
      store,
      cleanup: async () => {
        const admin = new Client({ contactPoints: target.contactPoints, localDataCenter: target.localDataCenter });
        await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
        await admin.shutdown();
      },
    };
  });
});

describe('feature-service with Cassandra unreachable', () => {
  let running: Awaited<ReturnType<typeof startFeatureServer>>;
  beforeAll(async () => {
    // Nothing listens on port 1: the store's connection attempts are refused.
    const store = new CassandraStore({
      kind: 'cassandra',
      contactPoints: ['127.0.0.1:1'],
      localDataCenter: 'datacenter1',
      keyspace: 'unreachable',
      replication: "{'class':'SimpleStrategy','replication_factor':1}",
      readConsistency: 'LOCAL_QUORUM',
      writeConsistency: 'LOCAL_QUORUM',
      logTtlSeconds: 0,
      connectTimeoutMs: 1000,
      readTimeoutMs: 1000,
      writeConcurrency: 16,
      readConcurrency: 8,
    });
    running = await startFeatureServer(store);
  });
  afterAll(async () => running.stop());

  it('answers UNAVAILABLE instead of hanging', async () => {
    const { client } = running;
    // A call that hung would end DEADLINE_EXCEEDED at its deadline: UNAVAILABLE means the service answered first.
    const deadline = () => ({ deadline: Date.now() + 5_000 });
    for (const call of [
      () => unaryCall(client, client.getUserContext, { userId: 'u', recentLimit: 0 }, deadline()),
      () => unaryCall(client, client.ingest, { lines: [wireLine({ lineId: 'x:1' })] }, deadline()),
      () => unaryCall(client, client.popular, { window: 0, limit: 3 }, deadline()),
    ]) {
      const error = await failure(call());
      expect(error.code).toBe(status.UNAVAILABLE);
    }
  });
});
