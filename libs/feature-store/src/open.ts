// Opens the store the configuration names. SQLite opens (and migrates) at once; Cassandra connects on
// first use, so a service can start, report UNAVAILABLE and recover while Cassandra is down.
import { CassandraStore } from './cassandra/cassandra-store';
import type { StoreConfig } from './config';
import { SqliteStore } from './sqlite/sqlite-store';
import type { FeatureStore } from './store';

export function openStore(config: StoreConfig): FeatureStore {
  return config.kind === 'sqlite' ? new SqliteStore(config.path) : new CassandraStore(config);
}
