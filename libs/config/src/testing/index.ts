export { cassandraTestTarget, describeCassandra, uniqueKeyspace } from './cassandra';
export type { CassandraTestTarget } from './cassandra';
