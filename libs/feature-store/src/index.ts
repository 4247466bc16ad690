// The feature store: one interface, a Cassandra and an embedded SQLite implementation.
export type { FeatureStore } from './store';
export * from './types';
export { StoreNotFoundError, StorePreconditionError, StoreUnavailableError } from './errors';
export { CONSISTENCY_LEVELS, loadStoreConfig } from './config';
export type { CassandraStoreConfig, ConsistencyName, SqliteStoreConfig, StoreConfig } from './config';
export { openStore } from './open';
export { SqliteStore } from './sqlite/sqlite-store';
export { CassandraStore } from './cassandra/cassandra-store';
export { CASSANDRA_MIGRATIONS } from './cassandra/migrations';
export { SQLITE_MIGRATIONS } from './sqlite/migrations';
export { POPULARITY_DEPTH } from './domain/popularity';
export { DAY_MS, RECENT_WINDOW_MS, isProductCode } from './domain/product';
export { sha256Hex } from './domain/artifact';
export { publishModelVersion } from './registry/publish';
export { modelInfoMessage } from './registry/model-info';
export type { PublishOptions, Published, TrainedModelInfo } from './registry/publish';
