export { cassandraTestTarget, describeCassandra, uniqueKeyspace } from './cassandra';
export type { CassandraTestTarget } from './cassandra';
export { storeContractSuite } from './contract';
export type { OpenStore } from './contract';
export { DAY, line, T0, uniqueIds } from './lines';
