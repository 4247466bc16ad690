// Store configuration from the environment. SQLite is the default: a single file, nothing to run.
import { join, resolve } from 'node:path';
import { bool, ConfigError, duration, integer, listOf, loadConfig, loadSecret, oneOf, readConfigFile, text, type Secret } from '@aisle/config';

export const CONSISTENCY_LEVELS = ['ONE', 'TWO', 'THREE', 'QUORUM', 'ALL', 'LOCAL_QUORUM', 'EACH_QUORUM', 'LOCAL_ONE'] as const;
export type ConsistencyName = (typeof CONSISTENCY_LEVELS)[number];

// The repository root, from libs/feature-store/{src,dist}; `.data/` there is git-ignored.
const REPO_ROOT = resolve(__dirname, '../../..');

export interface SqliteStoreConfig {
  kind: 'sqlite';
  path: string;
}

export interface CassandraStoreConfig {
  kind: 'cassandra';
  contactPoints: string[];
  localDataCenter: string;
  keyspace: string;
  /** CQL replication map, e.g. {'class':'SimpleStrategy','replication_factor':1}. */
  replication: string;
  readConsistency: ConsistencyName;
  writeConsistency: ConsistencyName;
  /** TTL of transaction log rows in seconds; 0 keeps them forever. */
  logTtlSeconds: number;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  /** Statements (or UNLOGGED batches) in flight per ingest call. */
  writeConcurrency: number;
  /** Partition reads in flight per getProducts call. */
  readConcurrency: number;
  /** Plain-text authentication (PasswordAuthenticator), when a username is configured. */
  username?: string;
  /** Never logged: prints as "[redacted]". */
  password?: Secret;
  /** TLS to the nodes; absent = plaintext. */
  tls?: { ca?: Buffer };
}

export type StoreConfig = SqliteStoreConfig | CassandraStoreConfig;

export function loadStoreConfig(env: NodeJS.ProcessEnv = process.env): StoreConfig {
  const config = loadConfig(
    {
      AISLE_STORE: oneOf(['sqlite', 'cassandra'] as const, 'sqlite'),
      AISLE_SQLITE_PATH: text(join(REPO_ROOT, '.data', 'aisle.db')),
      AISLE_CASSANDRA_CONTACT_POINTS: listOf(text(), ['127.0.0.1:9042']),
      AISLE_CASSANDRA_DATACENTER: text('datacenter1'),
      AISLE_CASSANDRA_KEYSPACE: text('aisle', { maxLength: 48 }),
      AISLE_CASSANDRA_REPLICATION: text("{'class':'SimpleStrategy','replication_factor':1}"),
      AISLE_CASSANDRA_READ_CONSISTENCY: oneOf(CONSISTENCY_LEVELS, 'LOCAL_QUORUM'),
      AISLE_CASSANDRA_WRITE_CONSISTENCY: oneOf(CONSISTENCY_LEVELS, 'LOCAL_QUORUM'),
      AISLE_CASSANDRA_LOG_TTL: duration(0, { min: 0 }),
      AISLE_CASSANDRA_CONNECT_TIMEOUT: duration(2000, { min: 1 }),
      AISLE_CASSANDRA_READ_TIMEOUT: duration(2000, { min: 1 }),
      AISLE_CASSANDRA_WRITE_CONCURRENCY: integer(64, { min: 1, max: 4096 }),
      AISLE_CASSANDRA_READ_CONCURRENCY: integer(32, { min: 1, max: 4096 }),
      AISLE_CASSANDRA_TLS: bool(false),
      AISLE_CASSANDRA_TLS_CA_FILE: text(''),
    },
    env,
  );
  if (config.AISLE_STORE === 'sqlite') return { kind: 'sqlite', path: resolve(config.AISLE_SQLITE_PATH) };
  // Credentials come from the variable or from the file <VARIABLE>_FILE names (mounted secrets).
  const username = loadSecret('AISLE_CASSANDRA_USERNAME', env)?.reveal();
  const password = loadSecret('AISLE_CASSANDRA_PASSWORD', env);
  if (password && !username) throw new ConfigError(['AISLE_CASSANDRA_USERNAME is required when AISLE_CASSANDRA_PASSWORD is set']);
  const caFile = config.AISLE_CASSANDRA_TLS_CA_FILE;
  if (!/^[a-z][a-z0-9_]*$/.test(config.AISLE_CASSANDRA_KEYSPACE)) {
    throw new ConfigError([`AISLE_CASSANDRA_KEYSPACE must be a lower-case CQL identifier, got "${config.AISLE_CASSANDRA_KEYSPACE}"`]);
  }
  return {
    kind: 'cassandra',
    contactPoints: config.AISLE_CASSANDRA_CONTACT_POINTS,
    localDataCenter: config.AISLE_CASSANDRA_DATACENTER,
    keyspace: config.AISLE_CASSANDRA_KEYSPACE,
    replication: config.AISLE_CASSANDRA_REPLICATION,
    readConsistency: config.AISLE_CASSANDRA_READ_CONSISTENCY,
    writeConsistency: config.AISLE_CASSANDRA_WRITE_CONSISTENCY,
    logTtlSeconds: Math.floor(config.AISLE_CASSANDRA_LOG_TTL / 1000),
    connectTimeoutMs: config.AISLE_CASSANDRA_CONNECT_TIMEOUT,
    readTimeoutMs: config.AISLE_CASSANDRA_READ_TIMEOUT,
    writeConcurrency: config.AISLE_CASSANDRA_WRITE_CONCURRENCY,
    readConcurrency: config.AISLE_CASSANDRA_READ_CONCURRENCY,
    username,
    password,
    // A CA file turns TLS on; AISLE_CASSANDRA_TLS=true alone verifies the nodes against the system roots.
    tls: caFile || config.AISLE_CASSANDRA_TLS ? { ca: caFile ? readConfigFile('AISLE_CASSANDRA_TLS_CA_FILE', caFile) : undefined } : undefined,
  };
}
