import { resolve } from 'node:path';
import { ConfigError } from '@aisle/config';
import { describe, expect, it } from 'vitest';
import { loadStoreConfig } from './config';

describe('loadStoreConfig', () => {
  it('defaults to SQLite under the repository .data folder', () => {
    expect(loadStoreConfig({})).toEqual({ kind: 'sqlite', path: resolve(__dirname, '../../../.data/aisle.db') });
  });

  it('reads the Cassandra settings', () => {
    const config = loadStoreConfig({
      AISLE_STORE: 'cassandra',
      AISLE_CASSANDRA_CONTACT_POINTS: 'a:9042, b:9042',
      AISLE_CASSANDRA_KEYSPACE: 'aisle_test',
      AISLE_CASSANDRA_WRITE_CONSISTENCY: 'ONE',
      AISLE_CASSANDRA_LOG_TTL: '2160h',
      AISLE_CASSANDRA_READ_CONCURRENCY: '8',
      AISLE_CASSANDRA_USERNAME: 'app',
      AISLE_CASSANDRA_PASSWORD: 'secret',
    });
    expect(config).toMatchObject({ kind: 'cassandra', contactPoints: ['a:9042', 'b:9042'], keyspace: 'aisle_test', readConsistency: 'LOCAL_QUORUM', writeConsistency: 'ONE', logTtlSeconds: 7_776_000, readConcurrency: 8, writeConcurrency: 64, username: 'app' });
    expect(config.kind === 'cassandra' && config.password?.reveal()).toBe('secret');
  });

  it('names bad variables', () => {
    expect(() => loadStoreConfig({ AISLE_STORE: 'cassandra', AISLE_CASSANDRA_KEYSPACE: 'Bad-Name' })).toThrow(ConfigError);
    expect(() => loadStoreConfig({ AISLE_STORE: 'cassandra', AISLE_CASSANDRA_READ_CONSISTENCY: 'MOST' })).toThrow(/AISLE_CASSANDRA_READ_CONSISTENCY/);
  });
});
