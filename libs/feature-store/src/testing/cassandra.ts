// The Cassandra test target lives in @aisle/config/testing so libs below the store can use it too.
export { cassandraTestTarget, describeCassandra, uniqueKeyspace } from '@aisle/config/testing';
export type { CassandraTestTarget } from '@aisle/config/testing';
