import { Client } from 'cassandra-driver';
import { afterAll, describe, expect, it } from 'vitest';
import type { CassandraStoreConfig } from '../config';
import { StoreUnavailableError } from '../errors';
import { describeCassandra, line, storeContractSuite, uniqueKeyspace } from '../testing';
import { CassandraStore } from './cassandra-store';
import { CASSANDRA_MIGRATIONS, migrateCassandra } from './migrations';

function config(contactPoints: string[], localDataCenter: string, keyspace: string): CassandraStoreConfig {
  return {
    kind: 'cassandra',
    contactPoints,
    localDataCenter,
    keyspace,
    replication: "{'class':'SimpleStrategy','replication_factor':1}",
    readConsistency: 'LOCAL_QUORUM',
    writeConsistency: 'LOCAL_QUORUM',
    logTtlSeconds: 0,
    connectTimeoutMs: 2000,
    readTimeoutMs: 5000,
    writeConcurrency: 64,
    // Below the ids some contract tests ask for at once, so the bound is exercised.
    readConcurrency: 2,
  };
}

describeCassandra('Cassandra store', (target) => {
  const base = uniqueKeyspace('fs');
  const keyspaces = new Set<string>();
  const admin = new Client({ contactPoints: target.contactPoints, localDataCenter: target.localDataCenter });
  afterAll(async () => {
    for (const keyspace of keyspaces) await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await admin.shutdown();
  });

  storeContractSuite('cassandra', async (dataset) => {
    const keyspace = `${base}_${dataset}`;
    keyspaces.add(keyspace);
    const store = new CassandraStore(config(target.contactPoints, target.localDataCenter, keyspace));
    await store.connect();
    return store;
  });

  describe('versions of users written before versions were kept', () => {
    it('gives such a user a version at the first read, which any later write replaces', async () => {
      const keyspace = `${base}_backfill`;
      keyspaces.add(keyspace);
      const store = new CassandraStore(config(target.contactPoints, target.localDataCenter, keyspace));
      try {
        await store.ingest([line({ lineId: 'bf:1', invoiceNo: 'bf-1', productId: 'P1', userId: 'old-user' })]);
        // As a keyspace from before migration 3 has it: rows, no version (and no tombstone: truncated).
        await admin.execute(`TRUNCATE ${keyspace}.user_versions`);
        expect(await store.userVersions(['old-user'])).toEqual(new Map());
        const first = await store.getUserContext('old-user', 10);
        expect(first.version).toMatch(/^[0-9a-f]{16}$/);
        expect((await store.userVersions(['old-user'])).get('old-user')).toEqual({ version: first.version, lastWriteUnixMs: first.lastWriteUnixMs });
        expect((await store.getUserContext('old-user', 10)).version).toBe(first.version);
        await store.ingest([line({ lineId: 'bf:2', invoiceNo: 'bf-2', productId: 'P2', userId: 'old-user' })]);
        const after = await store.getUserContext('old-user', 10);
        expect(after.version).not.toBe(first.version);
        expect((await store.userVersions(['old-user'])).get('old-user')?.version).toBe(after.version);
      } finally {
        await store.close();
      }
    });
  });

  describe('migrations', () => {
    it('apply once and re-run as a no-op', async () => {
      const keyspace = `${base}_migrations`;
      keyspaces.add(keyspace);
      const replication = "{'class':'SimpleStrategy','replication_factor':1}";
      expect(await migrateCassandra(admin, keyspace, replication)).toEqual(CASSANDRA_MIGRATIONS.map((m) => m.version));
      expect(await migrateCassandra(admin, keyspace, replication)).toEqual([]);
      const tables = await admin.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [keyspace], { prepare: true });
      expect(tables.rows.map((row) => row.get('table_name')).sort()).toEqual(
        ['model_artifact_chunks', 'model_production', 'model_versions', 'popularity', 'product_lines', 'product_stock', 'schema_migrations', 'slate_days', 'slates', 'slates_by_user', 'transaction_lines', 'user_purchases', 'user_versions'],
      );
    });
  });
});

describe('Cassandra store without Cassandra', () => {
  // Port 1 on loopback: nothing listens there, so connections are refused at once. The test's own
  // timeout is the guard against waiting: the driver's default would retry and wait far longer.
  it('fails fast with StoreUnavailableError, and keeps failing fast on retry', async () => {
    const store = new CassandraStore(config(['127.0.0.1:1'], 'datacenter1', 'unreachable'));
    for (let attempt = 0; attempt < 2; attempt++) {
      await expect(store.getUserContext('u', 10)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.ingest([line({ lineId: 'x' })])).rejects.toBeInstanceOf(StoreUnavailableError);
    }
    await store.close();
  }, 10_000);
});
